"""CRM routes for customer organisations (issue 14, S19): search, create, the card, edit."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import contact_json, organisation_json, ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import inputs
from chalicelib.services.crm import organisations

bp = Blueprint(__name__)


@endpoint(bp, "/api/organisations", ["GET"])
def search_organisations(call: Call) -> dict[str, Any]:
    q = call.query
    page = organisations.search(
        call.svc, q.get("q", ""), limit=inputs.limit(q.get("limit")), cursor=q.get("cursor")
    )
    return {"items": [organisation_json(o) for o in page.items], "cursor": page.cursor}


@endpoint(bp, "/api/organisations", ["POST"], status=201)
def create_organisation(call: Call) -> dict[str, Any]:
    return organisation_json(organisations.create(call.svc, call.body()))


@endpoint(bp, "/api/organisations/{organisation_id}", ["GET"])
def get_organisation(call: Call) -> dict[str, Any]:
    card = organisations.card(
        call.svc,
        call.actor,
        call.params["organisation_id"],
        contacts_cursor=call.query.get("contacts_cursor"),
        tickets_cursor=call.query.get("tickets_cursor"),
    )
    now = call.svc.clock()
    return {
        **organisation_json(card.organisation),
        "contacts": [contact_json(c) for c in card.contacts.items],
        "contacts_cursor": card.contacts.cursor,
        "tickets": [ticket_json(t, now) for t in card.tickets.items],
        "tickets_cursor": card.tickets.cursor,
    }


@endpoint(bp, "/api/organisations/{organisation_id}", ["PATCH"])
def update_organisation(call: Call) -> dict[str, Any]:
    org = organisations.update(
        call.svc, call.params["organisation_id"], call.body(), if_match=call.if_match()
    )
    return organisation_json(org)
