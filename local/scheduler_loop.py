"""The local stack's timer for scheduled activities: moto's EventBridge Scheduler keeps
schedules but never fires them, so this thread does, through the same service the
``scheduled_activity`` function calls (``services/schedule_firing.fire``).

Every ``interval`` seconds it reads the enabled activities from Config (one Query) and fires
each occurrence made since the last check, up to now. The instant it checked up to is kept
in Lookups (``schedloop#checked``), so after a restart (``make run`` again) it knows what
fell due while the stack was down, and makes only the most recent of those per activity:
nobody wants 600 tickets after a weekend off. A first start ever catches up nothing.
Firing is idempotent, so an occurrence fired before a crash is not made twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.records import from_record
from chalicelib.domain.schedules import Occurrence, ScheduledActivity, latest, occurrences
from chalicelib.domain.timefmt import iso, parse_iso
from chalicelib.services import schedule_firing, schedules
from chalicelib.services.context import Services
from chalicelib.services.schedule_firing import Fired

log = logging.getLogger("servit.schedules")

THREAD_NAME = "scheduler-loop"
CHECKED_KEY = "schedloop#checked"
# A gap longer than this since the last check is a catch-up: the latest occurrence only.
CATCH_UP_AFTER = timedelta(minutes=1)
MAX_PER_TICK = 100


class SchedulerLoop:
    def __init__(self, svc: Services, *, clock: Callable[[], datetime] | None = None) -> None:
        self._svc = svc
        self._clock = clock or svc.clock
        stored = svc.lookups.get(CHECKED_KEY)
        self.checked = parse_iso(stored) if stored else self._clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[Fired]:
        """Fire what fell due since the last check; returns what each firing did."""
        now = self._clock()
        catching_up = now - self.checked > CATCH_UP_AFTER
        fired = []
        for record in self._svc.config.list(schedules.SCHEDULED_ACTIVITY):
            try:
                activity = from_record(ScheduledActivity, record)
            except ValidationError:
                continue
            if not activity.enabled:
                continue
            for occurrence in self._due(activity, now, catching_up=catching_up):
                try:
                    fired.append(schedule_firing.fire(self._svc, activity.id, occurrence.scheduled))
                except Exception:  # one activity's failure holds up no other
                    log.exception("firing %s at %s failed", activity.id, iso(occurrence.at))
        self.checked = now
        self._svc.lookups.put(CHECKED_KEY, iso(now))
        return fired

    def _due(
        self, activity: ScheduledActivity, now: datetime, *, catching_up: bool
    ) -> list[Occurrence]:
        calendar = schedules.calendar_of(self._svc, activity)
        if catching_up:
            last = latest(activity, now, calendar)
            return [last] if last is not None and last.at > self.checked else []
        return occurrences(activity, self.checked, MAX_PER_TICK, calendar, until=now)

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.tick()
            except Exception:  # DynamoDB Local busy or restarting: try again next time
                log.exception("scheduler loop tick failed")

    def start(self, interval: float = 5.0) -> None:
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name=THREAD_NAME, daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)


def start(svc: Services, interval: float = 5.0) -> SchedulerLoop:
    loop = SchedulerLoop(svc)
    loop.start(interval)
    return loop
