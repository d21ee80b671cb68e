"""The status machine of a ticket: which moves are allowed, and what each move records."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.errors import InvalidTransitionError, ValidationError
from chalicelib.domain.events import EventType
from chalicelib.domain.statuses import OPEN_STATUSES, TRANSITIONS, Status, allowed_moves
from tests.unit.domain.builders import LATER, NOW, ticket_in

S = Status
WORKING = {S.OPEN, S.WITH_CONTACT, S.WITH_EXTERNAL, S.DORMANT, S.DORMANT_UNTIL}
DONE = {S.RESOLVED, S.CLOSED}

# The machine as the spec reads, written out by hand so that a slip in the code's
# table cannot also slip into the expectations.
EXPECTED_MOVES: dict[Status, set[Status]] = {
    S.NEW: WORKING | DONE,
    S.OPEN: (WORKING - {S.OPEN}) | DONE,
    S.WITH_CONTACT: (WORKING - {S.WITH_CONTACT}) | DONE,
    S.WITH_EXTERNAL: (WORKING - {S.WITH_EXTERNAL}) | DONE,
    S.DORMANT: (WORKING - {S.DORMANT}) | DONE,
    S.DORMANT_UNTIL: WORKING | DONE,  # to itself: a new wake-up date
    S.RESOLVED: {S.CLOSED},
    S.CLOSED: set(),
}

ALLOWED = [(a, b) for a in Status for b in sorted(EXPECTED_MOVES[a])]
FORBIDDEN = [(a, b) for a in Status for b in Status if b not in EXPECTED_MOVES[a] and a is not b]


def move_id(move: tuple[Status, Status]) -> str:
    return f"{move[0]}->{move[1]}"


def until_for(target: Status) -> object:
    return LATER + timedelta(days=1) if target is S.DORMANT_UNTIL else None


def test_the_code_table_is_the_machine_the_spec_describes() -> None:
    # Given the table in chalicelib.domain.statuses
    # Then it holds exactly the moves written out above, for every status
    assert {s: set(t) for s, t in TRANSITIONS.items()} == EXPECTED_MOVES
    assert all(allowed_moves(s) == TRANSITIONS[s] for s in Status)


@pytest.mark.parametrize("move", ALLOWED, ids=move_id)
def test_an_allowed_move_changes_the_status_and_records_it(move: tuple[Status, Status]) -> None:
    source, target = move
    ticket = ticket_in(source)
    when = NOW + timedelta(hours=1)

    ticket.change_status(target, "agent2", when, dormant_until=until_for(target))  # type: ignore[arg-type]

    assert ticket.status is target
    [event] = ticket.pending_events
    assert event.type == EventType.STATUS_CHANGED
    assert event.actor == "agent2"
    assert (event.data["from"], event.data["to"]) == (source.value, target.value)
    assert ticket.updated_at == when


@pytest.mark.parametrize("move", FORBIDDEN, ids=move_id)
def test_a_forbidden_move_raises_and_changes_nothing(move: tuple[Status, Status]) -> None:
    source, target = move
    ticket = ticket_in(source)
    before = vars(ticket).copy()

    with pytest.raises(InvalidTransitionError):
        ticket.change_status(target, "agent2", NOW, dormant_until=until_for(target))  # type: ignore[arg-type]

    assert vars(ticket) == before
    assert ticket.pending_events == []


@pytest.mark.parametrize("status", [s for s in Status if s is not S.DORMANT_UNTIL], ids=str)
def test_moving_to_the_current_status_is_no_change_and_no_history(status: Status) -> None:
    ticket = ticket_in(status)

    ticket.change_status(status, "agent1", NOW + timedelta(hours=1))

    assert ticket.status is status
    assert ticket.pending_events == []


@pytest.mark.parametrize("target", sorted(Status), ids=str)
def test_a_closed_ticket_leaves_closed_only_through_reopen(target: Status) -> None:
    # Given a closed ticket
    ticket = ticket_in(S.CLOSED)
    # When any ordinary status change other than staying closed is tried
    if target is not S.CLOSED:
        with pytest.raises(InvalidTransitionError, match="use reopen"):
            ticket.change_status(target, "agent1", NOW, dormant_until=until_for(target))  # type: ignore[arg-type]
    # Then only reopen brings it back to work
    ticket.reopen("agent1", NOW + timedelta(hours=2), reason="kunden svarade")
    assert ticket.status is S.OPEN
    assert ticket.closed_at is None and ticket.resolved_at is None
    assert ticket.pending_events[-1].type == EventType.REOPENED
    assert ticket.pending_events[-1].data == {"previous": "closed", "reason": "kunden svarade"}


@pytest.mark.parametrize("status", sorted(DONE), ids=str)
def test_resolved_and_closed_tickets_reopen_to_open(status: Status) -> None:
    ticket = ticket_in(status)

    ticket.reopen("agent2", NOW + timedelta(days=1))

    assert ticket.status is S.OPEN
    assert ticket.is_open
    assert (ticket.resolved_at, ticket.closed_at) == (None, None)


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES), ids=str)
def test_only_resolved_or_closed_tickets_reopen(status: Status) -> None:
    ticket = ticket_in(status)

    with pytest.raises(InvalidTransitionError):
        ticket.reopen("agent1", NOW)

    assert ticket.status is status
    assert ticket.pending_events == []


def test_resolving_records_when() -> None:
    ticket = ticket_in(S.OPEN)
    resolved = NOW + timedelta(hours=3)

    ticket.change_status(S.RESOLVED, "agent1", resolved)

    assert ticket.resolved_at == resolved
    assert ticket.closed_at is None


def test_closing_a_resolved_ticket_records_when_and_keeps_the_resolution_time() -> None:
    ticket = ticket_in(S.OPEN)
    resolved, closed = NOW + timedelta(hours=3), NOW + timedelta(days=2)
    ticket.change_status(S.RESOLVED, "agent1", resolved)

    ticket.change_status(S.CLOSED, "agent1", closed)

    assert (ticket.resolved_at, ticket.closed_at) == (resolved, closed)


@pytest.mark.parametrize("source", [S.NEW, S.OPEN, S.WITH_CONTACT], ids=str)
def test_closing_at_once_counts_as_resolved_at_the_same_time(source: Status) -> None:
    ticket = ticket_in(source)
    closed = NOW + timedelta(minutes=5)

    ticket.change_status(S.CLOSED, "dispatcher", closed)

    assert ticket.resolved_at == closed == ticket.closed_at


def test_dormant_until_needs_a_date() -> None:
    ticket = ticket_in(S.OPEN)

    with pytest.raises(ValidationError, match="needs a date"):
        ticket.change_status(S.DORMANT_UNTIL, "agent1", NOW, dormant_until=None)

    assert ticket.status is S.OPEN
    assert ticket.dormant_until is None
    assert ticket.pending_events == []


@pytest.mark.parametrize(
    "until",
    [NOW, NOW - timedelta(seconds=1), NOW - timedelta(days=30)],
    ids=["now", "a-second-ago", "last-month"],
)
def test_dormant_until_a_date_already_past_is_taken_to_wake_at_once(until: datetime) -> None:
    ticket = ticket_in(S.OPEN)

    ticket.change_status(S.DORMANT_UNTIL, "agent1", NOW, dormant_until=until)

    assert (ticket.status, ticket.dormant_until, ticket.wake_generation) == (
        S.DORMANT_UNTIL,
        until,
        1,
    )
    assert ticket.wake(1, NOW) and ticket.status is S.OPEN


def test_a_wakeup_of_another_generation_changes_nothing() -> None:
    ticket = ticket_in(S.OPEN)
    ticket.change_status(S.DORMANT_UNTIL, "agent1", NOW, dormant_until=NOW + timedelta(days=1))
    ticket.change_status(S.DORMANT_UNTIL, "agent1", NOW, dormant_until=NOW + timedelta(days=2))
    ticket.pending_events.clear()

    assert not ticket.wake(1, NOW + timedelta(days=1))
    assert ticket.status is S.DORMANT_UNTIL and ticket.pending_events == []
    assert ticket.wake(2, NOW + timedelta(days=2))
    assert not ticket.wake(2, NOW + timedelta(days=2))  # once
    assert [e.type for e in ticket.pending_events] == ["woke_up"]


def test_dormant_until_a_future_date_records_the_wake_up_time() -> None:
    ticket = ticket_in(S.OPEN)
    wake = NOW + timedelta(seconds=1)

    ticket.change_status(S.DORMANT_UNTIL, "agent1", NOW, dormant_until=wake)

    assert ticket.status is S.DORMANT_UNTIL
    assert ticket.dormant_until == wake
    assert ticket.pending_events[-1].data["dormant_until"].startswith("2025-03-14T09:30:01")


def test_dormant_until_again_moves_the_wake_up_date() -> None:
    ticket = ticket_in(S.DORMANT_UNTIL)
    later = LATER + timedelta(days=30)

    ticket.change_status(S.DORMANT_UNTIL, "agent1", NOW, dormant_until=later)

    assert ticket.dormant_until == later
    assert len(ticket.pending_events) == 1


@pytest.mark.parametrize("target", sorted((WORKING - {S.DORMANT_UNTIL}) | DONE), ids=str)
def test_leaving_dormant_until_forgets_the_wake_up_date(target: Status) -> None:
    ticket = ticket_in(S.DORMANT_UNTIL)

    ticket.change_status(target, "agent1", NOW)

    assert ticket.dormant_until is None


@pytest.mark.parametrize("target", sorted(set(Status) - {S.DORMANT_UNTIL}), ids=str)
def test_a_wake_up_date_for_any_other_status_is_refused(target: Status) -> None:
    # Including the current status (open): a date must never be dropped silently.
    ticket = ticket_in(S.OPEN)

    with pytest.raises(ValidationError, match="only for status dormant_until"):
        ticket.change_status(target, "agent1", NOW, dormant_until=LATER)

    assert ticket.status is S.OPEN
    assert ticket.dormant_until is None


@pytest.mark.parametrize("target", sorted(DONE), ids=str)
def test_resolving_or_closing_drops_the_lock(target: Status) -> None:
    ticket = ticket_in(S.OPEN)
    ticket.pick("agent1", NOW, timedelta(minutes=30))

    ticket.change_status(target, "agent1", NOW)

    assert (ticket.locked_by, ticket.locked_until) == (None, None)
    assert ticket.lock_holder(NOW) is None
