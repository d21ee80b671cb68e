"""Tickets built in memory for domain tests: no repository, one fixed instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.ids import new_ulid
from chalicelib.domain.statuses import Channel, Status
from chalicelib.domain.ticket import Ticket

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(days=7)


def build_ticket(**fields: Any) -> Ticket:
    defaults: dict[str, Any] = {
        "id": new_ulid(NOW),
        "number": 10001,
        "title": "Skrivaren skriver inte ut",
        "response_point_id": "kundtjanst",
        "contact_id": None,
        "channel": Channel.MANUAL,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Ticket.open_new(actor="agent1", **{**defaults, **fields})


def ticket_in(status: Status, **fields: Any) -> Ticket:
    """A ticket brought to ``status`` by ordinary moves from new, history cleared."""
    ticket = build_ticket(**fields)
    if status is not Status.NEW:
        until = LATER if status is Status.DORMANT_UNTIL else None
        ticket.change_status(status, "agent1", NOW, dormant_until=until)
    ticket.pending_events.clear()
    return ticket
