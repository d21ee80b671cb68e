"""Parent tickets (S10): a parent's children, linking and unlinking them, and resuming a
run over them (services/parent_tickets.py)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import inputs, parent_tickets

bp = Blueprint(__name__)


def _child(call: Call, ticket: Any) -> dict[str, Any]:
    shown = ticket_json(ticket, call.svc.clock())
    keys = ("id", "number", "title", "status", "priority", "agent_id", "group_id", "parent_id")
    return {k: shown.get(k) for k in keys}


@endpoint(bp, "/api/tickets/{ticket_id}/children", ["GET"])
def list_children(call: Call) -> dict[str, Any]:
    page, run = parent_tickets.list_children(
        call.svc,
        call.actor,
        call.params["ticket_id"],
        limit=inputs.limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    return {"items": [_child(call, t) for t in page.items], "cursor": page.cursor, "run": run}


@endpoint(bp, "/api/tickets/{ticket_id}/children", ["POST"])
def link_children(call: Call) -> dict[str, Any]:
    linked = parent_tickets.link_children(
        call.svc, call.actor, call.params["ticket_id"], call.body()
    )
    return {"items": [_child(call, t) for t in linked]}


@endpoint(bp, "/api/tickets/{ticket_id}/children/resume", ["POST"])
def resume_children(call: Call) -> dict[str, Any]:
    return {"run": parent_tickets.resume(call.svc, call.actor, call.params["ticket_id"])}


@endpoint(bp, "/api/tickets/{ticket_id}/children/{child_id}", ["DELETE"])
def unlink_child(call: Call) -> dict[str, Any]:
    child = parent_tickets.unlink_child(
        call.svc, call.actor, call.params["ticket_id"], call.params["child_id"]
    )
    return _child(call, child)
