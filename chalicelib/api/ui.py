"""Routes for the agent UI (issue 4): the names and shapes its forms are drawn from."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import inputs, ui
from chalicelib.services.live import reads

bp = Blueprint(__name__)


@endpoint(bp, "/api/ui/directory", ["GET"])
def directory(call: Call) -> dict[str, Any]:
    return ui.ui_directory(call.svc, call.actor)


@endpoint(bp, "/api/ui/inboxes/{inbox_id}/tickets", ["GET"], etag=True)
def inbox_tickets(call: Call) -> dict[str, Any]:
    page = ui.inbox_page_with_contacts(
        call.svc,
        call.actor,
        call.params["inbox_id"],
        limit=inputs.limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    now = call.svc.clock()
    return {
        "items": reads.with_unread(
            call.svc, call.actor, [ticket_json(t, now) for t in page.tickets]
        ),
        "cursor": page.cursor,
        "contacts": page.contact_names,
    }
