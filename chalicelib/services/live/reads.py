"""Unread list rows (issue 15): a row is unread when the user has never opened its ticket,
or the ticket changed since the version they last opened.

Opening a ticket (GET /api/tickets/{id}) records its version; a list page fetches the
markers of its rows in one batch (``ReadMarkers.versions``: one BatchGetItem), never one
read per row. A change the user made themselves moves the version too; the UI opens the
ticket again after such a change, which records the new version, and a bulk change from a
list keeps the rows the user had read at the version before it read (``changed_by``)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services

logger = Logger(service="servit-live")


def opened(svc: Services, actor: User, ticket: Ticket) -> None:
    """The user has the ticket open at this version (best effort: a failure only leaves
    the row bold)."""
    if svc.read_markers is None:
        return
    try:
        svc.read_markers.seen(actor.id, ticket.id, ticket.version)
    except Exception:
        logger.exception("read marker not written", extra={"ticket_id": ticket.id})


def with_unread(svc: Services, actor: User, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (ticket JSON with "id" and "version"), each with ``unread`` set."""
    if svc.read_markers is None or not rows:
        return rows
    seen: dict[str, int] = {}
    ids = [str(r["id"]) for r in rows]
    for start in range(0, len(ids), 100):  # BatchGetItem takes 100 keys
        seen.update(svc.read_markers.versions(actor.id, ids[start : start + 100]))
    for row in rows:
        row["unread"] = seen.get(str(row["id"]), -1) < int(row["version"])
    return rows


def changed_by(svc: Services, actor: User, tickets: list[Ticket]) -> None:
    """The user changed these tickets themselves (bulk work from a list, one save each): a
    row they had read just before stays read; one they had not read stays bold. One batch
    read per 100 tickets, one marker write per ticket kept read."""
    if svc.read_markers is None or not tickets:
        return
    try:
        seen: dict[str, int] = {}
        ids = [t.id for t in tickets]
        for start in range(0, len(ids), 100):
            seen.update(svc.read_markers.versions(actor.id, ids[start : start + 100]))
        for ticket in tickets:
            if seen.get(ticket.id, -1) >= ticket.version - 1:
                svc.read_markers.seen(actor.id, ticket.id, ticket.version)
    except Exception:
        logger.exception("read markers not kept after a bulk change")
