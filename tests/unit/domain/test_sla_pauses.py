"""The SLA clock's pauses (S12): the open time between two instants, and the due times a
resume moves on by exactly the open minutes paused (checked against counting the
calendar's open minutes one by one, as the tests of add_open_minutes do)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from chalicelib.domain.calendars import Calendar, is_open, open_time_between
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.sla import check_pausing
from chalicelib.domain.statuses import Channel, Status
from chalicelib.domain.ticket import Ticket
from tests.calendar_data import office
from tests.unit.domain.test_open_minutes import cases, local

LIMIT = 8 * 24 * 60  # the slow counter looks eight days ahead at most


def open_minutes(calendar: Calendar, start: datetime, minutes: int) -> int:
    """Independent of the walk: the minutes in [start, start + minutes) is_open calls open."""
    return sum(is_open(calendar, start + timedelta(minutes=m)) for m in range(minutes))


def ticket_due(due: datetime, at: datetime) -> Ticket:
    ticket = Ticket(
        id="01TEST", number=1, title="Paus", response_point_id="rp", contact_id=None,
        channel=Channel.MANUAL, created_at=at, updated_at=at, status=Status.OPEN,
    )  # fmt: skip
    ticket.set_sla(None, due, now=at)
    return ticket


@settings(max_examples=120, deadline=None)
@given(cases(), st.integers(0, 3000))
@example((office(), local("2026-11-27T16:30").astimezone(UTC)), 4 * 24 * 60)  # a weekend
def test_open_time_between_counts_the_open_minutes(
    case: tuple[Calendar, datetime], minutes: int
) -> None:
    calendar, start = case
    found = open_time_between(calendar, start, start + timedelta(minutes=minutes))
    assert found == timedelta(minutes=open_minutes(calendar, start, minutes))
    assert open_time_between(calendar, start + timedelta(minutes=minutes), start) == timedelta(0)


@settings(max_examples=100, deadline=None)
@given(cases(), st.integers(1, 1500), st.integers(0, 1500), st.integers(0, 1500))
@example((office(), local("2026-11-27T16:00").astimezone(UTC)), 120, 30, 3 * 24 * 60)
def test_a_resume_moves_the_due_time_by_the_open_minutes_paused(
    case: tuple[Calendar, datetime], ahead: int, before: int, paused: int
) -> None:
    """Paused ``before`` minutes after the start with the due time ``ahead`` of the
    pause, resumed ``paused`` minutes later: the open minutes from the pause to the new
    due time are those that were left plus those paused."""
    calendar, start = case
    since = start + timedelta(minutes=before)
    due = since + timedelta(minutes=ahead)
    resumed = since + timedelta(minutes=paused)
    ticket = ticket_due(due, start)
    ticket.change_status(Status.WITH_CONTACT, "agent", since)
    ticket.change_status(Status.OPEN, "agent", resumed)

    assert ticket.settle_sla_pause(calendar, resumed)

    moved = ticket.resolution_due
    assert moved is not None and moved >= due
    span = int((moved - since) / timedelta(minutes=1))
    assume(span <= LIMIT and moved.second == 0)
    left, shift = open_minutes(calendar, since, ahead), open_minutes(calendar, since, paused)
    assert open_minutes(calendar, since, span) == left + shift
    [event] = [e for e in ticket.pending_events if e.type == "sla_resumed"]
    assert event.data["paused_minutes"] == shift
    assert ticket.sla_paused_seconds == shift * 60


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_without_a_calendar_the_due_time_moves_by_the_time_elapsed(paused: int, ahead: int) -> None:
    since = datetime(2027, 1, 11, 9, tzinfo=UTC)
    ticket = ticket_due(since + timedelta(minutes=ahead), since)
    ticket.change_status(Status.DORMANT, "agent", since)
    ticket.change_status(Status.OPEN, "agent", since + timedelta(minutes=paused))
    ticket.settle_sla_pause(None, since + timedelta(minutes=paused))
    assert ticket.resolution_due == since + timedelta(minutes=ahead + paused)


def test_a_due_time_missed_before_the_pause_stays_missed() -> None:
    start = datetime(2027, 1, 11, 9, tzinfo=UTC)
    ticket = ticket_due(start + timedelta(minutes=10), start)
    ticket.change_status(Status.WITH_EXTERNAL, "agent", start + timedelta(minutes=30))
    ticket.change_status(Status.OPEN, "agent", start + timedelta(hours=5))
    ticket.settle_sla_pause(None, start + timedelta(hours=5))
    assert ticket.resolution_due == start + timedelta(minutes=10)


def test_no_pause_while_no_status_that_pauses() -> None:
    start = datetime(2027, 1, 11, 9, tzinfo=UTC)
    ticket = ticket_due(start + timedelta(hours=1), start)
    ticket.set_sla_pausing(["dormant"], None, "system", start)
    ticket.change_status(Status.WITH_CONTACT, "agent", start)
    assert ticket.sla_paused_since is None
    ticket.change_status(Status.DORMANT, "agent", start + timedelta(minutes=5))
    assert ticket.sla_paused_since == start + timedelta(minutes=5)


@pytest.mark.parametrize(
    "value", [["open"], ["resolved", "dormant"], "dormant", [1], ["with_contact", "nonsense"]]
)
def test_only_the_pausable_statuses_may_pause(value: object) -> None:
    with pytest.raises(ValidationError):
        check_pausing(value)


def test_the_pausing_statuses_are_kept_in_order_and_once() -> None:
    assert check_pausing(["dormant", "with_contact", "dormant"]) == ["with_contact", "dormant"]
    assert check_pausing([]) == []


@pytest.mark.parametrize("pausing", [None, [], ["dormant"]])
def test_the_codec_keeps_the_clock(pausing: list[str] | None) -> None:
    from chalicelib.adapters.dynamodb.codec import ticket_from_model, ticket_to_model

    start = datetime(2027, 1, 11, 9, tzinfo=UTC)
    ticket = ticket_due(start + timedelta(hours=2), start)
    ticket.sla_pausing, ticket.sla_calendar_id = pausing, "kontor"
    ticket.sla_paused_since = start + timedelta(minutes=5)
    ticket.sla_resumed_at = start + timedelta(minutes=9)
    ticket.sla_paused_seconds, ticket.sla_breaches = 240, ["first_response"]

    back = ticket_from_model(ticket_to_model(ticket))

    kept = ("sla_pausing", "sla_calendar_id", "sla_paused_since", "sla_resumed_at",
            "sla_paused_seconds", "sla_generation", "sla_breaches", "resolution_due")  # fmt: skip
    assert {k: getattr(back, k) for k in kept} == {k: getattr(ticket, k) for k in kept}
