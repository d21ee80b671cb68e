"""In-memory side of GDPR work (issue 14), over the in-memory repositories' state."""

from __future__ import annotations

import dataclasses
from typing import Any

from chalicelib.adapters.memory import InMemoryTicketRepository
from chalicelib.adapters.memory_mail import InMemoryNotificationRepository
from chalicelib.services.gdpr.store import HistoryStore


class InMemoryHistoryStore(HistoryStore):
    def __init__(
        self, tickets: InMemoryTicketRepository, notifications: InMemoryNotificationRepository
    ) -> None:
        self._tickets = tickets
        self._notifications = notifications

    def rewrite_event(
        self, ticket_id: str, sort_key: str, data: dict[str, Any], actor: str
    ) -> None:
        stored = self._tickets._events.get(ticket_id, [])
        for index, item in enumerate(stored):
            if item.event.sort_key == sort_key:
                event = dataclasses.replace(item.event, data=dict(data), actor=actor)
                stored[index] = dataclasses.replace(item, event=event)

    def delete_ticket(self, ticket_id: str) -> int:
        events = self._tickets._events.pop(ticket_id, [])
        ticket = self._tickets._tickets.pop(ticket_id, None)
        if ticket is not None:
            self._tickets._numbers.pop(ticket.number, None)
        return len(events) + (ticket is not None)

    def delete_notifications(self, user_id: str, ticket_ids: set[str]) -> int:
        items = self._notifications._items
        gone = [k for k, n in items.items() if k[0] == user_id and n.ticket_id in ticket_ids]
        for key in gone:
            del items[key]
        return len(gone)

    def _closed(self, rp_id: str, before: str, skip_title: str) -> list[tuple[str, str]]:
        from chalicelib.domain.timefmt import iso

        found = [
            (iso(t.updated_at), t.id)
            for t in self._tickets._tickets.values()
            if t.response_point_id == rp_id
            and t.status.value == "closed"
            and iso(t.updated_at) < before
            and t.title != skip_title
        ]
        return sorted(found)

    def closed_before(self, rp_id: str, before: str, *, limit: int, skip_title: str) -> list[str]:
        return [i for _, i in self._closed(rp_id, before, skip_title)[:limit]]

    def count_closed_before(self, rp_id: str, before: str, *, skip_title: str) -> int:
        return len(self._closed(rp_id, before, skip_title))
