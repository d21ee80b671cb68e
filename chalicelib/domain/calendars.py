"""Calendars (S12): the opening hours a template names, kept as config items.

A calendar is a time zone, weekly opening hours (one period per weekday, or closed), a
country's public holidays (from the ``holidays`` package, optionally for one subdivision)
and dates of its own when it is closed. ``is_open`` answers for one instant;
``add_open_minutes`` walks the open time forward, which is how the SLA clock of a
template with a calendar runs (``domain/sla.py``).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.checks import check_name, check_slug
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.timefmt import check_time_zone

if TYPE_CHECKING:
    from holidays import HolidayBase

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
MAX_CLOSED_DATES = 1000
# How far add_open_minutes looks for open time before it gives up (None: no due time).
HORIZON_DAYS = 3 * 366
END_OF_DAY = "24:00"  # an end time only: open until midnight
_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


@cache
def holiday_countries() -> dict[str, tuple[str, ...]]:
    """Country code -> its subdivision codes, as the ``holidays`` package knows them."""
    import holidays  # imported when first needed: it adds ~13 ms to every cold start

    return {
        code: tuple(subdivisions)
        for code, subdivisions in holidays.list_supported_countries().items()
    }


@cache
def _holidays(country: str, subdivision: str) -> HolidayBase:
    # Years are filled in on first lookup (expand=True); one object per calendar setting.
    import holidays

    return holidays.country_holidays(country, subdiv=subdivision or None)


def _shown(value: object) -> str:
    """A bad value as the reason quotes it: short, whatever was sent."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _minutes(value: str) -> int:
    if value == END_OF_DAY:
        return 24 * 60
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _check_time(value: object, what: str, *, end: bool) -> str:
    if isinstance(value, str) and (_HHMM.fullmatch(value) or (end and value == END_OF_DAY)):
        return value
    allowed = "HH:MM (00:00-23:59, or 24:00 for midnight)" if end else "HH:MM (00:00-23:59)"
    raise ValidationError(f"{what} must be a time {allowed}, not {_shown(value)}")


def _day(name: str, value: object) -> dict[str, Any]:
    """One weekday: ``{"closed": true}`` or ``{"start": "08:00", "end": "17:00"}``."""
    if value is None:
        return {"closed": True}
    if not isinstance(value, dict) or set(value) - {"closed", "start", "end"}:
        raise ValidationError(
            f"hours.{name} must be {{'closed': true}} or {{'start': 'HH:MM', 'end': 'HH:MM'}}"
        )
    closed = value.get("closed", False)
    if not isinstance(closed, bool):
        raise ValidationError(f"hours.{name}.closed must be true or false")
    if closed:
        return {"closed": True}
    start = _check_time(value.get("start"), f"hours.{name}.start", end=False)
    end = _check_time(value.get("end"), f"hours.{name}.end", end=True)
    if _minutes(end) <= _minutes(start):
        raise ValidationError(f"hours.{name}: the end {end} must be after the start {start}")
    return {"closed": False, "start": start, "end": end}


def check_hours(value: object) -> dict[str, dict[str, Any]]:
    """All seven weekdays, each closed or open start-end; a day left out is closed."""
    if not isinstance(value, dict):
        raise ValidationError(f"hours must be an object with the weekdays {list(WEEKDAYS)}")
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise ValidationError(
            f"hours knows only the weekdays {list(WEEKDAYS)}, not {sorted(unknown)}"
        )
    return {day: _day(day, value.get(day)) for day in WEEKDAYS}


def check_holidays(country: object, subdivision: object) -> tuple[str, str]:
    """('', '') for no public holidays, else a supported country and one of its subdivisions."""
    if country in (None, ""):
        if subdivision not in (None, ""):
            raise ValidationError("holiday_subdivision needs a holiday_country")
        return "", ""
    if not isinstance(country, str) or country.strip().upper() not in holiday_countries():
        raise ValidationError(
            "holiday_country must be a country code the holidays package knows, "
            f"such as SE, not {_shown(country)}"
        )
    code = country.strip().upper()
    if subdivision in (None, ""):
        return code, ""
    known = holiday_countries()[code]
    if isinstance(subdivision, str) and subdivision.strip() in known:
        return code, subdivision.strip()
    if isinstance(subdivision, str) and subdivision.strip().upper() in known:
        return code, subdivision.strip().upper()
    choices = f"one of {list(known)}" if known else "left empty: it has none"
    raise ValidationError(
        f"holiday_subdivision of {code} must be {choices}, not {_shown(subdivision)}"
    )


def check_closed_dates(value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ValidationError("closed_dates must be a list of dates YYYY-MM-DD")
    if len(value) > MAX_CLOSED_DATES:
        raise ValidationError(f"closed_dates has at most {MAX_CLOSED_DATES} dates")
    found: set[str] = set()
    for item in value:
        try:
            if not isinstance(item, str) or len(item) != 10:
                raise ValueError
            found.add(date.fromisoformat(item).isoformat())
        except ValueError:
            raise ValidationError(
                f"closed_dates: {_shown(item)} is not a date YYYY-MM-DD"
            ) from None
    return sorted(found)


@dataclass
class Calendar:
    id: str
    name: str
    time_zone: str = "Europe/Stockholm"
    # {"mon": {"closed": false, "start": "08:00", "end": "17:00"}, ..., "sun": {"closed": true}}
    hours: dict[str, Any] = field(default_factory=dict)
    holiday_country: str = ""  # ISO code known to the holidays package; "" = none
    holiday_subdivision: str = ""
    closed_dates: list[str] = field(default_factory=list)  # ISO dates, in the calendar's zone

    def __post_init__(self) -> None:
        check_slug(self.id, "calendar id")
        self.name = check_name(self.name, "name")
        self.time_zone = check_time_zone(self.time_zone)
        self.hours = check_hours(self.hours)
        self.holiday_country, self.holiday_subdivision = check_holidays(
            self.holiday_country, self.holiday_subdivision
        )
        self.closed_dates = check_closed_dates(self.closed_dates)

    def is_holiday(self, day: date) -> bool:
        return bool(self.holiday_country) and day in _holidays(
            self.holiday_country, self.holiday_subdivision
        )


def is_open_day(calendar: Calendar, day: date) -> bool:
    """Whether the calendar opens at all on ``day`` (a date in its sense of days): its
    weekday has opening hours and the date is neither a closed date nor a public holiday.
    Scheduled activities skip or move their occurrences on the other days."""
    if calendar.hours[WEEKDAYS[day.weekday()]].get("closed", False):
        return False
    return day.isoformat() not in calendar.closed_dates and not calendar.is_holiday(day)


def is_open(calendar: Calendar, moment: datetime) -> bool:
    """Whether ``calendar`` is open at the instant ``moment`` (which must carry its zone).

    The instant is read as the calendar's local date and wall-clock time; it is open when
    that date is neither a public holiday nor one of its closed dates and the time lies in
    the weekday's period, start included and end excluded.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("is_open needs a datetime with a time zone")
    local = moment.astimezone(zoneinfo.ZoneInfo(calendar.time_zone))
    day = local.date()
    hours = calendar.hours[WEEKDAYS[day.weekday()]]
    if hours.get("closed", False):
        return False
    if day.isoformat() in calendar.closed_dates or calendar.is_holiday(day):
        return False
    since_midnight = (local.hour * 3600 + local.minute * 60 + local.second) * 10**6
    since_midnight += local.microsecond
    start, end = (_minutes(hours[k]) * 60 * 10**6 for k in ("start", "end"))
    return start <= since_midnight < end


# --- the SLA clock: open time -----------------------------------------------------------

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)


def add_open_minutes(calendar: Calendar, start: datetime, minutes: int) -> datetime | None:
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    return add_open_time(calendar, start, timedelta(minutes=minutes))


def add_open_time(calendar: Calendar, start: datetime, amount: timedelta) -> datetime | None:
    """The instant (UTC) when ``amount`` of the calendar's open time has passed since
    ``start`` (``add_open_minutes`` in minutes): the earliest ``r >= start`` with exactly
    that much open time in ``[start, r)``. Open time is what ``is_open`` calls open, so a
    start in closed time counts from the next opening, and a target used up at a period's
    end gives that end (17:00, not the next morning). No time gives ``start``.

    Days are walked in the calendar's zone; a closed weekday, a closed date or a public
    holiday costs a set lookup. An open period becomes UTC instants by the zone's offset
    (``zoneinfo``), read at each midnight; on a day the offset changes the period is cut
    where ``is_open`` cuts it (a period the clock jumps into begins at the change; an
    hour lived twice is open twice).
    No open time within ``HORIZON_DAYS`` of the start (a calendar closed all week, or
    every open day a closed date) gives ``None``: no due time.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("add_open_minutes needs a datetime with a time zone")
    if amount < timedelta(0):
        raise ValueError("minutes must not be negative")
    start = start.astimezone(UTC)
    if not amount:
        return start
    left = amount
    for opens, closes in _open_spans(calendar, start.replace(tzinfo=None)):
        if closes - opens >= left:
            return (opens + left).replace(tzinfo=UTC)
        left -= closes - opens
    return None


def open_time_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """How much of ``[start, end)`` the calendar is open (what ``is_open`` calls open): the
    SLA clock's pause (S12) moves the due times by this much open time. Nothing when
    ``end`` is not after ``start``; only ``HORIZON_DAYS`` from ``start`` are looked at."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("open_time_between needs datetimes with a time zone")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    if end <= start:
        return total
    stop = end.replace(tzinfo=None)
    for opens, closes in _open_spans(calendar, start.replace(tzinfo=None)):
        if opens >= stop:
            break
        total += min(closes, stop) - opens
    return total


def _open_spans(calendar: Calendar, since: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The calendar's open periods from ``since`` on (naive UTC), in order, each cut to
    begin no earlier than ``since``; ``HORIZON_DAYS`` of them at most."""
    periods = _periods(calendar)
    if not any(periods):
        return
    zone = zoneinfo.ZoneInfo(calendar.time_zone)
    closed = _closed_set(tuple(calendar.closed_dates))
    # From the day before the start's local date: its period may end after the start
    # only in a zone whose clock went back over midnight (none in tzdata 2020-2045 does).
    day = since.replace(tzinfo=UTC).astimezone(zone).date() - _DAY
    midnight = datetime.combine(day, time())  # the day's start on the wall clock
    offset = zone.utcoffset(midnight)
    for _ in range(HORIZON_DAYS + 2):
        next_midnight = midnight + _DAY
        next_offset = zone.utcoffset(next_midnight)
        period = periods[day.weekday()]
        if period is not None and day not in closed and not calendar.is_holiday(day):
            if offset == next_offset and offset is not None:
                # The usual day: the same offset at this midnight and the next, so none
                # changes in between (zones change at most once a day). A change at the
                # next midnight itself does not touch this day's wall-clock times.
                spans: Iterable[tuple[datetime, datetime]] = (
                    (midnight + period[0] - offset, midnight + period[1] - offset),
                )
            else:  # the offset changes today (summer time begins or ends)
                spans = _utc_periods(zone, midnight, *period)
            for opens, closes in spans:
                opens = max(opens, since)
                if closes > opens:
                    yield opens, closes
        day, midnight, offset = day + _DAY, next_midnight, next_offset


def _periods(calendar: Calendar) -> tuple[tuple[timedelta, timedelta] | None, ...]:
    """Per weekday (date.weekday() order) its open period from midnight, or None: closed."""
    return _period_table(
        tuple(
            None if hours.get("closed", False) else (hours["start"], hours["end"])
            for hours in (calendar.hours[day] for day in WEEKDAYS)
        )
    )


@lru_cache(maxsize=64)
def _period_table(
    week: tuple[tuple[str, str] | None, ...],
) -> tuple[tuple[timedelta, timedelta] | None, ...]:
    return tuple(
        None
        if day is None
        else (timedelta(minutes=_minutes(day[0])), timedelta(minutes=_minutes(day[1])))
        for day in week
    )


@lru_cache(maxsize=64)
def _closed_set(closed_dates: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in closed_dates)


def _utc_periods(
    zone: zoneinfo.ZoneInfo, midnight: datetime, start: timedelta, end: timedelta
) -> list[tuple[datetime, datetime]]:
    """The instants (naive UTC) whose wall-clock time in ``zone`` lies in ``[start, end)``
    after ``midnight`` on a day the offset changes: one period, or two cut at the change.

    Local time is u + o(u): o_before up to the change, o_after from it. The instants whose
    wall clock is in [opens, closes) are that range less o_before (before the change) and
    less o_after (from it). A period the clock jumps into begins at the change, one it
    jumps out of ends there; an hour lived twice is open twice, as ``is_open`` says.
    """
    opens, closes = midnight + start, midnight + end
    first = min(_at(opens, zone, fold) for fold in (0, 1))
    last = max(_at(closes, zone, fold) for fold in (0, 1))
    before, after = _offset(first, zone), _offset(last, zone)
    if before == after:  # the change is outside this period
        return [(opens - before, closes - before)]
    change = _change(first, last, zone, before)
    spans = [
        (opens - before, min(closes - before, change)),
        (max(opens - after, change), closes - after),
    ]
    return [(lo, hi) for lo, hi in spans if lo < hi]


def _at(wall: datetime, zone: zoneinfo.ZoneInfo, fold: int) -> datetime:
    """The naive wall-clock time ``wall`` in ``zone`` (``fold`` as in PEP 495), naive UTC."""
    return wall.replace(tzinfo=zone, fold=fold).astimezone(UTC).replace(tzinfo=None)


def _offset(moment: datetime, zone: zoneinfo.ZoneInfo) -> timedelta:
    """The zone's offset at the instant ``moment`` (naive UTC)."""
    offset = moment.replace(tzinfo=UTC).astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def _change(lo: datetime, hi: datetime, zone: zoneinfo.ZoneInfo, before: timedelta) -> datetime:
    """The first instant in (lo, hi] whose offset is no longer ``before`` (naive UTC, to
    the second: tzdata changes offsets on whole seconds)."""
    lo = lo.replace(microsecond=0)
    while hi - lo > _SECOND:
        middle = lo + timedelta(seconds=(hi - lo) // _SECOND // 2)
        if _offset(middle, zone) == before:
            lo = middle
        else:
            hi = middle
    return hi
