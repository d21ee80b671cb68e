"""Reading a ticket to change it and saving it back: the visibility check, the optimistic
version (If-Match), the pick lock, and the SLA clock settled before the save. Every use
case that changes a ticket goes through these two."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.access import can_override_lock
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, sla_clock
from chalicelib.services.context import Services
from chalicelib.services.visibility import visible_ticket


def writable_ticket(svc: Services, actor: User, ticket_id: str, if_match: int | None) -> Ticket:
    ticket = visible_ticket(svc, actor, ticket_id)
    if if_match is not None and if_match != ticket.version:
        raise ConflictError(
            f"ticket #{ticket.number} changed since version {if_match} (now {ticket.version})",
            code="stale",
        )
    ticket.ensure_writable_by(actor.id, svc.clock(), override=can_override_lock(actor))
    return ticket


def save_ticket(svc: Services, actor: User, ticket: Ticket) -> Ticket:
    now = svc.clock()
    ticket.touch_lock(actor.id, now, timedelta(minutes=directory.settings(svc).lock_minutes))
    sla_clock.settle(svc, ticket)  # the clock runs again: the agent sees the moved due times
    if ticket.pending_events:
        svc.tickets.save(ticket)
    return ticket
