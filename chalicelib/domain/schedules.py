"""Scheduled activities (S1): a ticket from a template, made on a schedule.

An activity names a template, a title, where the ticket goes, an AWS cron expression in a
time zone (``domain/aws_cron.py``), optionally a calendar whose closed days are skipped or
moved to the next open day, the dates it runs between, and whether it is enabled.

Each occurrence is named by its *scheduled* time (the cron's instant): that identifies it
whatever happens to it, so that it makes one ticket at most. Its *at* time is when the
ticket is made: the scheduled time, or on ``next_open`` the same wall-clock time on the
next day the calendar is open. Days (closed or not, ``starts``/``ends``) are read in the
activity's time zone.
"""

from __future__ import annotations

import heapq
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.domain import aws_cron
from chalicelib.domain.calendars import Calendar, is_open_day
from chalicelib.domain.checks import check_name, check_slug
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ticket import MAX_TITLE
from chalicelib.domain.timefmt import DEFAULT_TIME_ZONE, check_time_zone

SKIP, NEXT_OPEN = "skip", "next_open"
CLOSED_DAYS = (SKIP, NEXT_OPEN)
TITLE_PLACEHOLDERS = ("date", "time")  # the occurrence's local date and time
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MAX_MOVE_DAYS = 366  # a calendar closed longer than this: the occurrence is dropped
MAX_SCAN = 20_000  # scheduled times looked at for one answer, at most


def _optional_slug(value: object, what: str) -> str:
    if value in (None, ""):
        return ""
    return check_slug(value, what)  # type: ignore[arg-type]


def _day(value: object, what: str) -> str:
    if value in (None, ""):
        return ""
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValidationError(f"{what} must be a date YYYY-MM-DD or empty") from None


def check_title(value: object) -> str:
    title = check_name(value, "title", MAX_TITLE)
    unknown = [p for p in _PLACEHOLDER.findall(title) if p not in TITLE_PLACEHOLDERS]
    if unknown:
        known = ", ".join("{" + p + "}" for p in TITLE_PLACEHOLDERS)
        raise ValidationError(f"title knows the placeholders {known}, not {{{unknown[0]}}}")
    return title


@dataclass
class ScheduledActivity:
    id: str
    name: str
    template_id: str
    title: str
    cron: str  # canonical AWS form: "cron(0 9 ? * MON-FRI *)"
    time_zone: str = DEFAULT_TIME_ZONE
    response_point_id: str = ""  # "": the template's
    group_id: str = ""
    agent_id: str = ""
    calendar_id: str = ""
    closed_days: str = SKIP  # what an occurrence on a day the calendar is closed does
    starts: str = ""  # first day (YYYY-MM-DD, in time_zone), "" = from now on
    ends: str = ""  # last day, "" = no end
    enabled: bool = True

    def __post_init__(self) -> None:
        check_slug(self.id, "id")
        self.name = check_name(self.name, "name")
        check_slug(self.template_id, "template_id")
        self.title = check_title(self.title)
        self.cron = aws_cron.parse(self.cron).expression
        self.time_zone = check_time_zone(self.time_zone)
        self.response_point_id = _optional_slug(self.response_point_id, "response_point_id")
        self.group_id = _optional_slug(self.group_id, "group_id")
        self.agent_id = _optional_slug(self.agent_id, "agent_id")
        self.calendar_id = _optional_slug(self.calendar_id, "calendar_id")
        if self.closed_days not in CLOSED_DAYS:
            raise ValidationError(f"closed_days must be one of {list(CLOSED_DAYS)}")
        self.starts = _day(self.starts, "starts")
        self.ends = _day(self.ends, "ends")
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError(f"ends ({self.ends}) is before starts ({self.starts})")
        if not isinstance(self.enabled, bool):
            raise ValidationError("enabled must be true or false")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def in_period(self, moment: datetime) -> bool:
        day = self.local_day(moment).isoformat()
        return (not self.starts or day >= self.starts) and (not self.ends or day <= self.ends)

    def period_instants(self) -> tuple[datetime | None, datetime | None]:
        """``starts`` at 00:00 and the midnight after ``ends``, as UTC instants."""

        def midnight(day: str, plus: int) -> datetime | None:
            if not day:
                return None
            wall = datetime.combine(date.fromisoformat(day) + timedelta(days=plus), time())
            return wall.replace(tzinfo=self.zone).astimezone(UTC)

        return midnight(self.starts, 0), midnight(self.ends, 1)

    def render_title(self, at: datetime) -> str:
        local = at.astimezone(self.zone)
        values = {"date": local.date().isoformat(), "time": local.strftime("%H:%M")}
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), self.title)


@dataclass(frozen=True, order=True)
class Occurrence:
    at: datetime  # UTC: when its ticket is made
    scheduled: datetime  # UTC: the cron's instant, which names the occurrence

    @property
    def moved(self) -> bool:
        return self.at != self.scheduled


def placed(
    activity: ScheduledActivity, scheduled: datetime, calendar: Calendar | None
) -> Occurrence | None:
    """The occurrence of one scheduled instant: None when it does not happen (outside the
    period, or skipped on a closed day), else when its ticket is made."""
    if not activity.in_period(scheduled):
        return None
    if calendar is None:
        return Occurrence(scheduled, scheduled)
    day = activity.local_day(scheduled)
    if is_open_day(calendar, day):
        return Occurrence(scheduled, scheduled)
    if activity.closed_days == SKIP:
        return None
    for ahead in range(1, MAX_MOVE_DAYS + 1):
        later = day + timedelta(days=ahead)
        if is_open_day(calendar, later):
            wall = datetime.combine(later, scheduled.astimezone(activity.zone).time())
            # A wall time the clock jumps over that day lands just after the jump.
            moved = wall.replace(tzinfo=activity.zone).astimezone(UTC)
            return Occurrence(moved, scheduled)
    return None


def _scheduled(activity: ScheduledActivity, start: datetime) -> Iterator[datetime]:
    """The cron's instants after ``start`` within the activity's period."""
    cron = aws_cron.parse(activity.cron)
    first, end = activity.period_instants()
    if first is not None and start < first:
        start = first - timedelta(microseconds=1)
    for count, instant in enumerate(aws_cron.times(cron, activity.time_zone, start)):
        if count >= MAX_SCAN or (end is not None and instant >= end):
            return
        yield instant


def _run_start(activity: ScheduledActivity, after: datetime, calendar: Calendar | None) -> datetime:
    """Where to start reading scheduled times so as to meet every occurrence whose ticket is
    made after ``after``: with ``next_open``, at the start of the closed days just before
    (their occurrences are made on the next open day, which may be after ``after``)."""
    if calendar is None or activity.closed_days == SKIP:
        return after
    day = activity.local_day(after)
    cursor = day - timedelta(days=1) if is_open_day(calendar, day) else day
    for _ in range(MAX_MOVE_DAYS):
        if is_open_day(calendar, cursor):
            break
        cursor -= timedelta(days=1)
    first_closed = cursor + timedelta(days=1)
    if first_closed > day:
        return after
    wall = datetime.combine(first_closed, time())
    return min(
        after, wall.replace(tzinfo=activity.zone).astimezone(UTC) - timedelta(microseconds=1)
    )


def occurrences(
    activity: ScheduledActivity,
    after: datetime,
    count: int,
    calendar: Calendar | None = None,
    *,
    until: datetime | None = None,
) -> list[Occurrence]:
    """The next ``count`` occurrences whose ticket is made after ``after`` (and no later
    than ``until``), in the order they are made."""
    found: list[Occurrence] = []
    for scheduled in _scheduled(activity, _run_start(activity, after, calendar)):
        if until is not None and scheduled > until:
            break
        # A later scheduled time is made no sooner than it is scheduled: done once the
        # count is full and this one is past the last kept.
        if len(found) >= count and scheduled > found[-1].at:
            break
        occurrence = placed(activity, scheduled, calendar)
        if occurrence is None or occurrence.at <= after:
            continue
        if until is not None and occurrence.at > until:
            continue
        found = heapq.nsmallest(count, [*found, occurrence])
    return found


def latest(
    activity: ScheduledActivity, now: datetime, calendar: Calendar | None = None
) -> Occurrence | None:
    """The most recent occurrence made by ``now`` (what a scheduler that was down owes)."""
    cron = aws_cron.parse(activity.cron)
    first, _ = activity.period_instants()
    for count, scheduled in enumerate(
        aws_cron.times(cron, activity.time_zone, now + timedelta(microseconds=1), backward=True)
    ):
        if count >= MAX_SCAN or (first is not None and scheduled < first):
            return None
        occurrence = placed(activity, scheduled, calendar)
        if occurrence is not None and occurrence.at <= now:
            return occurrence
    return None
