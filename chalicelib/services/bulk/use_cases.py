"""Bulk change and its undo: ``POST /api/tickets/bulk`` and ``/api/tickets/bulk/undo``.

Requests: the tickets are read in one BatchGetItem (not one GetItem per id); each ticket
the actor may change is then written in its own transaction, conditioned on the version
read, with its history event. One ticket refused (hidden, locked by someone else, a move
the status machine refuses, changed meanwhile) leaves the others done and is reported with
the reason; no ticket is ever half-written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.access import can_override_lock
from chalicelib.domain.errors import BadRequestError, ServITError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import inputs
from chalicelib.services.bulk.changes import Change, apply_change, parse_change
from chalicelib.services.context import Services
from chalicelib.services.ticket_access import save_ticket
from chalicelib.services.visibility import filter_visible

MAX_IDS = 100  # one BatchGetItem; more is a 400 (the UI selects a page, at most 100 rows)


@dataclass
class Outcome:
    """One ticket's result: ``ticket`` as saved and its earlier values, or why not."""

    ticket_id: str
    ticket: Ticket | None = None
    before: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    message: str = ""
    locked_by: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def bulk_change(svc: Services, actor: User, body: Any) -> list[Outcome]:
    data = inputs.require_object(body)
    inputs.only_keys(data, {"ids", "changes"})
    ids = _ids(data.get("ids"))
    change = parse_change(svc, data.get("changes"))
    found = _readable(svc, actor, ids)
    return [_apply(svc, actor, found.get(i), i, change, None) for i in ids]


def undo(svc: Services, actor: User, body: Any) -> list[Outcome]:
    """Put back the earlier values a bulk change returned, on each ticket still at the
    version that change left (``changed`` otherwise: someone has worked on it since)."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"items"})
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise BadRequestError("items must be a list of {id, version, changes}")
    wanted: dict[str, tuple[int, Change]] = {}
    for item in items:
        entry = inputs.require_object(item)
        inputs.only_keys(entry, {"id", "version", "changes"})
        ticket_id = inputs.text(entry, "id", required=True, max_len=40) or ""
        version = entry.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValidationError("version must be the ticket's version after the change")
        wanted[ticket_id] = (version, parse_change(svc, entry.get("changes")))
    ids = _ids(list(wanted))
    found = _readable(svc, actor, ids)
    return [_apply(svc, actor, found.get(i), i, wanted[i][1], wanted[i][0]) for i in ids]


def _ids(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise BadRequestError("ids must be a list of ticket ids")
    ids = list(dict.fromkeys(value))
    if len(ids) > MAX_IDS:
        raise BadRequestError(f"at most {MAX_IDS} tickets at a time", code="too_many_ids")
    if any(not v or len(v) > 40 for v in ids):
        raise ValidationError("a ticket id is 1-40 characters")
    return ids


def _readable(svc: Services, actor: User, ids: list[str]) -> dict[str, Ticket]:
    """The tickets of ``ids`` the actor may see (one batch read); the rest are not there."""
    found = svc.tickets.get_many(ids)
    return {t.id: t for t in filter_visible(svc, actor, list(found.values()))}


def _apply(
    svc: Services,
    actor: User,
    ticket: Ticket | None,
    ticket_id: str,
    change: Change,
    expected: int | None,
) -> Outcome:
    if ticket is None:
        return Outcome(ticket_id, error="not_found", message=f"no ticket {ticket_id!r}")
    if expected is not None and ticket.version != expected:
        return Outcome(
            ticket_id,
            ticket,
            error="changed",
            message=f"ticket #{ticket.number} has changed since; it was not undone",
        )
    holder = ticket.lock_holder(svc.clock())
    before = change.before(ticket)
    try:
        ticket.ensure_writable_by(actor.id, svc.clock(), override=can_override_lock(actor))
        apply_change(svc, actor, ticket, change, undoing=expected is not None)
        save_ticket(svc, actor, ticket)
    except ServITError as error:
        # Only the domain's refusals: anything else is a fault and fails the request.
        return Outcome(ticket_id, None, error=error.code, message=error.message, locked_by=holder)
    return Outcome(ticket_id, ticket, before)
