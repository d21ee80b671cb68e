"""The multi-user level (S16): which tickets an agent sees."""

from __future__ import annotations

import pytest

from chalicelib.domain.access import can_override_lock, can_see
from chalicelib.domain.organisation import ResponsePoint, Role, User, VisibilityLevel
from chalicelib.domain.statuses import Status
from tests.unit.domain.builders import ticket_in

OWN_GROUPS = ResponsePoint("kundtjanst", "Kundtjänst", visibility_level=VisibilityLevel.OWN_GROUPS)
ALL = ResponsePoint("it-support", "IT-support", visibility_level=VisibilityLevel.ALL)

AGENT = User("agent1", "agent1@example.com", "Agnes", groups=["kt-first"])
ADMIN = User("admin", "admin@example.com", "Ada", roles=[Role.ADMIN])
DISPATCHER = User("dispatcher", "d@example.com", "Dag", roles=[Role.DISPATCHER])


@pytest.mark.parametrize(
    ("rp", "group_id", "agent_id", "visible"),
    [
        (OWN_GROUPS, "kt-first", None, True),
        (OWN_GROUPS, "kt-second", None, False),
        (OWN_GROUPS, None, None, False),
        (OWN_GROUPS, "kt-second", "agent1", True),
        (OWN_GROUPS, "kt-second", "agent2", False),
        (ALL, "it-desk", None, True),
        (ALL, None, "agent3", True),
        (None, "kt-second", None, False),
        (None, "kt-first", None, True),
    ],
    ids=[
        "own-groups:my-group",
        "own-groups:other-group",
        "own-groups:no-group",
        "own-groups:mine-in-other-group",
        "own-groups:colleagues-in-other-group",
        "all:any-group",
        "all:someone-elses",
        "unknown-rp:other-group",
        "unknown-rp:my-group",
    ],
)
def test_an_agent_sees_tickets_by_the_response_points_level(
    rp: ResponsePoint | None, group_id: str | None, agent_id: str | None, visible: bool
) -> None:
    ticket = ticket_in(Status.OPEN, group_id=group_id, agent_id=agent_id)

    assert can_see(AGENT, ticket, rp) is visible


@pytest.mark.parametrize("user", [ADMIN, DISPATCHER], ids=["admin", "dispatcher"])
def test_admins_and_dispatchers_see_everything_and_may_override_locks(user: User) -> None:
    ticket = ticket_in(Status.OPEN, group_id="kt-second")

    assert can_see(user, ticket, OWN_GROUPS)
    assert can_see(user, ticket, None)
    assert can_override_lock(user)


def test_an_agent_may_not_override_locks() -> None:
    assert not can_override_lock(AGENT)
