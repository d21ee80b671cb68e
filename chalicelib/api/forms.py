"""Web forms, for admins (S1): ``GET|POST /api/admin/forms``,
``GET|PUT|DELETE /api/admin/forms/{form_id}``. The public pages are in ``form_pages``."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.routing import Call, endpoint
from chalicelib.services.forms import admin

bp = Blueprint(__name__)


@endpoint(bp, "/api/admin/forms", ["GET"])
def list_forms(call: Call) -> dict[str, Any]:
    return {"items": admin.list_forms(call.svc, call.actor)}


@endpoint(bp, "/api/admin/forms", ["POST"], status=201)
def create_form(call: Call) -> dict[str, Any]:
    return admin.save_form(call.svc, call.actor, None, call.body(), create=True)


@endpoint(bp, "/api/admin/forms/{form_id}", ["GET"])
def get_form(call: Call) -> dict[str, Any]:
    return admin.get_form(call.svc, call.actor, call.params["form_id"])


@endpoint(bp, "/api/admin/forms/{form_id}", ["PUT"])
def replace_form(call: Call) -> dict[str, Any]:
    return admin.save_form(call.svc, call.actor, call.params["form_id"], call.body(), create=False)


@endpoint(bp, "/api/admin/forms/{form_id}", ["DELETE"])
def delete_form(call: Call) -> dict[str, Any]:
    admin.delete_form(call.svc, call.actor, call.params["form_id"])
    return {"deleted": call.params["form_id"]}
