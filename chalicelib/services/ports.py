"""Ports: what the services need from the outside world, as small abstract classes.

Adapters named for their technology implement them (``chalicelib.adapters``);
in-memory fakes implement them for unit tests. One contract test suite runs
against both.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from chalicelib.domain.contact import Contact
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.inbox import InboxKind
from chalicelib.domain.ticket import Ticket

T = TypeVar("T")

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursor: str | None = None  # opaque; None when there is nothing more


class ListIndex:
    """Indexes a ticket list may be served from (all statuses, newest change first)."""

    RESPONSE_POINT = "by_rp_status"
    GROUP = "by_group_status"
    AGENT = "by_agent_status"
    CONTACT = "by_contact"
    PARENT = "by_parent"


@dataclass(frozen=True)
class TicketQuery:
    index: str
    key: str
    status: str | None = None  # narrows the key condition where the index sorts by status
    filters: dict[str, str] = field(default_factory=dict)  # applied to each page, not a scan
    limit: int = 50
    cursor: str | None = None


class TicketRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, ticket: Ticket) -> None:
        """Store a new ticket, its number lookup and its pending events atomically."""

    @abc.abstractmethod
    def save(self, ticket: Ticket) -> None:
        """Store changes and pending events atomically if nobody wrote since ``version``.

        Raises ConflictError when the stored version is not ``ticket.version``.
        Increments ``ticket.version`` and clears ``pending_events`` on success.
        """

    @abc.abstractmethod
    def get(self, ticket_id: str) -> Ticket:
        """Raises NotFoundError."""

    @abc.abstractmethod
    def id_for_number(self, number: int) -> str | None: ...

    @abc.abstractmethod
    def events(self, ticket_id: str) -> list[TicketEvent]:
        """The whole history, oldest first."""

    @abc.abstractmethod
    def inbox(
        self, kind: InboxKind, key: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[Ticket]:
        """Open tickets of one inbox: high priority first, then oldest first."""

    @abc.abstractmethod
    def count_inbox(self, kind: InboxKind, key: str) -> int: ...

    @abc.abstractmethod
    def query(self, query: TicketQuery) -> Page[Ticket]: ...


class ContactRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, contact: Contact) -> None:
        """Store a new contact; ConflictError if one of its e-mails or phones is taken."""

    @abc.abstractmethod
    def save(self, contact: Contact) -> None:
        """Store changes if ``version`` is current; keeps e-mail/phone uniqueness."""

    @abc.abstractmethod
    def get(self, contact_id: str) -> Contact:
        """Raises NotFoundError."""

    @abc.abstractmethod
    def find_by_email(self, email: str) -> Contact | None: ...

    @abc.abstractmethod
    def find_by_phone(self, phone: str) -> Contact | None: ...

    @abc.abstractmethod
    def list(
        self, *, name_prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> Page[Contact]:
        """Contacts ordered by name."""


class ConfigRepository(abc.ABC):
    """Settings of the helpdesk, stored as (kind, id) -> record."""

    @abc.abstractmethod
    def get(self, kind: str, item_id: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def list(self, kind: str) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def put(self, kind: str, item_id: str, record: dict[str, Any], *, create: bool = False) -> None:
        """With ``create``, ConflictError if the item exists already."""

    @abc.abstractmethod
    def delete(self, kind: str, item_id: str) -> None: ...

    @abc.abstractmethod
    def next_number(self, counter: str, start: int) -> int:
        """Atomically hand out the next number of ``counter``, the first being ``start``."""


@dataclass(frozen=True)
class Claims:
    user_id: str
    email: str
    roles: tuple[str, ...]


class IdentityProvider(abc.ABC):
    @abc.abstractmethod
    def login(self, email: str, password: str) -> str:
        """A signed token for good credentials; AuthenticationError otherwise."""

    @abc.abstractmethod
    def verify(self, token: str) -> Claims:
        """Check signature, expiry, audience and issuer; AuthenticationError otherwise."""

    @abc.abstractmethod
    def register(self, user_id: str, email: str, roles: list[str], password: str | None) -> None:
        """Create or update the login of a user."""
