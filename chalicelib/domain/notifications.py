"""Agent notifications (avisering, S16): who is told what after a change to a ticket.

An agent hears of new messages on tickets they own, of tickets handed to them, and of
other changes on tickets they own, as they choose (``User.notify``); never of what they
did themselves. One change (one save) makes at most one notification per agent.

The decision is taken from the history events of one change as the TicketEvents stream
carries them (``StoredEvent``): each event item names the change (the ticket version it
produced), how many events that change wrote, and the ticket's owner after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.events import EventType, TicketEvent


class NoticeKind(StrEnum):
    MESSAGE = "message"  # a customer (or external party) wrote on my ticket
    ASSIGNED = "assigned"  # a ticket was handed to me
    CHANGED = "changed"  # someone else changed my ticket
    # Time and follow-up came due on my ticket: it woke up (issue 12)
    FOLLOW_UP = "follow_up"
    # An admin's trigger named me or my group (S7): told whatever my choices are.
    ALARM = "alarm"


# When one change is several kinds at once, the agent hears of the weightiest.
_WEIGHT = {
    NoticeKind.ALARM: 5,
    NoticeKind.ASSIGNED: 4,
    NoticeKind.FOLLOW_UP: 3,
    NoticeKind.MESSAGE: 2,
    NoticeKind.CHANGED: 1,
}
# Events the system records when time comes due; their notice is a follow-up.
FOLLOW_UP_EVENTS = {EventType.WOKE_UP.value}
FOLLOW_UP_EVENTS.add(EventType.SLA_BREACHED.value)  # a due time passed unmet (S12)
# External consultation (S6): the party answered, or the last reminder went unanswered.
FOLLOW_UP_EVENTS |= {EventType.EXTERNAL_ANSWER.value, EventType.CONSULTATION_UNANSWERED.value}


def preference_of(kind: NoticeKind) -> str:
    """The ``User.notify`` choice that lets a notice of this kind through. A follow-up is
    a change the system made on the agent's ticket, so the "changed" choice covers it:
    users who chose before follow-ups existed keep hearing of them without a migration."""
    return NoticeKind.CHANGED.value if kind is NoticeKind.FOLLOW_UP else kind.value


# Events that are no news to the owner: their own picks, and the lock coming and going.
_QUIET = {EventType.PICKED.value, EventType.RELEASED.value, EventType.ROUTED.value}
# The SLA clock's own bookkeeping: the status change beside it is the news.
_QUIET |= {EventType.SLA_SET.value, EventType.SLA_PAUSED.value, EventType.SLA_RESUMED.value}
# A trigger's record: whom it concerns, its notify action tells (services/triggers).
_QUIET.add(EventType.TRIGGER_FIRED.value)
# GDPR housekeeping (issue 14) is no news to anybody.
_QUIET.add(EventType.CONTACT_ANONYMISED.value)


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


@dataclass(frozen=True)
class StoredEvent:
    """A history event as stored (and streamed), with the change that wrote it."""

    event: TicketEvent
    change: int | None = None  # the ticket version the change produced (None: older item)
    size: int | None = None  # how many events that change wrote
    owner: str | None = None  # the ticket's agent after the change

    @property
    def change_key(self) -> str:
        """Names the change; an item from before changes were recorded is one on its own."""
        return str(self.change) if self.change is not None else f"e{self.event.event_id}"


def notice_id(change: list[TicketEvent]) -> str:
    """The same id each time one change is considered: its last event's id (a ULID, so
    notices still sort by time). With the user it keys the notice, so a change processed
    twice (a redelivered stream record) notifies nobody twice."""
    return max(change, key=lambda e: e.sort_key).event_id


def named_actor(events: list[TicketEvent]) -> str:
    """Who a notice names as its author (issue 15): the sender of the change's latest
    customer message ("Karin Lindqvist <karin@example.se>", or the address alone), else the
    change's last actor who is not the system, else its last actor. A customer's mail comes
    with system events after it (a reopen, routing): the notice names the customer."""
    for event in reversed(events):
        if event.type == EventType.MESSAGE_IN.value:
            address = str(event.data.get("from") or "")
            name = str(event.data.get("from_name") or "").strip()
            if address:
                return f"{name} <{address}>" if name and name != address else address
            if event.actor and not event.actor.startswith("system:"):
                return event.actor
    for event in reversed(events):
        if event.actor and not event.actor.startswith("system:"):
            return event.actor
    return events[-1].actor if events else ""


def recipients(
    owner: str | None, events: list[TicketEvent]
) -> dict[str, tuple[NoticeKind, list[str]]]:
    """user id -> (kind, event types) for one stored change of a ticket whose agent after
    the change is ``owner``."""
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
            tell(owner, NoticeKind.ASSIGNED, event)
        elif event.type == EventType.MESSAGE_IN.value:
            tell(owner, NoticeKind.MESSAGE, event)
        elif event.type in FOLLOW_UP_EVENTS:
            tell(owner, NoticeKind.FOLLOW_UP, event)
        elif event.type == EventType.MESSAGE_OUT.value and event.data.get("automatic"):
            continue  # our own acknowledgement is no news
        elif event.type not in _QUIET:
            tell(owner, NoticeKind.CHANGED, event)
    return found
