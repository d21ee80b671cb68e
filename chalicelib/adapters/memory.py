"""In-memory adapters: the fakes unit tests run on, honouring the same contract.

They copy on the way in and out, check versions and uniqueness like the
DynamoDB adapters do, and page with opaque cursors.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from chalicelib.adapters.memory_mail import InMemoryLookupRepository
from chalicelib.adapters.memory_paging import page
from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.inbox import InboxKind, inbox_memberships, inbox_sort_key
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.search import SearchCriteria
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import lookup_keys
from chalicelib.services.ports import (
    ConfigRepository,
    ContactRepository,
    ListIndex,
    Page,
    TicketQuery,
    TicketRepository,
)

T = TypeVar("T")

_INDEX_FIELD = {
    ListIndex.RESPONSE_POINT: "response_point_id",
    ListIndex.GROUP: "group_id",
    ListIndex.AGENT: "agent_id",
    ListIndex.CONTACT: "contact_id",
    ListIndex.PARENT: "parent_id",
    ListIndex.ORGANISATION: "organisation_id",
}


class InMemoryTicketRepository(TicketRepository):
    def __init__(self, lookups: InMemoryLookupRepository | None = None) -> None:
        self._tickets: dict[str, Ticket] = {}
        self._events: dict[str, list[StoredEvent]] = {}
        self._numbers: dict[int, str] = {}
        # What DynamoDB's stream would carry, in order, until a test takes it (take_stream).
        self._stream: list[StoredEvent] = []
        self._lookups = lookups or InMemoryLookupRepository()
        self._lock = self._lookups.lock

    def add(self, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
        with self._lock:
            if ticket.id in self._tickets or ticket.number in self._numbers:
                raise ConflictError(f"ticket {ticket.id} or #{ticket.number} exists")
            self._lookups.check_free(dict(claims or {}))
            self._commit(ticket, claims)
            self._numbers[ticket.number] = ticket.id
            # As in DynamoDB: the number is a lookup key too (threading by number reads it).
            self._lookups.items[lookup_keys.ticket_number(ticket.number)] = ticket.id

    def save(self, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
        with self._lock:
            stored = self._tickets.get(ticket.id)
            if stored is None or stored.version != ticket.version:
                raise ConflictError(
                    f"ticket #{ticket.number} was changed by someone else", code="stale"
                )
            self._lookups.check_free(dict(claims or {}))
            self._commit(ticket, claims)

    def _commit(self, ticket: Ticket, claims: Mapping[str, str] | None) -> None:
        self._lookups.items.update(claims or {})
        ticket.version += 1
        stored = [
            StoredEvent(e, ticket.version, len(ticket.pending_events), ticket.agent_id or None)
            for e in ticket.pending_events
        ]
        self._events.setdefault(ticket.id, []).extend(stored)
        self._stream.extend(stored)
        ticket.pending_events.clear()
        self._tickets[ticket.id] = copy.deepcopy(ticket)

    def get(self, ticket_id: str) -> Ticket:
        ticket = self._tickets.get(ticket_id)
        if ticket is None:
            raise NotFoundError(f"no ticket {ticket_id!r}")
        return copy.deepcopy(ticket)

    def id_for_number(self, number: int) -> str | None:
        return self._numbers.get(number)

    def events(self, ticket_id: str) -> list[TicketEvent]:
        return sorted((s.event for s in self._events.get(ticket_id, [])), key=lambda e: e.sort_key)

    def change_events(self, ticket_id: str, change: int) -> list[StoredEvent]:
        found = [s for s in self._events.get(ticket_id, []) if s.change == change]
        return sorted(found, key=lambda s: s.event.sort_key)

    def take_stream(self) -> list[StoredEvent]:
        """The events stored since the last call, in the order they were written."""
        with self._lock:
            taken, self._stream = self._stream, []
            return taken

    def give_back(self, undelivered: list[StoredEvent]) -> None:
        """Put events taken but not handled back at the head of the stream."""
        with self._lock:
            self._stream[:0] = undelivered

    def _in_inbox(self, kind: InboxKind, key: str) -> list[Ticket]:
        found = [t for t in self._tickets.values() if inbox_memberships(t).get(kind) == key]
        return sorted(found, key=lambda t: (inbox_sort_key(t), t.id))

    def inbox(
        self, kind: InboxKind, key: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[Ticket]:
        return page([copy.deepcopy(t) for t in self._in_inbox(kind, key)], limit, cursor)

    def count_inbox(self, kind: InboxKind, key: str) -> int:
        return len(self._in_inbox(kind, key))

    def query(self, query: TicketQuery) -> Page[Ticket]:
        attr = _INDEX_FIELD[query.index]
        found = [t for t in self._tickets.values() if getattr(t, attr) == query.key]
        if query.status:
            found = [t for t in found if t.status == query.status]
        for name, value in query.filters.items():
            found = [t for t in found if str(getattr(t, name) or "") == value]
        if query.index in (ListIndex.CONTACT, ListIndex.PARENT, ListIndex.ORGANISATION):
            found.sort(key=lambda t: (iso(t.created_at), t.id), reverse=True)
        else:
            found.sort(key=lambda t: (str(t.status), iso(t.updated_at), t.id), reverse=True)
        return page([copy.deepcopy(t) for t in found], query.limit, query.cursor)

    def search(
        self, criteria: SearchCriteria, now: datetime, *, limit: int = 50, cursor: str | None = None
    ) -> Page[Ticket]:
        found = [t for t in self._tickets.values() if criteria.matches(t, now)]
        found.sort(key=lambda t: (iso(t.created_at), t.id), reverse=True)
        return page([copy.deepcopy(t) for t in found], limit, cursor)


def _contact_keys(contact: Contact | None) -> set[str]:
    if contact is None:
        return set()
    emails = {lookup_keys.contact_email(e) for e in contact.emails}
    identities = {lookup_keys.contact_identity(i) for i in contact.identities}
    return emails | identities | {lookup_keys.contact_phone(p) for p in contact.phones}


class InMemoryContactRepository(ContactRepository):
    def __init__(self, lookups: InMemoryLookupRepository | None = None) -> None:
        self._contacts: dict[str, Contact] = {}
        self._lock = threading.Lock()
        # As in DynamoDB, each address and number is a lookup key pointing at its contact.
        self._lookups = lookups or InMemoryLookupRepository()

    def _index(self, old: Contact | None, new: Contact) -> None:
        items = self._lookups.items
        for key in _contact_keys(old) - _contact_keys(new):
            items.pop(key, None)
        for key in _contact_keys(new):
            items[key] = new.id

    def _owner(self, kind: str, value: str) -> str | None:
        for contact in self._contacts.values():
            values = {"email": contact.emails, "identity": contact.identities}
            if value in values.get(kind, contact.phones):
                return contact.id
        return None

    def _check_unique(self, contact: Contact) -> None:
        for kind, values in (
            ("email", contact.emails),
            ("phone", contact.phones),
            ("identity", contact.identities),
        ):
            for value in values:
                owner = self._owner(kind, value)
                if owner not in (None, contact.id):
                    raise ConflictError(f"{value} belongs to another contact", code="duplicate")

    def add(self, contact: Contact) -> None:
        with self._lock:
            if contact.id in self._contacts:
                raise ConflictError(f"contact {contact.id} exists")
            self._check_unique(contact)
            contact.version = 1
            self._contacts[contact.id] = copy.deepcopy(contact)
            self._index(None, contact)

    def save(self, contact: Contact) -> None:
        with self._lock:
            stored = self._contacts.get(contact.id)
            if stored is None or stored.version != contact.version:
                raise ConflictError("contact was changed by someone else", code="stale")
            self._check_unique(contact)
            contact.version += 1
            self._contacts[contact.id] = copy.deepcopy(contact)
            self._index(stored, contact)

    def get(self, contact_id: str) -> Contact:
        if contact_id not in self._contacts:
            raise NotFoundError(f"no contact {contact_id!r}")
        return copy.deepcopy(self._contacts[contact_id])

    def find_by_email(self, email: str) -> Contact | None:
        owner = self._owner("email", email.lower())
        return self.get(owner) if owner else None

    def find_by_phone(self, phone: str) -> Contact | None:
        owner = self._owner("phone", phone)
        return self.get(owner) if owner else None

    def find_by_identity(self, identity: str) -> Contact | None:
        owner = self._owner("identity", identity)
        return self.get(owner) if owner else None

    def list(
        self, *, name_prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> Page[Contact]:
        found = [c for c in self._contacts.values() if c.name.lower().startswith(name_prefix)]
        found.sort(key=lambda c: (c.name.lower(), c.id))
        return page([copy.deepcopy(c) for c in found], limit, cursor)

    # --- issue 14 ------------------------------------------------------------------
    def list_by_organisation(
        self, organisation_id: str, *, limit: int = 100, cursor: str | None = None
    ) -> Page[Contact]:
        found = [c for c in self._contacts.values() if c.organisation_id == organisation_id]
        found.sort(key=lambda c: (c.name.lower(), c.id))
        return page([copy.deepcopy(c) for c in found], limit, cursor)

    def merge_into(self, source: Contact, kept: Contact) -> None:
        with self._lock:
            stored_source = self._contacts.get(source.id)
            stored_kept = self._contacts.get(kept.id)
            if stored_source is None or stored_source.version != source.version:
                raise ConflictError("the merged contact changed", code="stale")
            if stored_kept is None or stored_kept.version != kept.version:
                raise ConflictError("the kept contact changed", code="stale")
            del self._contacts[source.id]
            try:
                self._check_unique(kept)
            except ConflictError:
                self._contacts[source.id] = stored_source
                raise
            kept.version += 1
            self._contacts[kept.id] = copy.deepcopy(kept)
            for key in _contact_keys(stored_source):
                self._lookups.items[key] = kept.id
            self._index(stored_kept, kept)
            self._lookups.items[lookup_keys.contact_merged(source.id)] = kept.id

    def merged_into(self, contact_id: str) -> str | None:
        return self._lookups.items.get(lookup_keys.contact_merged(contact_id))


class InMemoryConfigRepository(ConfigRepository):
    def __init__(self) -> None:
        self._items: dict[tuple[str, str], dict[str, Any]] = {}
        self._counters: dict[str, int] = {}
        self._lock = threading.Lock()

    def get(self, kind: str, item_id: str) -> dict[str, Any] | None:
        item = self._items.get((kind, item_id))
        return copy.deepcopy(item) if item is not None else None

    def list(self, kind: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(v) for (k, i), v in sorted(self._items.items()) if k == kind]

    def put(self, kind: str, item_id: str, record: dict[str, Any], *, create: bool = False) -> None:
        with self._lock:
            if create and (kind, item_id) in self._items:
                raise ConflictError(f"{kind} {item_id!r} exists already")
            self._items[(kind, item_id)] = copy.deepcopy(record)

    def delete(self, kind: str, item_id: str) -> None:
        self._items.pop((kind, item_id), None)

    def next_number(
        self, counter: str, start: int, *, expires_at: datetime | None = None, step: int = 1
    ) -> int:
        with self._lock:
            value = self._counters.get(counter, start - 1) + step
            self._counters[counter] = value
            return value
