"""Recount every statistics counter from the tickets' histories (issue 14): for a new
figure, or after a fix. The same fold as the stream (``recording.Counting``), summed over
every ticket; the counters and ledgers are then replaced (``StatsRepository.replace_all``).
Run by ``python -m chalicelib.ops.rebuild_stats`` (it scans the Tickets table)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.events import TicketEvent
from chalicelib.domain.statistics.figures import Counters, add
from chalicelib.domain.statistics.history import Contribution, Key
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services
from chalicelib.services.statistics.recording import Counting


def recount(
    svc: Services, tickets: Iterable[tuple[Ticket | None, list[TicketEvent]]]
) -> tuple[dict[Key, Counters], dict[str, Contribution]]:
    """The counters and per-ticket ledgers the given tickets' histories make."""
    counting = Counting(svc)
    totals: dict[Key, Counters] = {}
    ledgers: dict[str, Contribution] = {}
    for ticket, history in tickets:
        if not history:
            continue
        mine = counting.of(ticket, history)
        ledgers[history[0].ticket_id] = mine
        for key, counters in mine.items():
            add(totals.setdefault(key, {}), counters)
    return {k: {n: v for n, v in c.items() if v} for k, c in totals.items()}, ledgers


def rebuild(svc: Services, ticket_ids: Iterable[str]) -> int:
    """Replace the counters by a recount of these tickets; returns how many were counted."""
    assert svc.stats is not None, "statistics are not set up"

    def histories() -> Iterable[tuple[Ticket | None, list[TicketEvent]]]:
        for ticket_id in ticket_ids:
            yield svc.tickets.get(ticket_id), svc.tickets.events(ticket_id)

    counters, ledgers = recount(svc, histories())
    svc.stats.replace_all(counters, ledgers)
    return len(ledgers)
