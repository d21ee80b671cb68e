"""Scheduled activities (admins, S1): routes, and the ``scheduled_activity`` function that
every activity's timer (EventBridge Scheduler) invokes. The local stack's loop calls the same
service (``local/scheduler_loop.py``)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib import bootstrap
from chalicelib.api import observability
from chalicelib.api.routing import Call, endpoint
from chalicelib.domain.timefmt import parse_iso
from chalicelib.services import schedule_firing, schedules

bp = Blueprint(__name__)


@endpoint(bp, "/api/admin/schedules", ["GET"])
def list_schedules(call: Call) -> dict[str, Any]:
    return {"items": schedules.list_activities(call.svc, call.actor)}


@endpoint(bp, "/api/admin/schedules", ["POST"], status=201)
def create_schedule(call: Call) -> dict[str, Any]:
    return schedules.save_activity(call.svc, call.actor, None, call.body(), create=True)


@endpoint(bp, "/api/admin/schedules/{schedule_id}", ["GET"])
def get_schedule(call: Call) -> dict[str, Any]:
    return schedules.get_activity(call.svc, call.actor, call.params["schedule_id"])


@endpoint(bp, "/api/admin/schedules/{schedule_id}", ["PUT"])
def replace_schedule(call: Call) -> dict[str, Any]:
    return schedules.save_activity(
        call.svc, call.actor, call.params["schedule_id"], call.body(), create=False
    )


@endpoint(bp, "/api/admin/schedules/{schedule_id}", ["DELETE"])
def delete_schedule(call: Call) -> dict[str, Any]:
    schedules.delete_activity(call.svc, call.actor, call.params["schedule_id"])
    return {"deleted": call.params["schedule_id"]}


@endpoint(bp, "/api/admin/schedules/{schedule_id}/occurrences", ["GET"])
def schedule_occurrences(call: Call) -> dict[str, Any]:
    return schedules.upcoming(
        call.svc, call.actor, call.params["schedule_id"], call.query.get("count")
    )


@bp.lambda_function(name="scheduled_activity")
def scheduled_activity(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event)


observability.instrument(scheduled_activity)


def handle(event: Any) -> dict[str, Any]:
    """The timer's input: ``{"activity_id": ..., "scheduled": "<aws.scheduler.scheduled-time>"}``
    (the time Scheduler fills in, the same on every delivery of one occurrence)."""
    if not isinstance(event, dict) or not isinstance(event.get("activity_id"), str):
        raise ValueError("a scheduled activity's event names its activity_id and scheduled time")
    fired = schedule_firing.fire(
        bootstrap.services(), event["activity_id"], parse_iso(str(event.get("scheduled")))
    )
    return {"outcome": fired.outcome, "ticket_id": fired.ticket_id}
