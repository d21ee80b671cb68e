"""Scheduled activities' timers on EventBridge Scheduler: one schedule per activity.

Each schedule lives in the stack's schedule group, is named by the activity's id, and runs
the activity's cron in its time zone (``ScheduleExpressionTimezone``) between its first and
last day (``StartDate``/``EndDate``), ENABLED or DISABLED as the activity is. Its target is
the ``scheduled_activity`` function, invoked by the Scheduler's role with the input
``{"activity_id": ..., "scheduled": "<aws.scheduler.scheduled-time>"}``: Scheduler fills in
the occurrence's time, the same on a repeated delivery, and firing is idempotent on it.

An occurrence moved to the next open day gets a one-off ``at()`` schedule named by the
activity and the occurrence, deleted by Scheduler once it has run; arming it twice hits
``ConflictException``, which is fine.
Every failure of the Scheduler API is UnavailableError (503): the caller may try again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.schedules import ScheduledActivity
from chalicelib.domain.timefmt import iso
from chalicelib.services.ports import Scheduler

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
# Delivery is retried for up to an hour; later than that an occurrence is not made.
RETRY_POLICY = {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 20}


class EventBridgeScheduler(Scheduler):
    def __init__(
        self,
        client: Callable[[], Any],
        *,
        group: str,
        target_arn: str,
        role_arn: str,
        dead_letter_arn: str = "",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._clock = clock
        self._client_factory = client
        self._client: Any = None
        self._group = group
        self._target_arn = target_arn
        self._role_arn = role_arn
        self._dead_letter_arn = dead_letter_arn  # SQS: what the retry policy gave up on

    @property
    def client(self) -> Any:
        if self._client is None:  # made on first use: most requests never touch a timer
            self._client = self._client_factory()
        return self._client

    def schedule_request(self, activity: ScheduledActivity) -> dict[str, Any]:
        """The full CreateSchedule/UpdateSchedule request for the activity."""
        first, end = activity.period_instants()
        now = self._clock()
        over = end is not None and end <= now
        request: dict[str, Any] = {
            "Name": activity.id,
            "GroupName": self._group,
            "ScheduleExpression": activity.cron,
            "ScheduleExpressionTimezone": activity.time_zone,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            # A period that has ended: Scheduler takes no EndDate in the past, so the
            # schedule is disabled instead.
            "State": "ENABLED" if activity.enabled and not over else "DISABLED",
            "Description": activity.name[:512],
            "Target": self._target({"activity_id": activity.id, "scheduled": SCHEDULED_TIME}),
        }
        # Scheduler refuses a StartDate more than 5 minutes ago: a period that has begun
        # needs none (firing checks the period anyway).
        if first is not None and first > now:
            request["StartDate"] = first
        if end is not None and not over:
            request["EndDate"] = end
        return request

    def _target(self, payload: dict[str, str]) -> dict[str, Any]:
        target: dict[str, Any] = {
            "Arn": self._target_arn,
            "RoleArn": self._role_arn,
            "Input": json.dumps(payload),
            "RetryPolicy": RETRY_POLICY,
        }
        if self._dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self._dead_letter_arn}
        return target

    def put(self, activity: ScheduledActivity) -> None:
        request = self.schedule_request(activity)
        try:
            try:
                self.client.update_schedule(**request)
            except ClientError as error:
                if _code(error) != "ResourceNotFoundException":
                    raise
                self.client.create_schedule(**request)
        except (ClientError, BotoCoreError) as error:
            raise UnavailableError(f"EventBridge Scheduler: {error}") from None

    def delete(self, activity_id: str) -> None:
        try:
            self.client.delete_schedule(Name=activity_id, GroupName=self._group)
        except ClientError as error:
            if _code(error) != "ResourceNotFoundException":
                raise UnavailableError(f"EventBridge Scheduler: {error}") from None
        except BotoCoreError as error:
            raise UnavailableError(f"EventBridge Scheduler: {error}") from None

    def put_once(self, activity_id: str, scheduled: datetime, at: datetime) -> None:
        utc = at.astimezone(UTC)
        name = f"{activity_id}-{scheduled.astimezone(UTC).strftime('%Y%m%dT%H%M')}"[:64]
        request = {
            "Name": name,
            "GroupName": self._group,
            "ScheduleExpression": f"at({utc.strftime('%Y-%m-%dT%H:%M:%S')})",
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            # The original scheduled time: the occurrence keeps its name when moved.
            "Target": self._target({"activity_id": activity_id, "scheduled": iso(scheduled)}),
        }
        try:
            self.client.create_schedule(**request)
        except ClientError as error:
            if _code(error) != "ConflictException":
                raise UnavailableError(f"EventBridge Scheduler: {error}") from None
        except BotoCoreError as error:
            raise UnavailableError(f"EventBridge Scheduler: {error}") from None


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
