"""A per-container cache in front of the config repository.

Config (response points, groups, users, settings) is read on nearly every
request and changes rarely. Within one Lambda container we keep what we read
for ``ttl`` seconds; our own writes clear the cache at once, other containers
see a change within ``ttl``. Counters are never cached.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.services.ports import ConfigRepository


class CachedConfigRepository(ConfigRepository):
    def __init__(
        self,
        inner: ConfigRepository,
        ttl: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._ttl = ttl
        self._now = monotonic
        self._items: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}
        self._lists: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def _fresh(self, stamp: float) -> bool:
        return self._now() - stamp < self._ttl

    def get(self, kind: str, item_id: str) -> dict[str, Any] | None:
        with self._lock:
            hit = self._items.get((kind, item_id))
        if hit is not None and self._fresh(hit[0]):
            return copy.deepcopy(hit[1])
        value = self._inner.get(kind, item_id)
        with self._lock:
            self._items[(kind, item_id)] = (self._now(), copy.deepcopy(value))
        return value

    def list(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            hit = self._lists.get(kind)
        if hit is not None and self._fresh(hit[0]):
            return copy.deepcopy(hit[1])
        value = self._inner.list(kind)
        with self._lock:
            self._lists[kind] = (self._now(), copy.deepcopy(value))
        return value

    def put(self, kind: str, item_id: str, record: dict[str, Any], *, create: bool = False) -> None:
        self._inner.put(kind, item_id, record, create=create)
        self.clear()

    def delete(self, kind: str, item_id: str) -> None:
        self._inner.delete(kind, item_id)
        self.clear()

    def next_number(self, counter: str, start: int, *, expires_at: datetime | None = None) -> int:
        return self._inner.next_number(counter, start, expires_at=expires_at)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._lists.clear()
