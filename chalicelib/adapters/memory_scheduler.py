"""The Scheduler port in memory, for tests: what it was told, and a switch to fail."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.schedules import ScheduledActivity
from chalicelib.services.ports import Scheduler


class RecordingScheduler(Scheduler):
    def __init__(self) -> None:
        self.timers: dict[str, ScheduledActivity] = {}
        self.once: dict[tuple[str, datetime], datetime] = {}
        self.failing = False  # every call raises UnavailableError, as an outage would

    def _check(self) -> None:
        if self.failing:
            raise UnavailableError("the scheduler is down")

    def put(self, activity: ScheduledActivity) -> None:
        self._check()
        self.timers[activity.id] = activity

    def delete(self, activity_id: str) -> None:
        self._check()
        self.timers.pop(activity_id, None)

    def put_once(self, activity_id: str, scheduled: datetime, at: datetime) -> None:
        self._check()
        self.once.setdefault((activity_id, scheduled), at)
