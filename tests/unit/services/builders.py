"""Small helpers for service tests: open tickets through the real use case, snapshot stores."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import tickets
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, TicketQuery


def open_ticket(svc: Services, actor: User, **body: Any) -> Ticket:
    return tickets.create_ticket(svc, actor, {"title": "Skrivaren strular", **body})


def snapshot(svc: Services, ticket_id: str) -> tuple[Ticket, list[Any]]:
    """What the store holds of one ticket: the ticket and its history."""
    return svc.tickets.get(ticket_id), svc.tickets.events(ticket_id)


def all_tickets(svc: Services, rp: str = "kundtjanst") -> list[Ticket]:
    return svc.tickets.query(TicketQuery(ListIndex.RESPONSE_POINT, rp, limit=1000)).items
