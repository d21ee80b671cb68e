"""Ticket routes: intake by agents, reading, changing, notes, locks (S1, S4, S10, S17)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.present import event_json, events_json, ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import assignment, field_settings, inboxes, inputs, tickets
from chalicelib.services.live import reads

bp = Blueprint(__name__)


def _ticket(call: Call, ticket: Any) -> dict[str, Any]:
    return ticket_json(ticket, call.svc.clock())


@endpoint(bp, "/api/tickets", ["POST"], status=201)
def create_ticket(call: Call) -> dict[str, Any]:
    return _ticket(call, tickets.create_ticket(call.svc, call.actor, call.body()))


@endpoint(bp, "/api/tickets", ["GET"], etag=True)
def search_tickets(call: Call) -> dict[str, Any]:
    query = dict(call.query)
    cursor = query.pop("cursor", None)
    limit = inputs.limit(query.pop("limit", None))
    page = inboxes.search_tickets(call.svc, call.actor, query, limit=limit, cursor=cursor)
    items = reads.with_unread(call.svc, call.actor, [_ticket(call, t) for t in page.items])
    return {"items": items, "cursor": page.cursor}


@endpoint(bp, "/api/tickets/pick-next", ["POST"])
def pick_next(call: Call) -> dict[str, Any]:
    ticket = assignment.pick_next(call.svc, call.actor)
    return {"ticket": _ticket(call, ticket) if ticket else None}


@endpoint(bp, "/api/tickets/{ticket_id}", ["GET"])
def get_ticket(call: Call) -> Response:
    ticket, events = tickets.get_ticket(call.svc, call.actor, call.params["ticket_id"])
    reads.opened(call.svc, call.actor, ticket)  # issue 15: its list row is no longer bold
    hidden = field_settings.hidden_fields(call.svc, ticket.response_point_id)
    body = {**ticket_json(ticket, call.svc.clock(), hidden), "events": events_json(events, hidden)}
    import json

    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        headers={"Content-Type": "application/json; charset=utf-8", "ETag": f'"{ticket.version}"'},
    )


@endpoint(bp, "/api/tickets/{ticket_id}", ["PATCH"])
def update_ticket(call: Call) -> dict[str, Any]:
    ticket = tickets.update_ticket(
        call.svc, call.actor, call.params["ticket_id"], call.body(), if_match=call.if_match()
    )
    return _ticket(call, ticket)


@endpoint(bp, "/api/tickets/{ticket_id}/notes", ["POST"], status=201)
def add_note(call: Call) -> dict[str, Any]:
    return event_json(tickets.add_note(call.svc, call.actor, call.params["ticket_id"], call.body()))


@endpoint(bp, "/api/tickets/{ticket_id}/pick", ["POST"])
def pick(call: Call) -> dict[str, Any]:
    return _ticket(call, assignment.pick_ticket(call.svc, call.actor, call.params["ticket_id"]))


@endpoint(bp, "/api/tickets/{ticket_id}/release", ["POST"])
def release(call: Call) -> dict[str, Any]:
    return _ticket(call, assignment.release_ticket(call.svc, call.actor, call.params["ticket_id"]))


@endpoint(bp, "/api/tickets/{ticket_id}/reopen", ["POST"])
def reopen(call: Call) -> dict[str, Any]:
    return _ticket(
        call, tickets.reopen_ticket(call.svc, call.actor, call.params["ticket_id"], call.body())
    )


@endpoint(bp, "/api/dispatcher/assign", ["POST"])
def dispatcher_assign(call: Call) -> dict[str, Any]:
    done = assignment.assign_tickets(call.svc, call.actor, call.body())
    return {"items": [_ticket(call, t) for t in done]}


@endpoint(bp, "/api/inboxes", ["GET"], etag=True)
def list_inboxes(call: Call) -> dict[str, Any]:
    return {"items": [vars(s) for s in inboxes.my_inboxes(call.svc, call.actor)]}


@endpoint(bp, "/api/inboxes/{inbox_id}/tickets", ["GET"], etag=True)
def inbox_tickets(call: Call) -> dict[str, Any]:
    page = inboxes.inbox_page(
        call.svc,
        call.actor,
        call.params["inbox_id"],
        limit=inputs.limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    items = reads.with_unread(call.svc, call.actor, [_ticket(call, t) for t in page.items])
    return {"items": items, "cursor": page.cursor}
