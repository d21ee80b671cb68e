"""Count DynamoDB requests and consumed capacity with botocore event hooks.

pynamodb keeps one botocore client per model connection, so the counter is
attached to the client of every model (``attach_models``, idempotent: call it
again after ``bind()``, which drops the connections). The hooks run on whatever
thread makes the call; the totals are guarded by a lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pynamodb.models import Model

READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_TABLES_KEY = "bench_tables"


@dataclass(frozen=True)
class Usage:
    """Totals since the counter was made; subtract two to get what happened in between."""

    requests: Mapping[str, int] = field(default_factory=dict)  # "Operation Table" -> count
    read_units: float = 0.0
    write_units: float = 0.0
    index_write_units: float = 0.0  # the part of write_units spent on secondary indexes

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def by_operation(self) -> dict[str, int]:
        ops: Counter[str] = Counter()
        for key, count in self.requests.items():
            ops[key.split(" ", 1)[0]] += count
        return dict(ops)

    def plus(self, other: Usage) -> Usage:
        requests = Counter(self.requests)
        requests.update(other.requests)
        return Usage(
            dict(requests),
            self.read_units + other.read_units,
            self.write_units + other.write_units,
            self.index_write_units + other.index_write_units,
        )

    def minus(self, earlier: Usage) -> Usage:
        requests = Counter(self.requests)
        requests.subtract(earlier.requests)
        return Usage(
            {k: v for k, v in requests.items() if v},
            self.read_units - earlier.read_units,
            self.write_units - earlier.write_units,
            self.index_write_units - earlier.index_write_units,
        )


class RequestCounter:
    def __init__(self, table_prefix: str = "", *, only: Callable[[], bool] | None = None) -> None:
        """``only``: count a call only when it answers True on the calling thread (the
        local stack counts its SMTP intake and its stream poller apart)."""
        self._prefix = table_prefix
        self._only = only
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._read = 0.0
        self._write = 0.0
        self._index_write = 0.0
        self._clients: list[Any] = []

    def attach(self, client: Any) -> bool:
        """Hook one botocore DynamoDB client; False if it was hooked already."""
        if any(known is client for known in self._clients):
            return False
        events = client.meta.events
        uid = f"bench-counter-{id(self)}"
        events.register("before-parameter-build.dynamodb", self._prepare, unique_id=uid + "-p")
        events.register("before-call.dynamodb", self._count, unique_id=uid + "-c")
        events.register("after-call.dynamodb", self._add_capacity, unique_id=uid + "-a")
        self._clients.append(client)
        return True

    def attach_models(self, models: Iterable[type[Model]]) -> int:
        """Hook the client behind each model's connection; returns how many were new."""
        return sum(self.attach(m._get_connection().connection.client) for m in models)

    def usage(self) -> Usage:
        with self._lock:
            return Usage(dict(self._requests), self._read, self._write, self._index_write)

    # --- hooks ------------------------------------------------------------------
    def _prepare(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        if self._only is not None and not self._only():
            return
        if model.name in READS or model.name in WRITES:
            # pynamodb asks for TOTAL; INDEXES adds the per-index split (same total).
            params["ReturnConsumedCapacity"] = "INDEXES"
        context[_TABLES_KEY] = self._tables(params)

    def _count(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        if self._only is not None and not self._only():
            return
        key = f"{model.name} {context.get(_TABLES_KEY, '?')}".strip()
        with self._lock:
            self._requests[key] += 1

    def _add_capacity(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if self._only is not None and not self._only():
            return
        consumed = parsed.get("ConsumedCapacity")
        if not consumed:
            return
        entries = consumed if isinstance(consumed, list) else [consumed]
        total = sum(float(e.get("CapacityUnits", 0.0)) for e in entries)
        on_indexes = sum(
            float(index.get("CapacityUnits", 0.0))
            for e in entries
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
            for index in (e.get(kind) or {}).values()
        )
        with self._lock:
            if model.name in WRITES:
                self._write += total
                self._index_write += on_indexes
            else:
                self._read += total

    def _tables(self, params: dict[str, Any]) -> str:
        names: set[str] = set()
        if "TableName" in params:
            names.add(str(params["TableName"]))
        names.update(str(n) for n in params.get("RequestItems") or {})
        for item in params.get("TransactItems") or []:
            for action in item.values():
                if isinstance(action, dict) and "TableName" in action:
                    names.add(str(action["TableName"]))
        return "+".join(sorted(n.removeprefix(self._prefix) for n in names))
