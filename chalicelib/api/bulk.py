"""Bulk work from any ticket list (issue 15): one change to many tickets, and its undo."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import ticket_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services.bulk import use_cases
from chalicelib.services.bulk.use_cases import Outcome
from chalicelib.services.live import reads

bp = Blueprint(__name__)


def _results(call: Call, outcomes: list[Outcome]) -> dict[str, Any]:
    now = call.svc.clock()
    # The user's own change does not make a row they had read bold again.
    reads.changed_by(call.svc, call.actor, [o.ticket for o in outcomes if o.ok and o.ticket])
    results = []
    for o in outcomes:
        row: dict[str, Any] = {"id": o.ticket_id, "ok": o.ok}
        if o.ticket is not None:
            row["number"] = o.ticket.number
            row["version"] = o.ticket.version
            row["ticket"] = ticket_json(o.ticket, now)
        if o.ok:
            row["before"] = o.before  # what an undo puts back
        else:
            row["error"] = o.error
            row["message"] = o.message
            if o.locked_by:
                row["locked_by"] = o.locked_by
        results.append(row)
    done = sum(1 for o in outcomes if o.ok)
    return {"results": results, "done": done, "refused": len(outcomes) - done}


@endpoint(bp, "/api/tickets/bulk", ["POST"])
def bulk_change(call: Call) -> dict[str, Any]:
    return _results(call, use_cases.bulk_change(call.svc, call.actor, call.body()))


@endpoint(bp, "/api/tickets/bulk/undo", ["POST"])
def bulk_undo(call: Call) -> dict[str, Any]:
    return _results(call, use_cases.undo(call.svc, call.actor, call.body()))
