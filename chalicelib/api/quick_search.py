"""The top-bar search (issue 15): ``GET /api/search?q=…&limit=…``.

Grouped answer: ``tickets`` (only those the user may see), ``contacts``, ``organisations``,
each with what a result row shows, and ``more`` per group (there were more hits than
``limit``). An empty or too long ``q``, or a bad ``limit``: 400 with a JSON body.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.routing import Call, endpoint
from chalicelib.services.search_index import finding

bp = Blueprint(__name__)


@endpoint(bp, "/api/search", ["GET"])
def search(call: Call) -> dict[str, Any]:
    limit = finding.check_limit(call.query.get("limit"))
    found = finding.search(call.svc, call.actor, call.query.get("q") or "", limit=limit)
    return {
        "tickets": [
            {
                "id": t.id,
                "number": t.number,
                "title": t.title,
                "status": t.status.value,
                "priority": t.priority.value,
                "updated_at": t.updated_at.isoformat(),
            }
            for t in found.tickets
        ],
        "contacts": found.contacts,
        "organisations": found.organisations,
        "more": found.more,
    }
