"""Template routes (S12): admins keep them (versioned); agents read and apply them."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.domain.errors import ValidationError
from chalicelib.services import field_settings, inputs, template_use, templates

bp = Blueprint(__name__)


@endpoint(bp, "/api/admin/templates", ["GET"])
def admin_list(call: Call) -> dict[str, Any]:
    return {"items": templates.list_templates(call.svc, call.actor, include_disabled=True)}


@endpoint(bp, "/api/admin/templates", ["POST"], status=201)
def admin_create(call: Call) -> dict[str, Any]:
    item_id, body = inputs.new_item(call.body())
    return templates.save_template(call.svc, call.actor, item_id, body, create=True)


@endpoint(bp, "/api/admin/templates/{template_id}", ["GET"])
def admin_get(call: Call) -> dict[str, Any]:
    templates.list_templates(call.svc, call.actor, include_disabled=True)  # admins only
    return templates.get_template(call.svc, call.actor, call.params["template_id"])


@endpoint(bp, "/api/admin/templates/{template_id}", ["PUT"])
def admin_replace(call: Call) -> dict[str, Any]:
    return templates.save_template(
        call.svc, call.actor, call.params["template_id"], call.body(), create=False
    )


@endpoint(bp, "/api/admin/templates/{template_id}/copy", ["POST"], status=201)
def admin_copy(call: Call) -> dict[str, Any]:
    return templates.copy_template(call.svc, call.actor, call.params["template_id"], call.body())


@endpoint(bp, "/api/admin/templates/{template_id}/versions", ["GET"])
def admin_versions(call: Call) -> dict[str, Any]:
    return {"items": templates.list_versions(call.svc, call.actor, call.params["template_id"])}


@endpoint(bp, "/api/templates/{template_id}/versions/{version}", ["GET"])
def get_version(call: Call) -> dict[str, Any]:
    version = call.params["version"]
    if not (version.isascii() and version.isdigit() and len(version) <= 6):
        raise ValidationError("version must be a whole number")
    return templates.get_version(call.svc, call.actor, call.params["template_id"], int(version))


@endpoint(bp, "/api/templates", ["GET"])
def list_enabled(call: Call) -> dict[str, Any]:
    return {"items": templates.list_templates(call.svc, call.actor, include_disabled=False)}


@endpoint(bp, "/api/templates/{template_id}", ["GET"])
def get_template(call: Call) -> dict[str, Any]:
    return templates.get_template(call.svc, call.actor, call.params["template_id"])


@endpoint(bp, "/api/tickets/{ticket_id}/template", ["POST"])
def apply_template(call: Call) -> dict[str, Any]:
    ticket = template_use.apply_template(
        call.svc, call.actor, call.params["ticket_id"], call.body()
    )
    return ticket_json(ticket, call.svc.clock())


@endpoint(bp, "/api/tickets/{ticket_id}/guidance", ["GET"])
def guidance(call: Call) -> dict[str, Any]:
    return template_use.guidance(call.svc, call.actor, call.params["ticket_id"])


@endpoint(bp, "/api/tickets/{ticket_id}/steps", ["POST"])
def check_step(call: Call) -> dict[str, Any]:
    ticket = template_use.check_step(call.svc, call.actor, call.params["ticket_id"], call.body())
    return ticket_json(ticket, call.svc.clock())


@endpoint(bp, "/api/field-settings", ["GET"])
def get_field_settings(call: Call) -> dict[str, Any]:
    return field_settings.all_settings(call.svc)
