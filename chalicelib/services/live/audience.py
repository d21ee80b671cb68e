"""Who hears of a ticket's change (pure). A connection is kept under the audiences of its
user; a change is pushed to the audiences of its ticket; where they meet, the user may see
the ticket (services/visibility: agents see their own tickets and their groups'; dispatchers
and admins see all).

The notice carries no personal data (ids, version, status), so hearing of a ticket one
cannot open costs nothing but a refresh that finds nothing new."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.domain.organisation import Role

EVERYONE = "all"  # dispatchers and admins: every ticket


def user(user_id: str) -> str:
    return f"user#{user_id}"


def group(group_id: str) -> str:
    return f"group#{group_id}"


def of_user(user_id: str, roles: Iterable[str], groups: Iterable[str]) -> tuple[str, ...]:
    """The audiences a user's connection hears."""
    found = [user(user_id)]
    if {str(r) for r in roles} & {Role.ADMIN.value, Role.DISPATCHER.value}:
        found.append(EVERYONE)
    found.extend(group(g) for g in groups)
    return tuple(dict.fromkeys(found))


def of_change(
    agent_id: str | None, group_id: str | None, events: Iterable[Mapping[str, Any]]
) -> list[str]:
    """The audiences of a ticket after a change, and of its agent and group before it (an
    assignment's ``before``, a field change of ``group_id``/``agent_id``): their open
    lists held the ticket and must drop it."""
    agents = {agent_id}
    groups = {group_id}
    for data in events:
        before = data.get("before")
        if isinstance(before, Mapping):
            agents.add(before.get("agent_id"))
            groups.add(before.get("group_id"))
        elif data.get("field") in ("agent_id", "group_id") and isinstance(before, str):
            (agents if data["field"] == "agent_id" else groups).add(before)
    found = [EVERYONE]
    found += sorted(user(a) for a in agents if isinstance(a, str) and a)
    found += sorted(group(g) for g in groups if isinstance(g, str) and g)
    return found
