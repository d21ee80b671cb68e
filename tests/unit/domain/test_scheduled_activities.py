"""Scheduled activities (S1): AWS cron checked and evaluated as EventBridge Scheduler does,
in a time zone across DST, and a calendar's closed days skipped or moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import aws_cron
from chalicelib.domain.calendars import is_open_day
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.schedules import ScheduledActivity, latest, occurrences
from tests.calendar_data import office


def activity(**fields: Any) -> ScheduledActivity:
    base: dict[str, Any] = {
        "id": "veckokoll",
        "name": "Veckokoll",
        "template_id": "t1",
        "title": "Kontroll {date}",
        "cron": "cron(0 9 ? * MON-FRI *)",
        "time_zone": "Europe/Stockholm",
    }
    return ScheduledActivity(**{**base, **fields})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local_times(found: list[Any], zone: str = "Europe/Stockholm") -> list[str]:
    from zoneinfo import ZoneInfo

    return [o.at.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M") for o in found]


@pytest.mark.parametrize(
    ("given_text", "canonical"),
    [
        ("cron(0 9 ? * MON-FRI *)", "cron(0 9 ? * MON-FRI *)"),
        ("0 9 ? * mon-fri *", "cron(0 9 ? * MON-FRI *)"),
        ("cron(0/15 8-17 * * ? *)", "cron(0/15 8-17 * * ? *)"),
        ("cron(0 9 L * ? *)", "cron(0 9 L * ? *)"),
        ("cron(0 9 ? * 6L *)", "cron(0 9 ? * 6L *)"),
        ("cron(0 9 ? * 2#1 2027)", "cron(0 9 ? * 2#1 2027)"),
        ("cron(0 9 15W * ? *)", "cron(0 9 15W * ? *)"),
    ],
    ids=["weekdays", "bare-lowercase", "steps", "last-day", "last-friday", "first-monday", "W"],
)
def test_a_valid_aws_cron_is_kept_in_its_canonical_form(given_text: str, canonical: str) -> None:
    assert aws_cron.parse(given_text).expression == canonical


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cron(0 9 * * ? )", "six fields"),
        ("cron(0 9 * * * *)", "'?'"),
        ("cron(0 9 ? * ? *)", "'?'"),
        ("cron(60 9 * * ? *)", "minutes"),
        ("cron(0 24 * * ? *)", "hours"),
        ("cron(0 9 32 * ? *)", "day-of-month"),
        ("cron(0 9 * 13 ? *)", "month"),
        ("cron(0 9 ? * 0 *)", "day-of-week"),
        ("cron(0 9 ? * 1/2 *)", "day-of-week"),
        ("cron(0 9 * * ? 1969)", "year"),
        ("cron(0 9 ? * FRI-MON *)", "backwards"),
        ("cron(0 0 30 2 ? *)", "never happens"),
        ("rate(5 minutes)", "six fields"),
    ],
)
def test_a_bad_cron_is_refused_with_the_field_at_fault(text: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        aws_cron.parse(text)


def test_day_of_week_counts_from_sunday_as_aws_does() -> None:
    # 2026-06-01 is a Monday; AWS 2 = Monday
    found = occurrences(activity(cron="cron(0 9 ? * 2 *)"), utc(2026, 5, 30), 2)
    assert local_times(found) == ["Mon 2026-06-01 09:00", "Mon 2026-06-08 09:00"]


def test_weekday_occurrences_keep_their_wall_clock_time_across_summer_time() -> None:
    # Given 09:00 on weekdays in Stockholm, around the change on Sunday 2026-03-29
    found = occurrences(activity(), utc(2026, 3, 26, 12), 3)
    # Then they stay at 09:00 local, so an hour apart in UTC
    assert local_times(found) == [
        "Fri 2026-03-27 09:00",
        "Mon 2026-03-30 09:00",
        "Tue 2026-03-31 09:00",
    ]
    assert [o.at.hour for o in found] == [8, 7, 7]


def test_a_time_the_clock_jumps_over_does_not_happen_and_one_lived_twice_happens_once() -> None:
    daily = activity(cron="cron(30 2 * * ? *)")
    spring = occurrences(daily, utc(2026, 3, 27, 12), 2)
    assert local_times(spring) == ["Sat 2026-03-28 02:30", "Mon 2026-03-30 02:30"]
    autumn = occurrences(daily, utc(2026, 10, 24, 12), 2)
    assert local_times(autumn) == ["Sun 2026-10-25 02:30", "Mon 2026-10-26 02:30"]
    assert autumn[0].at == utc(2026, 10, 25, 0, 30)  # the first 02:30 (summer time)


def test_every_minute_through_the_autumn_hour_fires_each_wall_minute_once() -> None:
    minutely = activity(cron="cron(* * * * ? *)")
    found = occurrences(minutely, utc(2026, 10, 25, 0, 58), 4)
    # 02:59 (summer time) is followed by 03:00 (winter time): the repeated hour is not lived again
    assert local_times(found) == [
        "Sun 2026-10-25 02:59",
        "Sun 2026-10-25 03:00",
        "Sun 2026-10-25 03:01",
        "Sun 2026-10-25 03:02",
    ]
    assert found[1].at - found[0].at == timedelta(hours=1, minutes=1)


def test_closed_days_are_skipped() -> None:
    # Given a daily activity and office hours with Swedish holidays
    daily = activity(cron="cron(0 9 * * ? *)", calendar_id="kontor")
    # When it runs over Christmas 2026 (25-26 Dec public holidays, 26-27 a weekend)
    found = occurrences(daily, utc(2026, 12, 24, 12), 3, office())
    # Then only open days get one
    assert local_times(found) == [
        "Mon 2026-12-28 09:00",
        "Tue 2026-12-29 09:00",
        "Wed 2026-12-30 09:00",
    ]


def test_closed_days_move_to_the_next_open_day_at_the_same_time() -> None:
    daily = activity(cron="cron(0 9 * * ? *)", calendar_id="kontor", closed_days="next_open")
    found = occurrences(daily, utc(2026, 12, 24, 12), 5, office())
    assert local_times(found) == ["Mon 2026-12-28 09:00"] * 4 + ["Tue 2026-12-29 09:00"]
    assert [o.moved for o in found] == [True, True, True, False, False]
    assert sorted({o.scheduled.day for o in found}) == [25, 26, 27, 28, 29]


def test_a_moved_occurrence_is_found_from_inside_the_closed_days() -> None:
    weekly = activity(cron="cron(0 9 ? * SAT *)", calendar_id="kontor", closed_days="next_open")
    # After Saturday's scheduled time, on Sunday: the Saturday one is still to come (Monday)
    found = occurrences(weekly, utc(2026, 6, 7, 10), 1, office())
    assert local_times(found) == ["Mon 2026-06-08 09:00"]
    assert found[0].scheduled == utc(2026, 6, 6, 7)


def test_occurrences_stay_within_starts_and_ends() -> None:
    bounded = activity(starts="2026-06-03", ends="2026-06-05")
    found = occurrences(bounded, utc(2026, 6, 1), 10)
    assert local_times(found) == [
        "Wed 2026-06-03 09:00",
        "Thu 2026-06-04 09:00",
        "Fri 2026-06-05 09:00",
    ]


def test_the_latest_occurrence_is_the_last_made_by_now() -> None:
    daily = activity(cron="cron(0 9 * * ? *)", calendar_id="kontor", closed_days="next_open")
    # Monday 08:30: Saturday's and Sunday's move to 09:00 today, so Friday's is the latest made
    found = latest(daily, utc(2026, 6, 8, 6, 30), office())
    assert found is not None and found.scheduled == utc(2026, 6, 5, 7)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": "Kontroll {vecka}"}, "placeholders"),
        ({"title": ""}, "title"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"closed_days": "later"}, "closed_days"),
        ({"starts": "2026-02-30"}, "starts"),
        ({"starts": "2026-06-05", "ends": "2026-06-01"}, "before starts"),
        ({"enabled": "yes"}, "enabled"),
        ({"template_id": "Inte Ett Id"}, "template_id"),
    ],
)
def test_a_bad_activity_is_refused_with_the_reason(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        activity(**change)


def test_the_title_names_the_date_and_time_of_the_occurrence() -> None:
    titled = activity(title="Backup {date} kl {time}")
    assert titled.render_title(utc(2026, 6, 1, 7)) == "Backup 2026-06-01 kl 09:00"


CRONS = st.sampled_from(
    [
        "cron(0 9 * * ? *)",
        "cron(*/7 * * * ? *)",
        "cron(30 2 * * ? *)",
        "cron(0 9 ? * MON-FRI *)",
        "cron(15 8 ? * SAT,SUN *)",
        "cron(0 12 L * ? *)",
    ]
)
ZONES = st.sampled_from(["Europe/Stockholm", "America/New_York", "Australia/Lord_Howe", "UTC"])


@settings(max_examples=60, deadline=None)
@given(
    cron=CRONS,
    zone=ZONES,
    rule=st.sampled_from(["skip", "next_open"]),
    after=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31)),
)
def test_occurrences_come_in_order_after_the_start_within_the_period_and_on_open_days(
    cron: str, zone: str, rule: str, after: datetime
) -> None:
    calendar = office(time_zone=zone)
    bounded = activity(
        cron=cron, time_zone=zone, calendar_id="kontor", closed_days=rule,
        starts=(after + timedelta(days=2)).date().isoformat(),
        ends=(after + timedelta(days=60)).date().isoformat(),
    )  # fmt: skip
    start = after.replace(tzinfo=UTC)
    found = occurrences(bounded, start, 8, calendar)
    assert [(o.at, o.scheduled) for o in found] == sorted((o.at, o.scheduled) for o in found)
    assert len({o.scheduled for o in found}) == len(found)
    for o in found:
        assert o.at > start and o.at >= o.scheduled
        assert bounded.in_period(o.scheduled)
        assert is_open_day(calendar, bounded.local_day(o.at))
        assert rule == "next_open" or not o.moved
