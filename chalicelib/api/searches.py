"""Search routes (S14, S16): ad-hoc and saved searches, CSV export, and the quick menu."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from chalice.app import Blueprint, Response

from chalicelib.api.present import ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.domain.ticket import Ticket
from chalicelib.services import inputs, menus, saved_searches, search
from chalicelib.services.ports import Page

bp = Blueprint(__name__)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _page(call: Call, page: Page[Ticket]) -> dict[str, Any]:
    now = call.svc.clock()
    return {"items": [ticket_json(t, now) for t in page.items], "cursor": page.cursor}


def _csv(name: str, text: str) -> Response:
    ascii_name = _UNSAFE_NAME.sub("_", name).strip("_") or "tickets"
    return Response(
        body=text,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}.csv\"; filename*=UTF-8''{quote(name)}.csv"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@endpoint(bp, "/api/tickets/search", ["POST"])
def search_tickets(call: Call) -> dict[str, Any]:
    return _page(call, search.search_tickets(call.svc, call.actor, call.body()))


@endpoint(bp, "/api/tickets/search/export", ["POST"])
def export_search(call: Call) -> Response:
    criteria = search.parse_criteria(call.svc, inputs.require_object(call.body()))
    return _csv("tickets", search.export_csv(call.svc, call.actor, criteria))


@endpoint(bp, "/api/saved-searches", ["GET"])
def list_saved(call: Call) -> dict[str, Any]:
    return {"items": saved_searches.list_searches(call.svc, call.actor)}


@endpoint(bp, "/api/saved-searches", ["POST"], status=201)
def create_saved(call: Call) -> dict[str, Any]:
    return saved_searches.create_search(call.svc, call.actor, call.body())


@endpoint(bp, "/api/saved-searches/{search_id}", ["GET"])
def get_saved(call: Call) -> dict[str, Any]:
    return saved_searches.get_search(call.svc, call.actor, call.params["search_id"])


@endpoint(bp, "/api/saved-searches/{search_id}", ["PUT"])
def update_saved(call: Call) -> dict[str, Any]:
    return saved_searches.update_search(call.svc, call.actor, call.params["search_id"], call.body())


@endpoint(bp, "/api/saved-searches/{search_id}", ["DELETE"])
def delete_saved(call: Call) -> dict[str, Any]:
    saved_searches.delete_search(call.svc, call.actor, call.params["search_id"])
    return {"deleted": call.params["search_id"]}


@endpoint(bp, "/api/saved-searches/{search_id}/tickets", ["GET"])
def open_saved(call: Call) -> dict[str, Any]:
    page = saved_searches.open_search(
        call.svc,
        call.actor,
        call.params["search_id"],
        limit=inputs.limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    return _page(call, page)


@endpoint(bp, "/api/saved-searches/{search_id}/export", ["GET"])
def export_saved(call: Call) -> Response:
    name, text = saved_searches.export_search(call.svc, call.actor, call.params["search_id"])
    return _csv(name, text)


@endpoint(bp, "/api/me/menu", ["GET"])
def my_menu(call: Call) -> dict[str, Any]:
    return menus.my_menu(call.svc, call.actor)
