"""SLA targets on a ticket (S9, S12): when the first response and the resolution are due.

A template's targets are minutes. With the template's calendar they are minutes of its
opening hours (``calendars.add_open_minutes``): the clock stands still at night, at
weekends, on public holidays and closed dates. Without one they are elapsed minutes
(docs/architecture.md, "SLA").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.domain.calendars import Calendar, add_open_minutes, add_open_time
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.statuses import Priority, Status

# Statuses that may stop the SLA clock (S12), and those that do unless a setting says
# otherwise (per template, else in the general settings).
PAUSABLE = (Status.WITH_CONTACT, Status.WITH_EXTERNAL, Status.DORMANT, Status.DORMANT_UNTIL)
DEFAULT_PAUSING = tuple(s.value for s in PAUSABLE)
TARGETS = ("first_response", "resolution")


def check_pausing(value: object, what: str = "sla_pausing") -> list[str]:
    """The statuses that pause the clock: a list drawn from ``PAUSABLE`` (order kept as
    PAUSABLE has it, each once); an empty list pauses nothing."""
    allowed = [s.value for s in PAUSABLE]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{what} must be a list of statuses among {allowed}")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValidationError(f"{what} may name only {allowed}, not {unknown}")
    return [s for s in allowed if s in value]


def shift_due(due: datetime, paused: timedelta, calendar: Calendar | None) -> datetime:
    """A due time moved on by ``paused`` of the clock's time: open time in the calendar,
    else elapsed time. (A calendar with no open time ahead leaves it where it was.)"""
    if not paused:
        return due
    if calendar is None:
        return due + paused
    return add_open_time(calendar, due, paused) or due


class SlaState(StrEnum):
    NONE = "none"  # no target
    RUNNING = "running"  # targets set, none missed
    BREACHED = "breached"  # a target was missed (or is missed by now)


def due_times(
    sla: dict[str, Any],
    priority: Priority,
    start: datetime,
    calendar: Calendar | None = None,
) -> tuple[datetime | None, datetime | None]:
    """(first response due, resolution due) for a ticket of ``priority`` opened at ``start``.

    A target counts the ``calendar``'s open minutes when there is one (a calendar with no
    open time within ``calendars.HORIZON_DAYS`` gives no due time), else elapsed minutes.
    """

    def due(kind: str) -> datetime | None:
        minutes = (sla.get(kind) or {}).get(priority.value)
        if not minutes:
            return None
        if calendar is None:
            return start + timedelta(minutes=int(minutes))
        return add_open_minutes(calendar, start, int(minutes))

    return due("first_response"), due("resolution")


def sla_state(
    *,
    first_response_due: datetime | None,
    resolution_due: datetime | None,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    breached: bool,
    now: datetime,
    paused_since: datetime | None = None,
) -> SlaState:
    """While the clock is paused (S12) time stands still at ``paused_since``."""
    if first_response_due is None and resolution_due is None:
        return SlaState.NONE
    if paused_since is not None and paused_since < now:
        now = paused_since
    late_response = first_response_due is not None and (
        first_response_at is None and now > first_response_due
    )
    late_resolution = resolution_due is not None and resolved_at is None and now > resolution_due
    if breached or late_response or late_resolution:
        return SlaState.BREACHED
    return SlaState.RUNNING
