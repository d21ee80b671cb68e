"""AWS EventBridge Scheduler's cron expressions, checked and evaluated as Scheduler does.

``cron(minutes hours day-of-month month day-of-week year)``: six fields; day-of-month and
day-of-week cannot both be given, one of them must be ``?``; day-of-week counts 1-7 from
Sunday (or SUN-SAT); ``L`` (last), ``nW`` (nearest weekday) in day-of-month, ``nL`` (last
such weekday of the month) and ``n#k`` (k-th such weekday) in day-of-week; the year runs
1970-2199. Stored in one canonical form (``cron(0 9 ? * MON-FRI *)``), the one handed to
Scheduler.

Evaluation is ``croniter`` on the wall clock of the schedule's time zone, with AWS's
day-of-week numbers mapped onto croniter's (0 = Sunday) and the year field applied here.
Daylight saving time as Scheduler handles it: a wall-clock time the clock jumps over
(spring) does not happen; one it lives twice (autumn) happens once, the first time.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from chalicelib.domain.errors import ValidationError

_FIELDS = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # AWS 1-7
_WRAPPED = re.compile(r"^\s*cron\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_ITEM = re.compile(r"^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:/([0-9]+))?$")
_LAST_WEEKDAY = re.compile(r"^([A-Z0-9]+)L$")  # 6L: the month's last Friday
_NTH_WEEKDAY = re.compile(r"^([A-Z0-9]+)#([0-9]+)$")  # 2#1: the month's first Monday
_NEAREST_WEEKDAY = re.compile(r"^([0-9]+)W$")  # 15W: the weekday nearest the 15th
FIRST_YEAR, LAST_YEAR = 1970, 2199
# Past this many evaluated times without an answer, iteration stops (an expression that
# never matches again, e.g. a 30 February): a guard, far above any real schedule's need.
MAX_STEPS = 100_000


@dataclass(frozen=True)
class AwsCron:
    expression: str  # canonical: "cron(0 9 ? * MON-FRI *)"
    croniter_expression: str  # the first five fields as croniter reads them
    years: frozenset[int] | None  # None: every year


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _value(token: str, field: str, low: int, high: int, names: tuple[str, ...] = ()) -> int:
    if token in names:
        return names.index(token) + low
    if token.isdigit() and low <= int(token) <= high:
        return int(token)
    allowed = f"{low}-{high}" + (f" or {names[0]}-{names[-1]}" if names else "")
    raise ValidationError(f"cron: {token!r} is not a {field} value ({allowed})")


def _items(
    text: str, field: str, low: int, high: int, names: tuple[str, ...] = (), *, steps: bool = True
) -> list[tuple[int, int, int]]:
    """A list field's items as (first, last, step); '*' is the whole range."""
    found = []
    for item in text.split(","):
        match = _ITEM.match(item)
        if not match:
            raise ValidationError(f"cron: {item!r} is not a valid {field} item")
        span, step = match.group(1), match.group(2)
        if step is not None and (not steps or not 1 <= int(step) <= high):
            raise ValidationError(f"cron: {field} does not take the step in {item!r}")
        if span == "*":
            first, last = low, high
        elif "-" in span:
            a, b = span.split("-")
            first, last = _value(a, field, low, high, names), _value(b, field, low, high, names)
            if first > last:
                raise ValidationError(f"cron: the {field} range {span!r} runs backwards")
        else:
            first = _value(span, field, low, high, names)
            last = high if step is not None else first
        found.append((first, last, int(step) if step else 1))
    return found


def _plain(items: list[tuple[int, int, int]], shift: int = 0) -> str:
    parts = []
    for first, last, step in items:
        a, b = first + shift, last + shift
        text = str(a) if a == b else f"{a}-{b}"
        parts.append(text if step == 1 else f"{text}/{step}")
    return ",".join(parts)


def _day_of_month(text: str) -> str:
    if text == "?":
        return "*"
    if text == "L":
        return "L"
    nearest = _NEAREST_WEEKDAY.match(text)
    if nearest:
        return f"{_value(nearest.group(1), 'day-of-month', 1, 31)}W"
    return _plain(_items(text, "day-of-month", 1, 31))


def _day_of_week(text: str) -> str:
    """AWS 1-7 from Sunday (or names) to croniter's 0-6 from Sunday."""
    if text == "?":
        return "*"
    last = _LAST_WEEKDAY.match(text)
    if last:
        return f"L{_value(last.group(1), 'day-of-week', 1, 7, _DAYS) - 1}"
    nth = _NTH_WEEKDAY.match(text)
    if nth:
        day = _value(nth.group(1), "day-of-week", 1, 7, _DAYS)
        if not 1 <= int(nth.group(2)) <= 5:
            raise ValidationError(f"cron: in {text!r} the week of the month must be 1-5")
        return f"{day - 1}#{nth.group(2)}"
    return _plain(_items(text, "day-of-week", 1, 7, _DAYS, steps=False), shift=-1)


def _years(text: str) -> frozenset[int] | None:
    if text == "*":
        return None
    years: set[int] = set()
    for first, last, step in _items(text, "year", FIRST_YEAR, LAST_YEAR):
        years.update(range(first, last + 1, step))
    return frozenset(years)


def parse(value: object) -> AwsCron:
    """Check an AWS cron expression (``cron(...)`` or the six fields alone); 422 naming
    the field at fault."""
    if not isinstance(value, str) or len(value) > 200:
        raise ValidationError("cron must be text such as cron(0 9 ? * MON-FRI *)")
    wrapped = _WRAPPED.match(value)
    fields = (wrapped.group(1) if wrapped else value).upper().split()
    if len(fields) != 6:
        raise ValidationError(
            "cron must have six fields: minutes hours day-of-month month day-of-week year, "
            f"such as cron(0 9 ? * MON-FRI *), not {_shown(value)}"
        )
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ValidationError("cron: one of day-of-month and day-of-week must be '?', and only one")
    for name, text in zip(_FIELDS, fields, strict=True):
        if "?" in text and (name not in ("day-of-month", "day-of-week") or text != "?"):
            raise ValidationError("cron: '?' stands alone, in day-of-month or day-of-week only")
    translated = " ".join(
        (
            _plain(_items(minutes, "minutes", 0, 59)),
            _plain(_items(hours, "hours", 0, 23)),
            _day_of_month(dom),
            _plain(_items(month, "month", 1, 12, _MONTHS)),
            _day_of_week(dow),
        )
    )
    cron = AwsCron(f"cron({' '.join(fields)})", translated, _years(year))
    _check_evaluates(cron)
    return cron


def _check_evaluates(cron: AwsCron) -> None:
    from croniter import croniter
    from croniter.croniter import CroniterError

    try:
        croniter(cron.croniter_expression, datetime(2000, 1, 1))
    except (CroniterError, ValueError, KeyError) as exc:
        raise ValidationError(f"cron: {cron.expression} cannot be evaluated ({exc})") from None
    if next(times(cron, "UTC", datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)), None) is None:
        raise ValidationError(f"cron: {cron.expression} never happens")


@lru_cache(maxsize=256)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def exists(wall: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether the naive wall-clock time happens in the zone (not skipped by a DST jump)."""
    there_and_back = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return there_and_back.replace(tzinfo=None) == wall


def times(
    cron: AwsCron, time_zone: str, start: datetime, *, backward: bool = False
) -> Iterator[datetime]:
    """The instants (UTC) the expression names in the zone, strictly after ``start`` (or
    strictly before it, newest first, with ``backward``)."""
    from croniter import croniter
    from croniter.croniter import CroniterError

    zone = _zone(time_zone)
    start = start.astimezone(UTC)
    wall = start.astimezone(zone).replace(tzinfo=None)
    if not backward:  # a cursor that is not a whole minute: that minute has passed
        wall = wall.replace(second=0, microsecond=0)
    years = cron.years
    walker = croniter(cron.croniter_expression, wall)
    for _ in range(MAX_STEPS):
        try:
            found: datetime = walker.get_prev(datetime) if backward else walker.get_next(datetime)
        except (CroniterError, ValueError, OverflowError):
            return
        if not FIRST_YEAR <= found.year <= LAST_YEAR:
            return
        if years is not None and found.year not in years:
            ahead = [y for y in years if (y < found.year if backward else y > found.year)]
            if not ahead:
                return
            year = max(ahead) if backward else min(ahead)
            edge = (
                datetime(year + 1, 1, 1)
                if backward
                else datetime(year, 1, 1) - timedelta(minutes=1)
            )
            walker = croniter(cron.croniter_expression, edge)
            continue
        if not exists(found, zone):
            continue  # the clock jumps over it: Scheduler skips it too
        instant = found.replace(tzinfo=zone, fold=0).astimezone(UTC)
        # An hour lived twice happens once (fold 0): the second pass maps behind the cursor.
        if (instant > start) if not backward else (instant < start):
            yield instant
