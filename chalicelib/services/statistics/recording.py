"""Keeping the statistics counters from the TicketEvents stream (issue 14).

Per stored change: the ticket's history folded (``domain/statistics/history``) gives what
the ticket counts for now; less what its ledger says it was counted for, that is the delta
to add, written with the new ledger in one transaction on the ledger's version. A change
delivered again, or late, or after a later one, finds its figures counted already: its
delta is empty and nothing is written. Requests per change: the history (one Query), the
ticket and the ledger (two GetItems), one TransactWriteItems when a figure moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.domain.calendars import Calendar, open_time_between
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.statistics.history import (
    Contribution,
    OpenSeconds,
    contribution,
    difference,
    moves_figures,
)
from chalicelib.domain.ticket import STATS_FIELDS, Ticket
from chalicelib.services import calendars, directory
from chalicelib.services.context import Services


def ticket_fields(ticket: Ticket | None) -> dict[str, Any]:
    if ticket is None:
        return {}
    return {name: getattr(ticket, name) for name in STATS_FIELDS}


def open_seconds_in(calendar: Calendar | None) -> OpenSeconds:
    def measure(start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        if calendar is None:
            return (end - start).total_seconds()
        return open_time_between(calendar, start, end).total_seconds()

    return measure


class Counting:
    """What one ticket counts for; the settings and calendars read once per use."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self._zone: str | None = None
        self._calendars: dict[str, Calendar | None] = {}

    @property
    def zone(self) -> str:
        """The organisation's time zone (Settings), read on first use."""
        if self._zone is None:
            self._zone = directory.settings(self.svc).time_zone
        return self._zone

    def calendar(self, calendar_id: str) -> Calendar | None:
        if not calendar_id:
            return None
        if calendar_id not in self._calendars:
            self._calendars[calendar_id] = calendars.load(self.svc, calendar_id)
        return self._calendars[calendar_id]

    def of(self, ticket: Ticket | None, history: Iterable[TicketEvent]) -> Contribution:
        calendar = self.calendar(ticket.sla_calendar_id) if ticket else None
        return contribution(history, ticket_fields(ticket), self.zone, open_seconds_in(calendar))


def record_change(
    svc: Services, change: list[StoredEvent], counting: Counting | None = None
) -> int:
    """Count one stored change; 1 if counters moved, 0 if it was counted already (or can
    move none). ``counting``: one per stream batch (the settings read once)."""
    if svc.stats is None or not moves_figures(s.event for s in change):
        return 0
    ticket_id = change[0].event.ticket_id
    try:
        ticket: Ticket | None = svc.tickets.get(ticket_id)
    except NotFoundError:
        ticket = None  # deleted since (retention): its history still counts
    # The history read may lag the change the stream hands over: it is added if missing.
    history = {e.event_id: e for e in svc.tickets.events(ticket_id)}
    for stored in change:
        history.setdefault(stored.event.event_id, stored.event)
    now = (counting or Counting(svc)).of(ticket, history.values())
    before, version = svc.stats.ledger(ticket_id)
    delta = difference(now, before)
    if not delta:
        return 0
    svc.stats.apply(ticket_id, delta, now, version)
    return 1
