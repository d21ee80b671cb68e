"""Firing a scheduled activity (S1): each occurrence makes exactly one ticket, whoever fires
it and however often; the local loop fires what falls due, and after a restart only the
latest occurrence it missed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters.memory_scheduler import RecordingScheduler
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Channel
from chalicelib.services import calendars, schedules
from chalicelib.services.context import Services
from chalicelib.services.schedule_firing import fire, fire_key
from local.scheduler_loop import CHECKED_KEY, SchedulerLoop
from tests.calendar_data import office_hours
from tests.support import FrozenClock
from tests.unit.rules.desk import make_template
from tests.unit.services.builders import all_tickets


@pytest.fixture
def admin(people: dict[str, User]) -> User:
    return people["admin"]


@pytest.fixture
def clock(clock: FrozenClock) -> FrozenClock:
    clock.now = datetime(2026, 6, 1, 6, 59, 30, tzinfo=UTC)  # Monday 08:59:30 in Stockholm
    return clock


def make_activity(svc: Services, admin: User, **fields: Any) -> dict[str, Any]:
    make_template(svc, admin)
    body = {
        "id": "backup",
        "name": "Backupkontroll",
        "template_id": "faktura",
        "title": "Kontrollera backup {date}",
        "cron": "cron(0 9 * * ? *)",
        "time_zone": "Europe/Stockholm",
        **fields,
    }
    return schedules.save_activity(svc, admin, None, body, create=True)


NINE = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # Monday 09:00 in Stockholm


def test_an_occurrence_makes_a_ticket_from_the_template_on_the_scheduled_channel(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    make_activity(svc, admin)
    clock.now = NINE + timedelta(seconds=5)

    fired = fire(svc, "backup", NINE)

    assert fired.outcome == "created"
    ticket = svc.tickets.get(fired.ticket_id or "")
    assert ticket.channel is Channel.SCHEDULED
    assert ticket.title == "Kontrollera backup 2026-06-01"
    # The template's prefill, placement and SLA, as for any ticket from it
    assert (ticket.template_id, ticket.group_id, ticket.priority.value) == (
        "faktura", "kt-second", "high",
    )  # fmt: skip
    assert ticket.first_response_due is not None
    created = svc.tickets.events(ticket.id)[0]
    assert created.data["scheduled_activity"]["id"] == "backup"
    assert created.data["scheduled_activity"]["scheduled"].startswith("2026-06-01T07:00:00")


def test_the_activity_places_the_ticket_where_it_says(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    make_activity(svc, admin, group_id="kt-first", agent_id="agent2")
    clock.now = NINE
    ticket = svc.tickets.get(fire(svc, "backup", NINE).ticket_id or "")
    assert (ticket.response_point_id, ticket.group_id, ticket.agent_id) == (
        "kundtjanst", "kt-first", "agent2",
    )  # fmt: skip


def test_a_repeated_delivery_makes_no_second_ticket(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    make_activity(svc, admin)
    clock.now = NINE
    assert fire(svc, "backup", NINE).outcome == "created"
    clock.advance(minutes=30)
    assert fire(svc, "backup", NINE + timedelta(seconds=20)).outcome == "duplicate"
    assert len(all_tickets(svc)) == 1


def test_two_deliveries_at_once_make_exactly_one_ticket(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    make_activity(svc, admin)
    clock.now = NINE
    # Both pass the first look-up before either writes: the claim in the ticket's
    # transaction decides
    real_get = svc.lookups.get
    barrier = threading.Barrier(2)

    def get_then_wait(key: str) -> str | None:
        found = real_get(key)
        if key == fire_key("backup", NINE) and found is None:
            barrier.wait(timeout=5)
        return found

    svc.lookups.get = get_then_wait  # type: ignore[method-assign]
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(fire(svc, "backup", NINE).outcome))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(outcomes) == ["created", "duplicate"]
    assert len(all_tickets(svc)) == 1


@pytest.mark.parametrize(
    ("change", "when", "outcome"),
    [
        ({"enabled": False}, NINE, "disabled"),
        ({}, NINE + timedelta(minutes=1), "not_scheduled"),
        ({"starts": "2026-06-02"}, NINE, "skipped"),
        ({"ends": "2026-05-31"}, NINE, "skipped"),
    ],
    ids=["disabled", "not-a-cron-time", "before-starts", "after-ends"],
)
def test_a_fire_the_activity_does_not_name_does_nothing(
    svc: Services, admin: User, clock: FrozenClock, change: dict[str, Any], when: datetime,
    outcome: str,
) -> None:  # fmt: skip
    make_activity(svc, admin, **change)
    clock.now = when
    assert fire(svc, "backup", when).outcome == outcome
    assert all_tickets(svc) == []


def test_a_fire_for_a_deleted_activity_does_nothing(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    make_activity(svc, admin)
    schedules.delete_activity(svc, admin, "backup")
    clock.now = NINE
    assert fire(svc, "backup", NINE).outcome == "gone"
    assert all_tickets(svc) == []


def test_on_a_closed_day_next_open_arms_a_one_off_timer_that_then_makes_the_ticket(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    # Given office hours (closed at weekends) and an activity moving closed days on
    calendars.save_calendar(svc, admin, "kontor", office_hours(), create=True)
    svc.scheduler = RecordingScheduler()
    make_activity(svc, admin, calendar_id="kontor", closed_days="next_open")
    saturday = datetime(2026, 6, 6, 7, 0, tzinfo=UTC)
    monday = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)

    # When Saturday's timer fires: a one-off for Monday 09:00, no ticket yet
    clock.now = saturday
    assert fire(svc, "backup", saturday).outcome == "moved"
    assert svc.scheduler.once == {("backup", saturday): monday}  # type: ignore[attr-defined]
    assert all_tickets(svc) == []

    # Then on Monday the one-off (carrying Saturday's time) makes Saturday's ticket
    clock.now = monday
    made = fire(svc, "backup", saturday)
    assert made.outcome == "created"
    assert fire(svc, "backup", monday).outcome == "created"  # Monday's own
    assert len(all_tickets(svc)) == 2


def test_on_a_closed_day_skip_makes_nothing(svc: Services, admin: User, clock: FrozenClock) -> None:
    calendars.save_calendar(svc, admin, "kontor", office_hours(), create=True)
    make_activity(svc, admin, calendar_id="kontor")
    saturday = datetime(2026, 6, 6, 7, 0, tzinfo=UTC)
    clock.now = saturday
    assert fire(svc, "backup", saturday).outcome == "skipped"


def test_the_local_loop_makes_one_ticket_per_minute_and_after_a_restart_only_the_latest_missed(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    # Given an activity every minute and the loop started at 08:59:30
    make_activity(svc, admin, cron="cron(* * * * ? *)", title="Minut {time}")
    loop = SchedulerLoop(svc)
    assert loop.tick() == []  # a first start ever catches nothing up

    # When it ticks every 5 seconds for three minutes
    for _ in range(36):
        clock.advance(seconds=5)
        loop.tick()
    # Then one ticket per minute: 09:00, 09:01, 09:02
    titles = sorted(t.title for t in all_tickets(svc))
    assert titles == ["Minut 09:00", "Minut 09:01", "Minut 09:02"]

    # When the stack is down for ten minutes and starts again
    clock.advance(minutes=10)
    restarted = SchedulerLoop(svc)
    assert restarted.checked == datetime(2026, 6, 1, 7, 2, 30, tzinfo=UTC)
    fired = restarted.tick()
    # Then only the latest missed occurrence is made, and nothing twice
    assert [f.outcome for f in fired] == ["created"]
    for _ in range(12):
        clock.advance(seconds=5)
        restarted.tick()
    titles = sorted(t.title for t in all_tickets(svc))
    assert titles == ["Minut 09:00", "Minut 09:01", "Minut 09:02", "Minut 09:12", "Minut 09:13"]
    assert svc.lookups.get(CHECKED_KEY) is not None


def test_a_second_loop_running_beside_the_first_makes_no_duplicates(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    make_activity(svc, admin, cron="cron(* * * * ? *)")
    first, second = SchedulerLoop(svc), SchedulerLoop(svc)
    for _ in range(24):
        clock.advance(seconds=5)
        first.tick()
        second.tick()
    assert len(all_tickets(svc)) == 2
