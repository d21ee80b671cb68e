"""In-memory search index (issue 15): the SearchIndex contract for unit tests and benches.

Holds the same items the DynamoDB adapter writes (partition, sort key) and counts the
requests that adapter would make, so a bench on it can state DynamoDB requests per search.
"""

from __future__ import annotations

import bisect
import copy
import threading
from typing import Any

from chalicelib.domain.search_index import Term, entity_of, partition, sort_key, sort_prefix
from chalicelib.services.search_index.ports import SearchIndex

BATCH = 25  # BatchWriteItem's limit: how the DynamoDB adapter groups its writes


class InMemorySearchIndex(SearchIndex):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items: dict[str, list[str]] = {}  # partition -> sorted sort keys
        self.manifests: dict[tuple[str, str], dict[str, tuple[set[str], Any]]] = {}
        self.markers: dict[tuple[str, str], str] = {}
        self.requests: dict[str, int] = {}  # DynamoDB request name -> count (as it would be)

    def _count(self, name: str, n: int = 1) -> None:
        self.requests[name] = self.requests.get(name, 0) + n

    def _put(self, kind: str, entity_id: str, tokens: set[str]) -> None:
        for token in tokens:
            keys = self.items.setdefault(partition(kind, token), [])
            key = sort_key(token, entity_id)
            at = bisect.bisect_left(keys, key)
            if at == len(keys) or keys[at] != key:
                keys.insert(at, key)

    def _delete(self, kind: str, entity_id: str, tokens: set[str]) -> None:
        for token in tokens:
            keys = self.items.get(partition(kind, token), [])
            key = sort_key(token, entity_id)
            at = bisect.bisect_left(keys, key)
            if at < len(keys) and keys[at] == key:
                del keys[at]

    def _writes(self, n: int) -> None:
        self._count("BatchWriteItem", -(-n // BATCH))

    def replace(
        self,
        kind: str,
        entity_id: str,
        source: str,
        tokens: set[str],
        doc: dict[str, Any] | None = None,
    ) -> int:
        with self._lock:
            self._count("GetItem")
            sources = self.manifests.setdefault((kind, entity_id), {})
            held = sources.get(source)
            old = held[0] if held else set()
            gone, new = old - tokens, tokens - old
            if held is not None and not gone and not new and held[1] == doc:
                return 0  # nothing changed: nothing written, as the DynamoDB adapter
            self._delete(kind, entity_id, gone)
            self._put(kind, entity_id, new)
            sources[source] = (set(tokens), copy.deepcopy(doc))
            self._writes(len(gone) + len(new) + 1)
            return len(gone) + len(new) + 1

    def add(self, kind: str, entity_id: str, source: str, tokens: set[str]) -> int:
        with self._lock:
            self._put(kind, entity_id, tokens)
            self.manifests.setdefault((kind, entity_id), {})[source] = (set(tokens), None)
            self._writes(len(tokens) + 1)
            return len(tokens) + 1

    def remove(self, kind: str, entity_id: str, *, at: str) -> int:
        with self._lock:
            self._count("Query")
            sources = self.manifests.pop((kind, entity_id), {})
            tokens: set[str] = set().union(*(t for t, _doc in sources.values()))
            self._delete(kind, entity_id, tokens)
            count = len(tokens) + len(sources)
            self._writes(count)
            self.markers[(kind, entity_id)] = at
            self._count("PutItem")
            return count

    def removed_at(self, kind: str, entity_id: str) -> str | None:
        self._count("GetItem")
        return self.markers.get((kind, entity_id))

    def find(self, kind: str, term: Term, *, limit: int) -> list[str]:
        self._count("Query")
        start = sort_prefix(term)
        keys = self.items.get(partition(kind, term.text), [])
        low = bisect.bisect_left(keys, start)
        high = bisect.bisect_left(keys, start + "\U0010ffff")
        found: dict[str, None] = {}
        for key in reversed(keys[low:high]):  # ScanIndexForward=False
            found[entity_of(key)] = None
            if len(found) >= limit:
                break
        return list(found)

    def docs(self, kind: str, entity_ids: list[str], source: str = "card") -> dict[str, Any]:
        if entity_ids:
            self._count("BatchGetItem", -(-len(entity_ids) // 100))
        found = {}
        for entity_id in entity_ids:
            held = self.manifests.get((kind, entity_id), {}).get(source)
            if held is not None and held[1] is not None:
                found[entity_id] = copy.deepcopy(held[1])
        return found

    def tokens_of(self, kind: str, entity_id: str) -> set[str]:
        """Tests: every token the entity is found by."""
        return set().union(*(t for t, _ in self.manifests.get((kind, entity_id), {}).values()))
