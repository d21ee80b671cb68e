"""Trigger routes (admins, S7): CRUD, and the dry run on a sample."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.routing import Call, endpoint
from chalicelib.services.triggers import admin as triggers

bp = Blueprint(__name__)


@endpoint(bp, "/api/admin/triggers", ["GET"])
def list_triggers(call: Call) -> dict[str, Any]:
    return {"items": triggers.list_triggers(call.svc, call.actor)}


@endpoint(bp, "/api/admin/triggers", ["POST"], status=201)
def create_trigger(call: Call) -> dict[str, Any]:
    return triggers.save_trigger(call.svc, call.actor, None, call.body(), create=True)


@endpoint(bp, "/api/admin/triggers/test", ["POST"])
def test_triggers(call: Call) -> dict[str, Any]:
    return triggers.test_triggers(call.svc, call.actor, call.body())


@endpoint(bp, "/api/admin/triggers/{trigger_id}", ["GET"])
def get_trigger(call: Call) -> dict[str, Any]:
    return triggers.get_trigger(call.svc, call.actor, call.params["trigger_id"])


@endpoint(bp, "/api/admin/triggers/{trigger_id}", ["PUT"])
def replace_trigger(call: Call) -> dict[str, Any]:
    return triggers.save_trigger(
        call.svc, call.actor, call.params["trigger_id"], call.body(), create=False
    )


@endpoint(bp, "/api/admin/triggers/{trigger_id}", ["DELETE"])
def delete_trigger(call: Call) -> dict[str, Any]:
    triggers.delete_trigger(call.svc, call.actor, call.params["trigger_id"])
    return {"deleted": call.params["trigger_id"]}
