"""Which inboxes a ticket sits in (S3), as index keys.

Only open tickets carry inbox keys; resolved and closed tickets drop out, so
an inbox page stays one small Query however much history the table holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.statuses import PRIORITY_RANK
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso


class InboxKind(StrEnum):
    AGENT = "agent"  # one agent's tickets
    GROUP = "group"  # a group's tickets, assigned or not
    RESPONSE_POINT = "rp"  # everything open at a response point
    UNASSIGNED_GROUP = "pool-group"  # a group's tickets with no agent yet
    UNASSIGNED_RP = "pool-rp"  # a response point's tickets with no agent yet


@dataclass(frozen=True)
class InboxRef:
    kind: InboxKind
    key: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.key}"

    @classmethod
    def parse(cls, text: str) -> InboxRef:
        kind, _, key = text.partition(":")
        try:
            return cls(InboxKind(kind), key) if key else _bad(text)
        except ValueError:
            return _bad(text)


def _bad(text: str) -> InboxRef:
    raise ValidationError(
        f"unknown inbox {text!r}; use agent:<id>, group:<id>, rp:<id>, "
        "pool-group:<id> or pool-rp:<id>"
    )


def inbox_sort_key(ticket: Ticket) -> str:
    """High priority first, then oldest first."""
    return f"{PRIORITY_RANK[ticket.priority]}#{iso(ticket.created_at)}"


def inbox_memberships(ticket: Ticket) -> dict[InboxKind, str]:
    if not ticket.is_open:
        return {}
    keys = {InboxKind.RESPONSE_POINT: ticket.response_point_id}
    if ticket.agent_id:
        keys[InboxKind.AGENT] = ticket.agent_id
    else:
        keys[InboxKind.UNASSIGNED_RP] = ticket.response_point_id
        if ticket.group_id:
            keys[InboxKind.UNASSIGNED_GROUP] = ticket.group_id
    if ticket.group_id:
        keys[InboxKind.GROUP] = ticket.group_id
    return keys
