"""Pick and release (S17): a picked ticket is locked to its agent for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import InvalidTransitionError, TicketLockedError, ValidationError
from chalicelib.domain.events import EventType
from chalicelib.domain.statuses import OPEN_STATUSES, Status
from tests.unit.domain.builders import NOW, ticket_in

LOCK = timedelta(minutes=30)


def test_picking_a_new_ticket_locks_it_makes_the_agent_owner_and_opens_it() -> None:
    ticket = ticket_in(Status.NEW, group_id="kt-first")

    ticket.pick("agent1", NOW, LOCK)

    assert ticket.agent_id == "agent1"
    assert (ticket.locked_by, ticket.locked_until) == ("agent1", NOW + LOCK)
    assert ticket.status is Status.OPEN
    assert [e.type for e in ticket.pending_events] == [EventType.STATUS_CHANGED, EventType.PICKED]
    assert ticket.pending_events[-1].data["previous_agent"] is None


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES - {Status.NEW}), ids=str)
def test_picking_keeps_a_working_status(status: Status) -> None:
    ticket = ticket_in(status)

    ticket.pick("agent1", NOW, LOCK)

    assert ticket.status is status
    assert ticket.lock_holder(NOW) == "agent1"


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED], ids=str)
def test_a_resolved_or_closed_ticket_cannot_be_picked(status: Status) -> None:
    ticket = ticket_in(status)

    with pytest.raises(InvalidTransitionError):
        ticket.pick("agent1", NOW, LOCK)

    assert ticket.locked_by is None and ticket.agent_id is None


def test_a_ticket_locked_by_another_agent_cannot_be_picked() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)

    with pytest.raises(TicketLockedError) as raised:
        ticket.pick("agent2", NOW + timedelta(minutes=29), LOCK)

    assert raised.value.code == "locked"
    assert ticket.agent_id == "agent1"


def test_an_expired_lock_lets_another_agent_pick_the_ticket() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)
    after = NOW + LOCK  # the lock runs up to, not including, its end

    ticket.pick("agent2", after, LOCK)

    assert ticket.lock_holder(after) == "agent2"
    assert ticket.pending_events[-1].data["previous_agent"] == "agent1"


def test_picking_ones_own_ticket_again_extends_the_lock() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)

    ticket.pick("agent1", NOW + timedelta(minutes=20), LOCK)

    assert ticket.locked_until == NOW + timedelta(minutes=50)


def test_the_lock_holder_releases_the_ticket_and_stays_its_owner() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)
    ticket.pending_events.clear()

    ticket.release("agent1", NOW)

    assert ticket.lock_holder(NOW) is None
    assert ticket.agent_id == "agent1"
    [event] = ticket.pending_events
    assert (event.type, event.data) == (EventType.RELEASED, {"holder": "agent1"})


def test_another_agent_cannot_release_a_lock() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)

    with pytest.raises(TicketLockedError):
        ticket.release("agent2", NOW)

    assert ticket.lock_holder(NOW) == "agent1"


def test_a_dispatcher_may_override_and_release_anothers_lock() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)

    ticket.release("dispatcher", NOW, override=True)

    assert ticket.lock_holder(NOW) is None
    assert ticket.pending_events[-1].data == {"holder": "agent1"}


@pytest.mark.parametrize(
    "when", [None, NOW + LOCK + timedelta(seconds=1)], ids=["never-picked", "lock-expired"]
)
def test_releasing_an_unlocked_ticket_is_refused(when: object) -> None:
    ticket = ticket_in(Status.OPEN)
    if when is not None:
        ticket.pick("agent1", NOW, LOCK)
    at = when or NOW

    with pytest.raises(ValidationError, match="not locked"):
        ticket.release("agent1", at)  # type: ignore[arg-type]


def test_writes_by_others_are_refused_while_locked_unless_overridden() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)

    ticket.ensure_writable_by("agent1", NOW)
    ticket.ensure_writable_by("admin", NOW, override=True)
    with pytest.raises(TicketLockedError):
        ticket.ensure_writable_by("agent2", NOW)
    ticket.ensure_writable_by("agent2", NOW + LOCK)


def test_only_the_lock_holders_writes_extend_the_lock() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)

    ticket.touch_lock("agent2", NOW + timedelta(minutes=10), LOCK)
    assert ticket.locked_until == NOW + LOCK

    ticket.touch_lock("agent1", NOW + timedelta(minutes=10), LOCK)
    assert ticket.locked_until == NOW + timedelta(minutes=40)


def test_an_expired_lock_is_not_extended() -> None:
    ticket = ticket_in(Status.OPEN)
    ticket.pick("agent1", NOW, LOCK)

    ticket.touch_lock("agent1", NOW + timedelta(hours=2), LOCK)

    assert ticket.lock_holder(NOW + timedelta(hours=2)) is None
