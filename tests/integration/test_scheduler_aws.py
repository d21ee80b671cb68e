"""Scheduled activities' timers on EventBridge Scheduler under moto: one schedule per
activity, created, updated and deleted with the expression, zone, period, state and the
target input that carries Scheduler's scheduled time; and the timer function it invokes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.scheduler_aws import EventBridgeScheduler
from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.schedules import ScheduledActivity

REGION = "eu-north-1"
GROUP = "servit-test"
TARGET = f"arn:aws:lambda:{REGION}:123456789012:function:servit-test-scheduled_activity"
ROLE = "arn:aws:iam::123456789012:role/servit-test-scheduler"


@pytest.fixture
def client() -> Iterator[Any]:
    with mock_aws():
        scheduler = boto3.client("scheduler", region_name=REGION)
        scheduler.create_schedule_group(Name=GROUP)
        yield scheduler


@pytest.fixture
def timers(client: Any) -> EventBridgeScheduler:
    return EventBridgeScheduler(lambda: client, group=GROUP, target_arn=TARGET, role_arn=ROLE)


def activity(**fields: Any) -> ScheduledActivity:
    base: dict[str, Any] = {
        "id": "backup", "name": "Backupkontroll", "template_id": "faktura",
        "title": "Backup {date}", "cron": "cron(0 9 ? * MON-FRI *)",
        "time_zone": "Europe/Stockholm",
    }  # fmt: skip
    return ScheduledActivity(**{**base, **fields})


def test_an_activity_gets_one_schedule_with_its_cron_zone_period_and_target(
    client: Any, timers: EventBridgeScheduler
) -> None:
    timers.put(activity(starts="2099-06-01", ends="2099-06-30"))

    schedule = client.get_schedule(Name="backup", GroupName=GROUP)
    assert schedule["ScheduleExpression"] == "cron(0 9 ? * MON-FRI *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Stockholm"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["State"] == "ENABLED"
    # Midnight in Stockholm (summer time) at both ends, the end exclusive
    assert schedule["StartDate"].astimezone(UTC) == datetime(2099, 5, 31, 22, tzinfo=UTC)
    assert schedule["EndDate"].astimezone(UTC) == datetime(2099, 6, 30, 22, tzinfo=UTC)
    target = schedule["Target"]
    assert (target["Arn"], target["RoleArn"]) == (TARGET, ROLE)
    assert json.loads(target["Input"]) == {
        "activity_id": "backup",
        "scheduled": "<aws.scheduler.scheduled-time>",
    }


def test_a_change_updates_the_same_schedule_and_a_delete_removes_it(
    client: Any, timers: EventBridgeScheduler
) -> None:
    timers.put(activity())
    timers.put(activity(cron="cron(30 7 ? * 2 *)", time_zone="UTC", enabled=False))

    schedules = client.list_schedules(GroupName=GROUP)["Schedules"]
    assert [s["Name"] for s in schedules] == ["backup"]
    schedule = client.get_schedule(Name="backup", GroupName=GROUP)
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == (
        "cron(30 7 ? * 2 *)", "UTC",
    )  # fmt: skip
    assert schedule["State"] == "DISABLED"

    timers.delete("backup")
    assert client.list_schedules(GroupName=GROUP)["Schedules"] == []
    timers.delete("backup")  # gone already: fine


def test_a_moved_occurrence_gets_one_one_off_schedule_carrying_its_scheduled_time(
    client: Any, timers: EventBridgeScheduler
) -> None:
    saturday = datetime(2026, 6, 6, 7, tzinfo=UTC)
    monday = datetime(2026, 6, 8, 7, tzinfo=UTC)
    timers.put_once("backup", saturday, monday)
    timers.put_once("backup", saturday, monday)  # a repeated delivery arms nothing more

    schedule = client.get_schedule(Name="backup-20260606T0700", GroupName=GROUP)
    assert schedule["ScheduleExpression"] == "at(2026-06-08T07:00:00)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert json.loads(schedule["Target"]["Input"]) == {
        "activity_id": "backup",
        "scheduled": "2026-06-06T07:00:00.000000Z",
    }


def test_a_period_under_way_sends_no_start_and_one_that_has_ended_disables_the_schedule(
    client: Any,
) -> None:
    now = datetime(2026, 6, 15, 12, tzinfo=UTC)
    timers = EventBridgeScheduler(
        lambda: client, group=GROUP, target_arn=TARGET, role_arn=ROLE, clock=lambda: now
    )
    running = timers.schedule_request(activity(starts="2026-06-01", ends="2026-06-30"))
    assert "StartDate" not in running and running["State"] == "ENABLED"
    assert running["EndDate"] == datetime(2026, 6, 30, 22, tzinfo=UTC)
    ended = timers.schedule_request(activity(starts="2026-05-01", ends="2026-05-31"))
    assert "EndDate" not in ended and ended["State"] == "DISABLED"


def test_a_scheduler_that_refuses_is_unavailable_to_the_caller(client: Any) -> None:
    from botocore.stub import Stubber

    timers = EventBridgeScheduler(lambda: client, group=GROUP, target_arn=TARGET, role_arn=ROLE)
    with Stubber(client) as stub:
        stub.add_client_error("update_schedule", "ThrottlingException")
        with pytest.raises(UnavailableError):
            timers.put(activity())
        stub.add_client_error("delete_schedule", "InternalServerException")
        with pytest.raises(UnavailableError):
            timers.delete("backup")
