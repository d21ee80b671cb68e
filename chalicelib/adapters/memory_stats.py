"""In-memory statistics counters (issue 14): the StatsRepository contract for unit tests."""

from __future__ import annotations

import copy

from chalicelib.domain.errors import ConflictError
from chalicelib.services.ports import StatsRepository

Key = tuple[str, str, str]
Counters = dict[str, int]


class InMemoryStatsRepository(StatsRepository):
    def __init__(self) -> None:
        self.counters: dict[tuple[str, str], Counters] = {}  # (pk, day) -> counters
        self.ledgers: dict[str, tuple[dict[Key, Counters], int]] = {}
        self.writes = 0  # transactions applied (tests: a redelivery writes nothing)

    def ledger(self, ticket_id: str) -> tuple[dict[Key, Counters], int]:
        found, version = self.ledgers.get(ticket_id, ({}, 0))
        return copy.deepcopy(found), version

    def apply(
        self, ticket_id: str, delta: dict[Key, Counters], ledger: dict[Key, Counters], version: int
    ) -> None:
        if self.ledgers.get(ticket_id, ({}, 0))[1] != version:
            raise ConflictError("the ticket's statistics ledger changed meanwhile")
        for (dim, value, day), change in delta.items():
            counters = self.counters.setdefault((f"{dim}#{value}", day), {})
            for name, n in change.items():
                counters[name] = counters.get(name, 0) + n
        self.ledgers[ticket_id] = (copy.deepcopy(ledger), version + 1)
        self.writes += 1

    def days(
        self, dimension: str, value: str, since: str, until: str
    ) -> list[tuple[str, Counters]]:
        pk = f"{dimension}#{value}"
        found = [(day, dict(c)) for (key, day), c in self.counters.items() if key == pk]
        return sorted((d, c) for d, c in found if since <= d <= until)

    def backlog_before(self, dimension: str, value: str, day: str) -> int:
        pk = f"{dimension}#{value}"
        return sum(
            c.get("backlog", 0) for (key, d), c in self.counters.items() if key == pk and d < day
        )

    def replace_all(
        self, counters: dict[Key, Counters], ledgers: dict[str, dict[Key, Counters]]
    ) -> None:
        self.counters = {(f"{d}#{v}", day): dict(c) for (d, v, day), c in counters.items()}
        self.ledgers = {t: (copy.deepcopy(led), 1) for t, led in ledgers.items()}
