"""Admin routes (role admin): response points, groups, users, ticket types,
custom fields and settings."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.routing import Call, endpoint
from chalicelib.domain.errors import NotFoundError
from chalicelib.services import admin, auth, directory, inputs, portal

bp = Blueprint(__name__)

# URL names -> config kinds
COLLECTIONS = {
    "response-points": directory.RESPONSE_POINT,
    "groups": directory.GROUP,
    "users": directory.USER,
    "ticket-types": directory.TICKET_TYPE,
    "custom-fields": directory.CUSTOM_FIELD,
    "menu-profiles": directory.MENU_PROFILE,
    "external-parties": directory.EXTERNAL_PARTY,
}


def _kind(call: Call) -> str:
    name = call.params["collection"]
    if name not in COLLECTIONS:
        raise NotFoundError(f"no admin collection {name!r}; use {sorted(COLLECTIONS)} or settings")
    return COLLECTIONS[name]


@endpoint(bp, "/api/admin/tickets/{ticket_id}/portal-links/revoke", ["POST"])
def revoke_portal_links(call: Call) -> dict[str, Any]:
    """Issue 10: every portal link of the ticket stops working (admin only)."""
    ticket = portal.revoke_links(call.svc, call.actor, call.params["ticket_id"])
    return {"ticket_id": ticket.id, "portal_generation": ticket.portal_generation}


@endpoint(bp, "/api/admin/users/{user_id}/sign-out", ["POST"])
def sign_out_everywhere(call: Call) -> dict[str, Any]:
    """Issue 10: every token the user holds stops working at once; they can log in again."""
    return auth.sign_out_everywhere(call.svc, call.actor, call.params["user_id"])


@endpoint(bp, "/api/admin/{collection}", ["GET"])
def list_items(call: Call) -> dict[str, Any]:
    if call.params["collection"] == "settings":
        return admin.get_settings(call.svc, call.actor)
    return {"items": admin.list_items(call.svc, call.actor, _kind(call))}


@endpoint(bp, "/api/admin/{collection}", ["PUT"])
def put_settings(call: Call) -> dict[str, Any]:
    if call.params["collection"] != "settings":
        raise NotFoundError("PUT a whole collection only for settings; use POST to add an item")
    return admin.put_settings(call.svc, call.actor, call.body())


@endpoint(bp, "/api/admin/{collection}", ["POST"], status=201)
def create_item(call: Call) -> dict[str, Any]:
    kind = _kind(call)
    item_id, body = inputs.new_item(call.body())
    return admin.put_item(call.svc, call.actor, kind, item_id, body, create=True)


@endpoint(bp, "/api/admin/{collection}/{item_id}", ["GET"])
def get_item(call: Call) -> dict[str, Any]:
    return admin.get_item(call.svc, call.actor, _kind(call), call.params["item_id"])


@endpoint(bp, "/api/admin/{collection}/{item_id}", ["PUT"])
def replace_item(call: Call) -> dict[str, Any]:
    return admin.put_item(
        call.svc, call.actor, _kind(call), call.params["item_id"], call.body(), create=False
    )


@endpoint(bp, "/api/admin/{collection}/{item_id}", ["DELETE"])
def delete_item(call: Call) -> dict[str, Any]:
    admin.delete_item(call.svc, call.actor, _kind(call), call.params["item_id"])
    return {"deleted": call.params["item_id"]}
