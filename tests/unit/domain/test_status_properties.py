"""Properties of the status machine: whatever moves an agent makes, in any order,
the ticket stays consistent (hypothesis drives random sequences)."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import ServITError
from chalicelib.domain.events import EventType
from chalicelib.domain.inbox import InboxKind, inbox_memberships
from chalicelib.domain.statuses import REOPENABLE, TRANSITIONS, Status
from chalicelib.domain.ticket import Ticket
from tests.unit.domain.builders import NOW, build_ticket

AGENTS = ["agent1", "agent2", "dispatcher"]
LOCK = timedelta(minutes=30)

moves = st.one_of(
    st.tuples(
        st.just("status"),
        st.sampled_from(list(Status)),
        st.none() | st.integers(min_value=-120, max_value=10_000),  # wake-up, minutes from now
    ),
    st.tuples(st.just("reopen")),
    st.tuples(st.just("pick"), st.sampled_from(AGENTS)),
    st.tuples(st.just("release"), st.sampled_from(AGENTS), st.booleans()),
    st.tuples(
        st.just("assign"),
        st.none() | st.sampled_from(AGENTS),
        st.none() | st.sampled_from(["kt-first", "kt-second"]),
    ),
    st.tuples(st.just("wait"), st.integers(min_value=0, max_value=90)),
)


def apply(ticket: Ticket, move: tuple[Any, ...], now: Any) -> None:
    kind = move[0]
    if kind == "status":
        until = None if move[2] is None else now + timedelta(minutes=move[2])
        ticket.change_status(move[1], "agent1", now, dormant_until=until)
    elif kind == "reopen":
        ticket.reopen("agent1", now)
    elif kind == "pick":
        ticket.pick(move[1], now, LOCK)
    elif kind == "release":
        ticket.release(move[1], now, override=move[2])
    elif kind == "assign":
        ticket.assign("dispatcher", now, agent_id=move[1], group_id=move[2])


def state(ticket: Ticket) -> dict[str, Any]:
    return {k: v for k, v in vars(ticket).items() if k != "pending_events"}


def check_invariants(ticket: Ticket, now: Any) -> None:
    status = ticket.status
    assert (ticket.closed_at is not None) == (status is Status.CLOSED)
    assert (ticket.resolved_at is not None) == (status in (Status.RESOLVED, Status.CLOSED))
    if ticket.closed_at and ticket.resolved_at:
        assert ticket.resolved_at <= ticket.closed_at
    assert (ticket.dormant_until is not None) == (status is Status.DORMANT_UNTIL)
    keys = inbox_memberships(ticket)
    if ticket.is_open:
        assert keys[InboxKind.RESPONSE_POINT] == ticket.response_point_id
        assert (InboxKind.AGENT in keys) == (ticket.agent_id is not None)
    else:
        assert keys == {}
        assert ticket.lock_holder(now) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(moves, max_size=30))
def test_any_sequence_of_moves_keeps_the_ticket_consistent(sequence: list[Any]) -> None:
    ticket = build_ticket()
    ticket.pending_events.clear()
    now = NOW
    replayed = Status.NEW
    left_new = False
    for move in sequence:
        if move[0] == "wait":
            now += timedelta(minutes=move[1])
            continue
        before = copy.deepcopy(state(ticket))
        previous = ticket.status
        try:
            apply(ticket, move, now)
        except ServITError:
            # A refused move changes nothing at all.
            assert state(ticket) == before
            assert ticket.pending_events == []
        else:
            if move[0] == "status" and ticket.status is not previous:
                assert ticket.status in TRANSITIONS[previous]
            if move[0] == "reopen":
                assert previous in REOPENABLE and ticket.status is Status.OPEN
        # The history tells the same story as the ticket: replay the status moves.
        for event in ticket.pending_events:
            if event.type == EventType.STATUS_CHANGED:
                assert event.data["from"] == replayed
                replayed = Status(event.data["to"])
            elif event.type == EventType.REOPENED:
                replayed = Status.OPEN
        ticket.pending_events.clear()
        assert replayed is ticket.status
        # `new` is only ever a starting point: once left, never again.
        left_new = left_new or ticket.status is not Status.NEW
        assert not (left_new and ticket.status is Status.NEW)
        check_invariants(ticket, now)
