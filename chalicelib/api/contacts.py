"""CRM routes (S19): contact cards and every ticket of a contact."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import contact_json, ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import contacts, inputs
from chalicelib.services.crm import merge

bp = Blueprint(__name__)


@endpoint(bp, "/api/contacts", ["GET"])
def list_contacts(call: Call) -> dict[str, Any]:
    q = call.query
    page = contacts.find_contacts(
        call.svc,
        email=q.get("email"),
        phone=q.get("phone"),
        name=q.get("name"),
        limit=inputs.limit(q.get("limit")),
        cursor=q.get("cursor"),
    )
    return {"items": [contact_json(c) for c in page.items], "cursor": page.cursor}


@endpoint(bp, "/api/contacts", ["POST"], status=201)
def create_contact(call: Call) -> dict[str, Any]:
    return contact_json(contacts.create_contact(call.svc, call.body()))


@endpoint(bp, "/api/contacts/{contact_id}", ["GET"])
def get_contact(call: Call) -> dict[str, Any]:
    contact = call.svc.contacts.get(call.params["contact_id"])
    page = contacts.contact_tickets(
        call.svc, call.actor, contact.id, cursor=call.query.get("cursor")
    )
    now = call.svc.clock()
    return {
        **contact_json(contact),
        "tickets": [ticket_json(t, now) for t in page.items],
        "tickets_cursor": page.cursor,
    }


@endpoint(bp, "/api/contacts/{contact_id}", ["PATCH"])
def update_contact(call: Call) -> dict[str, Any]:
    contact = contacts.update_contact(
        call.svc,
        call.params["contact_id"],
        call.body(),
        if_match=call.if_match(),
        actor=call.actor,
    )
    return contact_json(contact)


# --- issue 14: duplicates and merging ------------------------------------------------
@endpoint(bp, "/api/contacts/{contact_id}/duplicates", ["GET"])
def contact_duplicates(call: Call) -> dict[str, Any]:
    found = merge.duplicates(call.svc, call.params["contact_id"])
    return {"items": [{**contact_json(d.contact), "reasons": list(d.reasons)} for d in found]}


@endpoint(bp, "/api/contacts/{contact_id}/merge", ["POST"])
def merge_contact(call: Call) -> dict[str, Any]:
    body = inputs.require_object(call.body())
    inputs.only_keys(body, {"into"})
    result = merge.merge(call.svc, call.actor, call.params["contact_id"], body.get("into", ""))
    return {"kept": contact_json(result.kept), "moved_tickets": result.moved}
