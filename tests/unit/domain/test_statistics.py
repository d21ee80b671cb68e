"""Statistics' pure parts (issue 14): days in the organisation's time zone, buckets,
percentiles from bounded histograms, open hours, and what a history counts for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.statistics.figures import (
    bucket_of,
    day_of,
    figures,
    histogram_key,
    percentile,
    periods,
)
from chalicelib.domain.statistics.history import contribution, difference
from chalicelib.services.statistics.recording import open_seconds_in
from tests.calendar_data import office

ZONE = "Europe/Stockholm"


def test_a_day_is_the_stockholm_day_also_across_summer_time() -> None:
    # Winter: UTC+1, so 23:30 UTC is already the next day in Stockholm.
    assert day_of(datetime(2026, 1, 14, 22, 59, tzinfo=UTC), ZONE) == "2026-01-14"
    assert day_of(datetime(2026, 1, 14, 23, 0, tzinfo=UTC), ZONE) == "2026-01-15"
    # Summer: UTC+2 (from 29 March 2026), so 22:00 UTC is the next day.
    assert day_of(datetime(2026, 3, 29, 21, 59, tzinfo=UTC), ZONE) == "2026-03-29"
    assert day_of(datetime(2026, 3, 29, 22, 0, tzinfo=UTC), ZONE) == "2026-03-30"
    # The night summer time ends (25 October 2026) is one day of 25 hours.
    assert day_of(datetime(2026, 10, 25, 22, 59, tzinfo=UTC), ZONE) == "2026-10-25"


def test_buckets_start_on_the_first_day_and_iso_weeks_on_monday() -> None:
    assert periods(date(2026, 11, 1), date(2026, 11, 30), "week")[:2] == [
        date(2026, 10, 26),
        date(2026, 11, 2),
    ]
    assert len(periods(date(2026, 11, 1), date(2026, 11, 30), "week")) == 6
    assert periods(date(2026, 1, 31), date(2026, 3, 1), "month") == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1),
    ]  # fmt: skip
    assert len(periods(date(2025, 1, 1), date(2025, 12, 31), "day")) == 365


def test_percentiles_come_within_five_percent_of_the_true_value() -> None:
    counters: dict[str, int] = {}
    durations = [60 * m for m in range(1, 1001)]  # 1 to 1000 minutes
    for seconds in durations:
        key = histogram_key("fr", seconds)
        counters[key] = counters.get(key, 0) + 1
    median = percentile(counters, "fr", 0.5)
    p90 = percentile(counters, "fr", 0.9)
    assert median is not None and p90 is not None
    assert median == pytest.approx(500 * 60, rel=0.05)
    assert p90 == pytest.approx(900 * 60, rel=0.05)
    assert percentile({}, "fr", 0.5) is None
    assert bucket_of(10) == 0 and bucket_of(10 * 365 * 86400) <= 160  # bounded


def test_open_seconds_count_only_opening_hours() -> None:
    measure = open_seconds_in(office())
    friday_4pm = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)  # 16:00 in Stockholm
    monday_9am = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)  # 09:00
    assert measure(friday_4pm, monday_9am) == 2 * 3600
    assert (
        open_seconds_in(None)(friday_4pm, monday_9am)
        == (monday_9am - friday_4pm).seconds + 2 * 86400
    )


def event(at: datetime, type: EventType, **data: object) -> TicketEvent:
    return TicketEvent.new("t1", at, str(type), "agent1", **data)


def test_a_history_counts_on_the_days_and_values_of_its_events() -> None:
    created = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)
    history = [
        event(created, EventType.CREATED, status="new",
              dimensions={"group_id": "kt-first", "channel": "email", "priority": "medium",
                          "organisation_id": "org-acme"}),
        event(created + timedelta(hours=1), EventType.MESSAGE_OUT, channel="email"),
        event(created + timedelta(days=1), EventType.ASSIGNED, agent_id="agent3",
              group_id="kt-second"),
        event(created + timedelta(days=3), EventType.STATUS_CHANGED, to="closed"),
    ]  # fmt: skip
    counted = contribution(history, {}, ZONE, open_seconds_in(office()))
    assert counted[("group", "kt-first", "2026-11-06")]["created"] == 1
    assert counted[("organisation", "org-acme", "2026-11-06")]["created"] == 1
    assert counted[("agent", "none", "2026-11-06")]["created"] == 1  # no agent yet
    assert counted[("group", "kt-first", "2026-11-07")]["backlog"] == -1
    assert counted[("group", "kt-second", "2026-11-07")]["backlog"] == 1
    assert counted[("group", "kt-second", "2026-11-09")]["closed"] == 1
    assert ("all", "all", "2026-11-07") not in counted  # a move changes nothing in all
    done = counted[("all", "all", "2026-11-09")]
    shown = figures(done, 0)
    assert shown["resolution"]["median_hours"] == pytest.approx(72, rel=0.05)
    # 16:00-17:00 Friday, 08:00-16:00 Monday: nine open hours.
    assert shown["resolution"]["median_open_hours"] == pytest.approx(9, rel=0.05)
    assert shown["one_touch"] == {"resolved": 1, "one_touch": 1, "rate": 1.0}
    assert difference(counted, counted) == {}
    assert difference(counted, {})[("all", "all", "2026-11-09")]["closed"] == 1
