"""Agent notifications (avisering, S16): who is told what after a change to a ticket.

An agent hears of new messages on tickets they own, of tickets handed to them, and of
other changes on tickets they own, as they choose (``User.notify``); never of what they
did themselves. One change (one save) makes at most one notification per agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ticket import Ticket


class NoticeKind(StrEnum):
    MESSAGE = "message"  # a customer (or external party) wrote on my ticket
    ASSIGNED = "assigned"  # a ticket was handed to me
    CHANGED = "changed"  # someone else changed my ticket


# When one change is several kinds at once, the agent hears of the weightiest.
_WEIGHT = {NoticeKind.ASSIGNED: 3, NoticeKind.MESSAGE: 2, NoticeKind.CHANGED: 1}
# Events that are no news to the owner: their own picks, and the lock coming and going.
_QUIET = {EventType.PICKED.value, EventType.RELEASED.value, EventType.ROUTED.value}


@dataclass
class Notification:
    id: str
    user_id: str
    at: datetime
    kind: NoticeKind
    ticket_id: str
    number: int
    title: str
    actor: str
    events: list[str] = field(default_factory=list)  # event types of the change
    read: bool = False


def recipients(
    ticket: Ticket, events: list[TicketEvent]
) -> dict[str, tuple[NoticeKind, list[str]]]:
    """user id -> (kind, event types) for one stored change of ``ticket``."""
    found: dict[str, tuple[NoticeKind, list[str]]] = {}

    def tell(user: str | None, kind: NoticeKind, event: TicketEvent) -> None:
        if not user or user == event.actor:
            return
        before, types = found.get(user, (kind, []))
        weightier = kind if _WEIGHT[kind] > _WEIGHT[before] else before
        found[user] = (weightier, [*types, event.type])

    for event in events:
        if event.type == EventType.ASSIGNED.value:
            tell(event.data.get("agent_id"), NoticeKind.ASSIGNED, event)
        elif event.type == EventType.CREATED.value:
            tell(ticket.agent_id, NoticeKind.ASSIGNED, event)
        elif event.type == EventType.MESSAGE_IN.value:
            tell(ticket.agent_id, NoticeKind.MESSAGE, event)
        elif event.type == EventType.MESSAGE_OUT.value and event.data.get("automatic"):
            continue  # our own acknowledgement is no news
        elif event.type not in _QUIET:
            tell(ticket.agent_id, NoticeKind.CHANGED, event)
    return found
