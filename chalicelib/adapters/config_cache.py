"""A per-container cache in front of the config repository.

Config (response points, groups, users, settings) is read on nearly every
request and changes rarely. Within one Lambda container we keep what we read
for ``ttl`` seconds; our own writes clear the cache at once, other containers
see a change within ``ttl``. Counters are never cached.

The local stack adds a ``generation``: a counter that every process on the
machine shares (``FileGeneration``). Every write through the cache moves it on
after the write is stored; an entry is used only while the generation is the one
it was read under. So a change made in one process (an admin's, in the API's)
is seen by the very next read in every other process (the SMTP intake's), and
the TTL stays only as a backstop for writes made around ServIT. In AWS there is
no generation: behaviour as above.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from chalicelib.services.ports import ConfigRepository


class Generation(Protocol):
    """A counter shared by every process that caches config; it only moves forward."""

    def current(self) -> int: ...

    def bump(self) -> None: ...


class FileGeneration:
    """The generation as the size of a file that each write appends one byte to.

    ``O_APPEND`` makes each append atomic across processes, so no bump is lost and the
    value never goes back; reading it is one ``stat()`` (about a microsecond). The file
    grows by a byte per config write, which are few (admins' changes, not mail).
    """

    def __init__(self, path: str) -> None:
        self._path = path

    def current(self) -> int:
        try:
            return os.stat(self._path).st_size
        except FileNotFoundError:
            return 0

    def bump(self) -> None:
        os.makedirs(os.path.dirname(self._path) or ".", exist_ok=True)
        handle = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(handle, b".")
        finally:
            os.close(handle)


class CachedConfigRepository(ConfigRepository):
    def __init__(
        self,
        inner: ConfigRepository,
        ttl: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        generation: Generation | None = None,
    ) -> None:
        self._inner = inner
        self._ttl = ttl
        self._now = monotonic
        self._generation = generation
        # Each entry: (read at, generation it was read under, value).
        self._items: dict[tuple[str, str], tuple[float, int, dict[str, Any] | None]] = {}
        self._lists: dict[str, tuple[float, int, list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def _current(self) -> int:
        return self._generation.current() if self._generation is not None else 0

    def _fresh(self, stamp: float, generation: int, current: int) -> bool:
        return generation == current and self._now() - stamp < self._ttl

    def get(self, kind: str, item_id: str) -> dict[str, Any] | None:
        # The generation is taken before the read: a write that lands during the read
        # moves it on, and the entry made from the read is stale from then on.
        current = self._current()
        with self._lock:
            hit = self._items.get((kind, item_id))
        if hit is not None and self._fresh(hit[0], hit[1], current):
            return copy.deepcopy(hit[2])
        value = self._inner.get(kind, item_id)
        with self._lock:
            self._items[(kind, item_id)] = (self._now(), current, copy.deepcopy(value))
        return value

    def list(self, kind: str) -> list[dict[str, Any]]:
        current = self._current()
        with self._lock:
            hit = self._lists.get(kind)
        if hit is not None and self._fresh(hit[0], hit[1], current):
            return copy.deepcopy(hit[2])
        value = self._inner.list(kind)
        with self._lock:
            self._lists[kind] = (self._now(), current, copy.deepcopy(value))
        return value

    def put(self, kind: str, item_id: str, record: dict[str, Any], *, create: bool = False) -> None:
        self._inner.put(kind, item_id, record, create=create)
        self._changed()

    def delete(self, kind: str, item_id: str) -> None:
        self._inner.delete(kind, item_id)
        self._changed()

    def next_number(
        self, counter: str, start: int, *, expires_at: datetime | None = None, step: int = 1
    ) -> int:
        return self._inner.next_number(counter, start, expires_at=expires_at, step=step)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._lists.clear()

    def _changed(self) -> None:
        """After a stored write: our entries go at once, other processes' at their next read."""
        self.clear()
        if self._generation is not None:
            self._generation.bump()
