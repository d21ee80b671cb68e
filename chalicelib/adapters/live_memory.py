"""Live connections in memory: the local stack (one process holds the sockets and the
stream poller) and the tests. ``LocalLiveHub`` is the local pusher: the front door
(local/live.py) attaches each upgraded socket's send function under its connection id."""

from __future__ import annotations

import threading
from collections.abc import Callable

from chalicelib.services.live.ports import (
    GoneConnectionError,
    LiveConnection,
    LiveConnections,
    LivePusher,
    ReadMarkers,
)


class MemoryLiveConnections(LiveConnections):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, LiveConnection] = {}
        self._by_audience: dict[str, set[str]] = {}
        self.queries = 0  # one per audience asked: what a DynamoDB Query would be

    def add(self, connection: LiveConnection) -> None:
        with self._lock:
            self._by_id[connection.connection_id] = connection
            for key in connection.audiences:
                self._by_audience.setdefault(key, set()).add(connection.connection_id)

    def remove(self, connection_id: str) -> None:
        with self._lock:
            connection = self._by_id.pop(connection_id, None)
            for key in connection.audiences if connection else ():
                self._by_audience.get(key, set()).discard(connection_id)

    def in_audiences(self, audiences: list[str]) -> set[str]:
        with self._lock:
            self.queries += len(audiences)
            return {c for key in audiences for c in self._by_audience.get(key, ())}

    def get(self, connection_id: str) -> LiveConnection | None:
        return self._by_id.get(connection_id)


class LocalLiveHub(LivePusher):
    """Sockets of this process by connection id; a send that fails means the browser left."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._senders: dict[str, Callable[[bytes], None]] = {}

    def attach(self, connection_id: str, send: Callable[[bytes], None]) -> None:
        with self._lock:
            self._senders[connection_id] = send

    def detach(self, connection_id: str) -> None:
        with self._lock:
            self._senders.pop(connection_id, None)

    def post(self, connection_id: str, data: bytes) -> None:
        with self._lock:
            send = self._senders.get(connection_id)
        if send is None:
            raise GoneConnectionError(connection_id)
        try:
            send(data)
        except OSError as error:
            self.detach(connection_id)
            raise GoneConnectionError(connection_id) from error


class RecordingPusher(LivePusher):
    """Tests: what was posted to whom; ids in ``gone`` answer as API Gateway's Gone."""

    def __init__(self, gone: set[str] | None = None) -> None:
        self.posted: list[tuple[str, bytes]] = []
        self.gone = set(gone or ())

    def post(self, connection_id: str, data: bytes) -> None:
        if connection_id in self.gone:
            raise GoneConnectionError(connection_id)
        self.posted.append((connection_id, data))


class MemoryReadMarkers(ReadMarkers):
    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], int] = {}
        self.batches = 0  # one per versions() call: what a BatchGetItem would be

    def seen(self, user_id: str, ticket_id: str, version: int) -> None:
        key = (user_id, ticket_id)
        self._seen[key] = max(version, self._seen.get(key, version))

    def versions(self, user_id: str, ticket_ids: list[str]) -> dict[str, int]:
        self.batches += 1
        return {t: self._seen[(user_id, t)] for t in ticket_ids if (user_id, t) in self._seen}
