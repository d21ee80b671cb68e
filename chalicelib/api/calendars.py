"""Calendar routes (admins, S12): opening hours, time zone and holidays that templates name."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.routing import Call, endpoint
from chalicelib.services import calendars, inputs

bp = Blueprint(__name__)


@endpoint(bp, "/api/admin/calendars", ["GET"])
def list_calendars(call: Call) -> dict[str, Any]:
    """The calendars, and what the form may choose from (time zones, holiday countries)."""
    return {
        "items": calendars.list_calendars(call.svc, call.actor),
        **calendars.choices(call.svc, call.actor),
    }


@endpoint(bp, "/api/admin/calendars", ["POST"], status=201)
def create_calendar(call: Call) -> dict[str, Any]:
    calendar_id, body = inputs.new_item(call.body())
    return calendars.save_calendar(call.svc, call.actor, calendar_id, body, create=True)


@endpoint(bp, "/api/admin/calendars/{calendar_id}", ["GET"])
def get_calendar(call: Call) -> dict[str, Any]:
    return calendars.get_calendar(call.svc, call.actor, call.params["calendar_id"])


@endpoint(bp, "/api/admin/calendars/{calendar_id}", ["PUT"])
def replace_calendar(call: Call) -> dict[str, Any]:
    return calendars.save_calendar(
        call.svc, call.actor, call.params["calendar_id"], call.body(), create=False
    )


@endpoint(bp, "/api/admin/calendars/{calendar_id}", ["DELETE"])
def delete_calendar(call: Call) -> dict[str, Any]:
    calendars.delete_calendar(call.svc, call.actor, call.params["calendar_id"])
    return {"deleted": call.params["calendar_id"]}
