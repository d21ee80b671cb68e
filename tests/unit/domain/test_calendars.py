"""Calendars (S12): what a valid calendar is, and when it is open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.calendars import WEEKDAYS, Calendar, is_open
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.records import from_record, to_record
from tests.calendar_data import OFFICE, office

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str, zone: ZoneInfo = STOCKHOLM) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


# --- validation ---------------------------------------------------------------------


def test_a_valid_calendar_is_normalised_to_seven_days_and_sorted_unique_dates() -> None:
    calendar = office(
        holiday_country="se",
        closed_dates=["2026-12-31", "2026-12-24", "2026-12-24"],
    )
    assert list(calendar.hours) == list(WEEKDAYS)
    assert calendar.hours["mon"] == {"closed": False, "start": "08:00", "end": "17:00"}
    assert calendar.hours["sat"] == calendar.hours["sun"] == {"closed": True}
    assert calendar.holiday_country == "SE"
    assert calendar.closed_dates == ["2026-12-24", "2026-12-31"]
    # The stored record reads back as the same calendar
    assert from_record(Calendar, to_record(calendar)) == calendar


def test_a_day_may_be_closed_explicitly_and_open_until_midnight() -> None:
    calendar = office(hours={"mon": {"closed": True, "start": "08:00"}, "tue": None,
                             "wed": {"start": "00:00", "end": "24:00"}})  # fmt: skip
    assert calendar.hours["mon"] == calendar.hours["tue"] == {"closed": True}
    assert calendar.hours["wed"]["end"] == "24:00"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"time_zone": "Europe/Stockholmm"}, "IANA time zone"),
        ({"time_zone": "../../etc/passwd"}, "IANA time zone"),
        ({"time_zone": ""}, "IANA time zone"),
        ({"time_zone": 1}, "IANA time zone"),
        ({"hours": {"mon": {"start": "17:00", "end": "08:00"}}}, "must be after the start"),
        ({"hours": {"mon": {"start": "08:00", "end": "08:00"}}}, "must be after the start"),
        ({"hours": {"mon": {"start": "8:00", "end": "17:00"}}}, "hours.mon.start"),
        ({"hours": {"mon": {"start": "08:00", "end": "25:00"}}}, "hours.mon.end"),
        ({"hours": {"mon": {"start": "08:00\n", "end": "17:00"}}}, "hours.mon.start"),
        ({"hours": {"mon": {"start": "08:00", "end": "24:00\n"}}}, "hours.mon.end"),
        ({"hours": {"mon": {"start": "24:00", "end": "24:00"}}}, "hours.mon.start"),
        ({"hours": {"mon": {"start": "08:00"}}}, "hours.mon.end"),
        ({"hours": {"monday": OFFICE}}, "weekdays"),
        ({"hours": {"mon": {"start": "08:00", "end": "17:00", "lunch": 1}}}, "hours.mon"),
        ({"hours": {"mon": {"closed": "yes"}}}, "closed must be true or false"),
        ({"hours": ["mon"]}, "hours must be an object"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_country": "Sweden"}, "holiday_country"),
        ({"holiday_country": "SE", "holiday_subdivision": "BY"}, "it has none"),
        ({"holiday_country": "DE", "holiday_subdivision": "XX"}, "holiday_subdivision of DE"),
        ({"holiday_country": "", "holiday_subdivision": "BY"}, "needs a holiday_country"),
        ({"closed_dates": ["2026-02-30"]}, "closed_dates"),
        ({"closed_dates": ["24/12/2026"]}, "closed_dates"),
        ({"closed_dates": ["20261224"]}, "closed_dates"),
        ({"closed_dates": "2026-12-24"}, "closed_dates must be a list"),
        ({"closed_dates": ["2026-01-01"] * 1001}, "at most"),
        ({"name": " "}, "name"),
        ({"id": "Kontor Tid"}, "calendar id"),
    ],
)
def test_a_bad_calendar_is_refused_with_the_reason(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        office(**fields)
    assert reason in refused.value.message


def test_a_subdivision_is_checked_against_its_country() -> None:
    bavaria = office(holiday_country="DE", holiday_subdivision="by")
    assert (bavaria.holiday_country, bavaria.holiday_subdivision) == ("DE", "BY")
    # Epiphany is a holiday in Bavaria and not in Berlin
    berlin = office(holiday_country="DE", holiday_subdivision="BE")
    assert bavaria.is_holiday(date(2026, 1, 6)) and not berlin.is_holiday(date(2026, 1, 6))


# --- is_open: examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-30T08:00:00", True),  # Monday, the first minute
        ("2026-11-30T07:59:59", False),
        ("2026-11-30T16:59:59", True),
        ("2026-11-30T17:00:00", False),  # the end is not open
        ("2026-11-28T12:00:00", False),  # Saturday
        ("2026-11-29T12:00:00", False),  # Sunday
        ("2026-12-25T12:00:00", False),  # Christmas Day, a Friday: a Swedish holiday
        ("2026-06-19T12:00:00", True),  # Midsummer Eve: not a public holiday in the package
        ("2026-04-06T12:00:00", False),  # Easter Monday
        ("2026-12-24T12:00:00", False),  # a closed date of its own
    ],
)
def test_the_office_calendar_is_open_in_office_hours_on_working_days(
    moment: str, expected: bool
) -> None:
    calendar = office(closed_dates=["2026-12-24"])
    assert is_open(calendar, at(moment)) is expected


def test_an_instant_is_read_in_the_calendars_own_zone() -> None:
    calendar = office()
    # 07:30 UTC in winter is 08:30 in Stockholm; 16:30 UTC is 17:30 there
    assert is_open(calendar, datetime(2026, 11, 30, 7, 30, tzinfo=UTC))
    assert not is_open(calendar, datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    # In summer (CEST, +2) 06:30 UTC is 08:30 in Stockholm
    assert is_open(calendar, datetime(2026, 6, 1, 6, 30, tzinfo=UTC))
    # New York's Monday 20:00 is Stockholm's Tuesday 02:00: closed
    assert not is_open(calendar, at("2026-11-30T20:00:00", ZoneInfo("America/New_York")))


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        is_open(office(), datetime(2026, 11, 30, 12, 0))


def test_around_the_clock_is_open_at_midnight_and_at_the_last_microsecond() -> None:
    always = office(hours={d: {"start": "00:00", "end": "24:00"} for d in WEEKDAYS},
                    holiday_country="")  # fmt: skip
    assert is_open(always, at("2026-12-25T00:00:00"))
    assert is_open(always, at("2026-12-25T23:59:59.999999"))


# --- is_open: properties -----------------------------------------------------------------

ZONES = ["Europe/Stockholm", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "UTC"]
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)
)
minutes = st.integers(min_value=0, max_value=24 * 60)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    hours: dict[str, Any] = {}
    for day in WEEKDAYS:
        if draw(st.booleans()):
            start = draw(st.integers(min_value=0, max_value=24 * 60 - 1))
            end = draw(st.integers(min_value=start + 1, max_value=24 * 60))
            hours[day] = {"start": hhmm(start), "end": hhmm(end)}
        else:
            hours[day] = {"closed": True}
    closed = draw(st.lists(st.dates(date(2000, 1, 1), date(2060, 12, 31)), max_size=5))
    return Calendar(
        id="c",
        name="c",
        time_zone=draw(st.sampled_from(ZONES)),
        hours=hours,
        holiday_country=draw(st.sampled_from(["", "SE", "US", "JP"])),
        closed_dates=[d.isoformat() for d in closed],
    )


@settings(max_examples=300, deadline=None)
@given(calendars(), instants)
def test_is_open_agrees_with_reading_the_local_wall_clock(
    calendar: Calendar, moment: datetime
) -> None:
    local = moment.astimezone(ZoneInfo(calendar.time_zone))
    day = calendar.hours[WEEKDAYS[local.weekday()]]
    expected = (
        not day["closed"]
        and local.date().isoformat() not in calendar.closed_dates
        and not calendar.is_holiday(local.date())
        and day["start"] <= local.strftime("%H:%M") < day["end"]
    )
    assert is_open(calendar, moment) is expected


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, st.sampled_from(ZONES))
def test_is_open_depends_on_the_instant_not_the_zone_it_is_written_in(
    calendar: Calendar, moment: datetime, zone: str
) -> None:
    assert is_open(calendar, moment) is is_open(calendar, moment.astimezone(ZoneInfo(zone)))


@settings(max_examples=200, deadline=None)
@given(calendars(), instants)
def test_a_closed_date_is_closed_all_day(calendar: Calendar, moment: datetime) -> None:
    local_day = moment.astimezone(ZoneInfo(calendar.time_zone)).date()
    calendar.closed_dates = sorted({*calendar.closed_dates, local_day.isoformat()})
    assert not is_open(calendar, moment)


@settings(max_examples=100, deadline=None)
@given(instants, st.sampled_from(ZONES))
def test_open_around_the_clock_is_always_open_and_closed_all_week_never(
    moment: datetime, zone: str
) -> None:
    always = Calendar(id="a", name="a", time_zone=zone,
                      hours={d: {"start": "00:00", "end": "24:00"} for d in WEEKDAYS})  # fmt: skip
    never = Calendar(id="n", name="n", time_zone=zone, hours={})
    assert is_open(always, moment) and not is_open(never, moment)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=24 * 60 - 1), minutes)
def test_an_opening_period_holds_exactly_its_minutes(start: int, end: int) -> None:
    if end <= start:
        with pytest.raises(ValidationError):
            office(hours={"mon": {"start": hhmm(start), "end": hhmm(end)}})
        return
    calendar = office(hours={"mon": {"start": hhmm(start), "end": hhmm(end)}},
                      holiday_country="", time_zone="UTC")  # fmt: skip
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    inside = [m for m in range(24 * 60) if is_open(calendar, monday + timedelta(minutes=m))]
    assert inside == list(range(start, end))


def test_a_reason_quotes_a_long_bad_value_only_in_part() -> None:
    with pytest.raises(ValidationError) as refused:
        office(time_zone="Europe/" + "x" * 5000)
    assert "Europe/xxx" in refused.value.message and len(refused.value.message) < 200
