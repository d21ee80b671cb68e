"""The live channel's ports: the connections of signed-in browsers, and the way a notice
reaches one of them."""

from __future__ import annotations

import abc
from dataclasses import dataclass


class GoneConnectionError(Exception):
    """The browser behind a connection has left (API Gateway: GoneException)."""


@dataclass(frozen=True)
class LiveConnection:
    """One browser's socket, with the audiences it hears (``audience.of_user``)."""

    connection_id: str
    user_id: str
    audiences: tuple[str, ...]
    connected_at: int = 0  # epoch seconds


class LiveConnections(abc.ABC):
    """Connections by audience: fan-out is one Query per audience, never a Scan."""

    @abc.abstractmethod
    def add(self, connection: LiveConnection) -> None: ...

    @abc.abstractmethod
    def remove(self, connection_id: str) -> None:
        """Forget the connection in every audience (no error if it is not known)."""

    @abc.abstractmethod
    def in_audiences(self, audiences: list[str]) -> set[str]:
        """The ids of the connections that hear any of ``audiences``."""


class ReadMarkers(abc.ABC):
    """Per user and ticket: the ticket version the user last opened (the "unread" of list
    rows). A list page reads its rows' markers in one batch, never one read per row."""

    @abc.abstractmethod
    def seen(self, user_id: str, ticket_id: str, version: int) -> None:
        """Record an opening; an older version never replaces a newer one."""

    @abc.abstractmethod
    def versions(self, user_id: str, ticket_ids: list[str]) -> dict[str, int]:
        """ticket id -> version last opened, for those ever opened (at most 100 ids)."""


class LivePusher(abc.ABC):
    @abc.abstractmethod
    def post(self, connection_id: str, data: bytes) -> None:
        """Send one message; raises GoneConnectionError if the browser has left."""


@dataclass
class LiveChannel:
    """What the live lists need, wired in bootstrap; ``url`` is where browsers connect
    (told to the UI by GET /api/live; relative: on the UI's own origin)."""

    connections: LiveConnections
    pusher: LivePusher
    url: str = ""
