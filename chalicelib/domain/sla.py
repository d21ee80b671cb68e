"""SLA targets on a ticket (S9, S12): when the first response and the resolution are due.

The clock runs in elapsed time: opening-hour calendars are named by templates
but their maths comes with the SLA issue (docs/architecture.md, "SLA").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.domain.statuses import Priority


class SlaState(StrEnum):
    NONE = "none"  # no target
    RUNNING = "running"  # targets set, none missed
    BREACHED = "breached"  # a target was missed (or is missed by now)


def due_times(
    sla: dict[str, Any], priority: Priority, start: datetime
) -> tuple[datetime | None, datetime | None]:
    """(first response due, resolution due) for a ticket of ``priority`` opened at ``start``."""

    def due(kind: str) -> datetime | None:
        minutes = (sla.get(kind) or {}).get(priority.value)
        return start + timedelta(minutes=int(minutes)) if minutes else None

    return due("first_response"), due("resolution")


def sla_state(
    *,
    first_response_due: datetime | None,
    resolution_due: datetime | None,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    breached: bool,
    now: datetime,
) -> SlaState:
    if first_response_due is None and resolution_due is None:
        return SlaState.NONE
    late_response = first_response_due is not None and (
        first_response_at is None and now > first_response_due
    )
    late_resolution = resolution_due is not None and resolved_at is None and now > resolution_due
    if breached or late_response or late_resolution:
        return SlaState.BREACHED
    return SlaState.RUNNING
