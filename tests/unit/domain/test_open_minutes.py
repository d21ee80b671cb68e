"""The SLA clock (S12): minutes of a calendar's opening hours, walked forward from an
instant (``add_open_minutes``), and SLA targets counted in them (``due_times``)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from chalicelib.domain.calendars import WEEKDAYS, Calendar, add_open_minutes, is_open
from chalicelib.domain.sla import due_times
from chalicelib.domain.statuses import Priority
from tests.calendar_data import AROUND_THE_CLOCK, OFFICE
from tests.calendar_data import office as shared_office

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Swedish "aftnar" are not public holidays in the holidays package: offices close them
AFTNAR = ["2026-06-19", "2026-12-24", "2026-12-31"]


def office(**fields: Any) -> Calendar:
    """Office hours with the eves closed too."""
    return shared_office(**{"closed_dates": AFTNAR, **fields})


def only(days: dict[str, dict[str, str]], zone: str = "Europe/Stockholm") -> Calendar:
    return Calendar(id="c", name="c", time_zone=zone, hours=days)


def local(text: str, zone: ZoneInfo = STOCKHOLM) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def plus(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    result = add_open_minutes(calendar, start, minutes)
    assert result is not None
    assert result.tzinfo is UTC
    return result


# --- examples: office hours ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        # Friday afternoon: 30 minutes today, the rest on Monday morning
        ("2026-11-27T16:30", 60, "2026-11-30T08:30"),
        # A target used up at closing time is due then, not the next morning
        ("2026-11-27T16:30", 30, "2026-11-27T17:00"),
        # Opened before the office opens, at night, at the weekend: counted from opening
        ("2026-11-30T06:15", 30, "2026-11-30T08:30"),
        ("2026-11-30T23:00", 30, "2026-12-01T08:30"),
        ("2026-11-28T12:00", 30, "2026-11-30T08:30"),
        # A whole working day is 540 minutes
        ("2026-11-30T08:00", 540, "2026-11-30T17:00"),
        ("2026-11-30T08:00", 541, "2026-12-01T08:01"),
        ("2026-11-30T10:00", 5 * 540, "2026-12-07T10:00"),
        # Midsommarafton (a closed date) and midsommardagen (Saturday): Thursday to Monday
        ("2026-06-18T16:00", 120, "2026-06-22T09:00"),
        # Julafton (closed date), juldagen (holiday, Friday): Wednesday to Monday
        ("2026-12-23T16:00", 120, "2026-12-28T09:00"),
        # Nyårsafton (closed date), nyårsdagen (holiday, Friday): Wednesday to Monday
        ("2026-12-30T16:30", 60, "2027-01-04T08:30"),
        # Trettondedag jul, a Wednesday holiday
        ("2027-01-05T16:00", 120, "2027-01-07T09:00"),
        # Good Friday and Easter Monday 2026
        ("2026-04-02T16:00", 120, "2026-04-07T09:00"),
    ],
)
def test_office_hours_count_only_working_time(start: str, minutes: int, expected: str) -> None:
    assert plus(office(), local(start), minutes) == local(expected)


def test_friday_afternoon_plus_an_hour_is_monday_half_past_eight_in_stockholm() -> None:
    due = plus(office(), local("2026-11-27T16:30"), 60)
    assert due == utc("2026-11-30T07:30")  # CET, UTC+1
    assert due.astimezone(STOCKHOLM).strftime("%a %H:%M") == "Mon 08:30"


def test_the_answer_is_the_same_whatever_zone_the_start_is_written_in() -> None:
    start = local("2026-11-27T16:30")
    for zone in ("UTC", "America/New_York", "Asia/Tokyo"):
        assert plus(office(), start.astimezone(ZoneInfo(zone)), 60) == utc("2026-11-30T07:30")


# --- examples: summer time -------------------------------------------------------------------


def test_office_hours_over_the_spring_switch_keep_local_opening_times() -> None:
    # Summer time begins Sunday 29 March 2026: Friday is UTC+1, Monday UTC+2
    due = plus(office(), local("2026-03-27T16:30"), 60)
    assert due == utc("2026-03-30T06:30")
    assert due.astimezone(STOCKHOLM).strftime("%a %H:%M") == "Mon 08:30"


def test_office_hours_over_the_autumn_switch_keep_local_opening_times() -> None:
    # Summer time ends Sunday 25 October 2026: Friday is UTC+2, Monday UTC+1
    due = plus(office(), local("2026-10-23T16:30"), 60)
    assert due == utc("2026-10-26T07:30")
    assert due.astimezone(STOCKHOLM).strftime("%a %H:%M") == "Mon 08:30"


def test_a_day_open_around_the_clock_has_23_hours_in_spring_and_25_in_autumn() -> None:
    sundays = only({"sun": AROUND_THE_CLOCK})
    spring, autumn = local("2026-03-29T00:00"), local("2026-10-25T00:00")
    # The whole Sunday is used up at its end, midnight local time
    assert plus(sundays, spring, 23 * 60) == local("2026-03-30T00:00")
    assert plus(sundays, autumn, 25 * 60) == local("2026-10-26T00:00")
    # One minute more: the next Sunday
    assert plus(sundays, spring, 23 * 60 + 1) == local("2026-04-05T00:01")
    assert plus(sundays, autumn, 25 * 60 + 1) == local("2026-11-01T00:01")


def test_a_period_the_clock_jumps_into_opens_when_the_clock_lands() -> None:
    # 02:30-05:00 on 29 March 2026: the clock goes from 02:00 straight to 03:00
    early = only({"sun": {"start": "02:30", "end": "05:00"}})
    assert plus(early, local("2026-03-29T00:00"), 1) == utc("2026-03-29T01:01")  # 03:01 CEST
    assert plus(early, local("2026-03-29T00:00"), 120) == utc("2026-03-29T03:00")  # 05:00 CEST
    assert plus(early, local("2026-03-29T00:00"), 121) == local("2026-04-05T02:31")
    assert not is_open(early, utc("2026-03-29T00:59"))
    assert is_open(early, utc("2026-03-29T01:00"))


def test_an_hour_lived_twice_is_open_twice() -> None:
    # 02:00-03:00 on 25 October 2026 happens first in CEST, then again in CET
    twice = only({"sun": {"start": "02:00", "end": "03:00"}})
    assert plus(twice, local("2026-10-24T12:00"), 60) == utc("2026-10-25T01:00")
    assert plus(twice, local("2026-10-24T12:00"), 90) == utc("2026-10-25T01:30")
    assert plus(twice, local("2026-10-24T12:00"), 120) == utc("2026-10-25T02:00")


def test_a_clock_that_changes_at_midnight_is_followed() -> None:
    # Santiago: summer time ends at 24:00 on Saturday 4 April 2026 (back to 23:00) and
    # begins at 00:00 on Sunday 6 September 2026 (on to 01:00)
    santiago = ZoneInfo("America/Santiago")
    evenings = only({"sat": {"start": "22:00", "end": "24:00"}, "sun": AROUND_THE_CLOCK},
                    zone="America/Santiago")  # fmt: skip
    # Saturday 22:00-24:00 with 23:00-24:00 twice: three hours
    saturday = local("2026-04-04T22:00", santiago)
    assert plus(evenings, saturday, 180) == utc("2026-04-05T04:00")  # Sunday 00:00 (-04)
    # Sunday 6 September has 23 hours, from 01:00
    sunday = local("2026-09-06T01:00", santiago)
    assert sunday == utc("2026-09-06T04:00")
    assert plus(evenings, local("2026-09-05T23:59", santiago), 1) == utc("2026-09-06T04:00")
    assert plus(evenings, local("2026-09-05T23:59", santiago), 2) == utc("2026-09-06T04:01")
    assert plus(evenings, sunday, 23 * 60) == local("2026-09-07T00:00", santiago)


# --- examples: the edges --------------------------------------------------------------------


def test_a_period_until_midnight_ends_at_the_next_days_start() -> None:
    evenings = only({"fri": {"start": "20:00", "end": "24:00"}})
    friday = local("2026-11-27T20:00")
    assert plus(evenings, friday, 240) == local("2026-11-28T00:00")
    assert plus(evenings, friday, 300) == local("2026-12-04T21:00")
    assert plus(evenings, local("2026-11-27T23:59"), 1) == local("2026-11-28T00:00")


def test_zero_minutes_is_the_start_and_negative_or_naive_input_is_refused() -> None:
    start = local("2026-11-28T12:00")  # closed
    assert add_open_minutes(office(), start, 0) == start
    with pytest.raises(ValueError, match="negative"):
        add_open_minutes(office(), start, -1)
    with pytest.raises(ValueError, match="time zone"):
        add_open_minutes(office(), datetime(2026, 11, 27, 16, 30), 60)


def test_a_calendar_never_open_gives_no_due_time() -> None:
    closed_all_week = only({})
    assert add_open_minutes(closed_all_week, local("2026-11-27T16:30"), 1) is None
    # Open on Wednesdays only, and every Wednesday of the next three years a closed date
    wednesdays = [date(2026, 12, 2) + timedelta(weeks=n) for n in range(160)]
    calendar = Calendar(id="w", name="w", hours={"wed": OFFICE},
                        closed_dates=[d.isoformat() for d in wednesdays])  # fmt: skip
    assert add_open_minutes(calendar, local("2026-11-27T16:30"), 1) is None
    # ... and one Wednesday open two years on is found
    calendar.closed_dates.remove(wednesdays[100].isoformat())
    assert plus(calendar, local("2026-11-27T16:30"), 1) == local(
        f"{wednesdays[100].isoformat()}T08:01"
    )


def test_thirty_days_of_targets_take_well_under_a_few_milliseconds() -> None:
    calendar = office()
    start = local("2026-11-27T16:30")
    plus(calendar, start, 60)  # holidays for the years are filled in once
    plus(calendar, start, 30 * 24 * 60)
    best = min(_timed(lambda: plus(calendar, start, 30 * 24 * 60)) for _ in range(5))
    # 30 days of open time is 80 working days: measured about 0.1 ms
    assert best < 0.005
    # A calendar closed nearly always walks all three years and still answers quickly
    rare = only({"wed": {"start": "10:00", "end": "10:01"}})
    assert min(_timed(lambda: add_open_minutes(rare, start, 10**6)) for _ in range(3)) < 0.02


def _timed(work: Any) -> float:
    begun = time.perf_counter()
    work()
    return time.perf_counter() - begun


# --- due_times -----------------------------------------------------------------------------

SLA = {"first_response": {"high": 60, "low": 240}, "resolution": {"high": 960}}


def test_due_times_count_open_minutes_with_a_calendar_and_elapsed_minutes_without() -> None:
    friday = local("2026-11-27T16:30")
    # Open minutes: 30 on Friday, the rest from Monday 08:00
    assert due_times(SLA, Priority.HIGH, friday, office()) == (
        local("2026-11-30T08:30"),
        local("2026-12-01T14:30"),  # 30 + 540 + 390 minutes
    )
    assert due_times(SLA, Priority.HIGH, friday) == (
        friday + timedelta(minutes=60),
        friday + timedelta(minutes=960),
    )
    # A priority without a target has no due time either way
    assert due_times(SLA, Priority.LOW, friday, office()) == (local("2026-11-30T11:30"), None)
    assert due_times(SLA, Priority.MEDIUM, friday, office()) == (None, None)
    # A calendar never open: no due times
    assert due_times(SLA, Priority.HIGH, friday, only({})) == (None, None)


# --- properties --------------------------------------------------------------------------------

# Zones with summer time (Lord Howe's is half an hour; Santiago's and Havana's change at
# midnight) and without
ZONES = [
    "Europe/Stockholm",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Asia/Kolkata",
    "UTC",
]
# Starts near the year's offset changes as often as elsewhere
WINDOWS = [
    (datetime(2026, 3, 5), datetime(2026, 4, 10)),
    (datetime(2026, 8, 30), datetime(2026, 11, 5)),
    (datetime(2025, 1, 1), datetime(2028, 12, 31)),
]


@st.composite
def starts(draw: st.DrawFn) -> datetime:
    low, high = draw(st.sampled_from(WINDOWS))
    moment = draw(st.datetimes(min_value=low, max_value=high, timezones=st.just(UTC)))
    return moment.replace(second=0, microsecond=0)  # whole minutes, like the slow counter


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def calendars(draw: st.DrawFn, *, dates_near: datetime | None = None) -> Calendar:
    hours: dict[str, Any] = {}
    for day in WEEKDAYS:
        if draw(st.integers(0, 3)):  # open three days in four
            start = draw(st.integers(0, 24 * 60 - 1))
            end = draw(st.one_of(st.just(24 * 60), st.integers(start + 1, 24 * 60)))
            hours[day] = {"start": hhmm(start), "end": hhmm(end)}
    near = (dates_near or datetime(2026, 11, 27)).date()
    closed = draw(st.lists(st.dates(near - timedelta(days=2), near + timedelta(days=20)),
                           max_size=4))  # fmt: skip
    return Calendar(
        id="c",
        name="c",
        time_zone=draw(st.sampled_from(ZONES)),
        hours=hours,
        holiday_country=draw(st.sampled_from(["", "SE", "US"])),
        closed_dates=[d.isoformat() for d in closed],
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[Calendar, datetime]:
    start = draw(starts())
    return draw(calendars(dates_near=start)), start


STEP_LIMIT = 8 * 24 * 60  # the slow counter gives up after eight days


def slow_add(calendar: Calendar, start: datetime, minutes: int) -> datetime | None:
    """Independent of the walk: ask is_open minute by minute. None: beyond STEP_LIMIT."""
    counted = 0
    for step in range(STEP_LIMIT):
        if counted == minutes:
            return start + timedelta(minutes=step)
        if is_open(calendar, start + timedelta(minutes=step)):
            counted += 1
    return start + timedelta(minutes=STEP_LIMIT) if counted == minutes else None


@settings(max_examples=150, deadline=None)
@given(cases(), st.integers(0, 600))
@example(  # Friday 16:30 at office hours
    (office(), local("2026-11-27T16:30").astimezone(UTC)), 60
)
@example(  # over Stockholm's spring switch, open around the clock on Sundays
    (only({"sun": AROUND_THE_CLOCK}), local("2026-03-28T23:00").astimezone(UTC)), 600
)
def test_the_walk_agrees_with_counting_open_minutes_one_by_one(
    case: tuple[Calendar, datetime], minutes: int
) -> None:
    calendar, start = case
    fast = add_open_minutes(calendar, start, minutes)
    slow = slow_add(calendar, start, minutes)
    if slow is None:  # more than eight days away (or never)
        assert fast is None or fast > start + timedelta(minutes=STEP_LIMIT)
    else:
        assert fast == slow


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(1, 20_000))
def test_the_due_time_is_after_the_start_and_just_after_open_time(
    case: tuple[Calendar, datetime], minutes: int
) -> None:
    calendar, start = case
    due = add_open_minutes(calendar, start, minutes)
    assume(due is not None)
    assert due is not None and due >= start + timedelta(minutes=1)
    # The last instant counted is open: the due time is open or ends an open period
    assert is_open(calendar, due - timedelta(microseconds=1))


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(0, 20_000), st.integers(0, 20_000))
def test_more_minutes_are_never_due_sooner_and_minutes_add_up(
    case: tuple[Calendar, datetime], first: int, second: int
) -> None:
    calendar, start = case
    low, high = sorted((first, second))
    due_low = add_open_minutes(calendar, start, low)
    due_high = add_open_minutes(calendar, start, high)
    assume(due_low is not None and due_high is not None)
    assert due_low is not None and due_high is not None
    assert due_low <= due_high
    assert (due_low < due_high) is (low < high)
    # Counting on from a due time is the same as counting the sum at once
    assert add_open_minutes(calendar, due_low, high - low) == due_high


@settings(max_examples=200, deadline=None)
@given(starts(), st.sampled_from(ZONES), st.integers(0, 400 * 24 * 60))
def test_open_around_the_clock_is_elapsed_time_even_over_summer_time(
    start: datetime, zone: str, minutes: int
) -> None:
    always = only({d: AROUND_THE_CLOCK for d in WEEKDAYS}, zone=zone)
    assert add_open_minutes(always, start, minutes) == start + timedelta(minutes=minutes)
    # Public holidays and closed dates take whole local days out
    skipped = only({d: AROUND_THE_CLOCK for d in WEEKDAYS}, zone=zone)
    skipped.holiday_country = "SE"
    due = add_open_minutes(skipped, start, minutes)
    assert due is not None and due >= start + timedelta(minutes=minutes)


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(1, 5000))
def test_closing_the_day_the_target_ends_on_moves_it_later_and_later_days_do_not_matter(
    case: tuple[Calendar, datetime], minutes: int
) -> None:
    calendar, start = case
    due = add_open_minutes(calendar, start, minutes)
    assume(due is not None)
    assert due is not None
    zone = ZoneInfo(calendar.time_zone)
    last_day = (due - timedelta(microseconds=1)).astimezone(zone).date()
    later_day = due.astimezone(zone).date() + timedelta(days=1)

    later = Calendar(**{**vars(calendar), "closed_dates": [*calendar.closed_dates,
                                                           later_day.isoformat()]})  # fmt: skip
    assert add_open_minutes(later, start, minutes) == due

    closed = Calendar(**{**vars(calendar), "closed_dates": [*calendar.closed_dates,
                                                            last_day.isoformat()]})  # fmt: skip
    moved = add_open_minutes(closed, start, minutes)
    assert moved is None or moved > due
    if moved is not None:
        # No minute of the closed date was counted
        assert (moved - timedelta(microseconds=1)).astimezone(zone).date() != last_day


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 52), st.integers(1, 3 * 540))
def test_office_hours_skip_swedish_holidays_and_closed_dates(week: int, minutes: int) -> None:
    calendar = office()
    start = local("2026-06-01T07:00") + timedelta(weeks=week)
    due = plus(calendar, start, minutes)
    counted = due - timedelta(microseconds=1)
    day = counted.astimezone(STOCKHOLM).date()
    assert day.weekday() < 5 and not calendar.is_holiday(day)
    assert day.isoformat() not in AFTNAR
    assert "08:00" <= counted.astimezone(STOCKHOLM).strftime("%H:%M") < "17:00"
