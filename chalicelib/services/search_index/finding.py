"""The top-bar search (issue 15): a typed query -> tickets, contacts, organisations.

Per term and kind one Query on the index (at most CANDIDATES ids), the ids intersected
across terms; a ticket number ("#123", "123") is one GetItem on Lookups. Tickets are then
read (BatchGetItem) and passed through the multi-user level (services/visibility), so an
agent never sees a ticket they may not open; contacts and organisations are shown from the
index's own copy of their card (one BatchGetItem each), as every agent may open those.
Never a Scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.errors import BadRequestError
from chalicelib.domain.organisation import User
from chalicelib.domain.search_index import (
    CONTACT,
    MAX_QUERY_CHARS,
    ORGANISATION,
    TICKET,
    Query,
    fold,
    parse_query,
)
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services
from chalicelib.services.visibility import filter_visible

CANDIDATES = 1000  # index items read per term and kind (one Query page, about 40 KB)
MAX_LIMIT = 50
TICKET_READS = 3  # BatchGetItem rounds at most, when the multi-user level hides many


@dataclass
class Found:
    tickets: list[Ticket] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    more: dict[str, bool] = field(default_factory=dict)  # kind -> there were more hits


def check_limit(value: Any, default: int = 5) -> int:
    if value in (None, ""):
        return default
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise BadRequestError(f"limit must be 1-{MAX_LIMIT}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequestError(f"limit must be 1-{MAX_LIMIT}")
    return limit


def search(svc: Services, actor: User, text: Any, *, limit: int = 5) -> Found:
    query = parse_query(text)
    found = Found()
    ticket_ids: list[str] = []
    if query.number is not None and (by_number := svc.tickets.id_for_number(query.number)):
        ticket_ids.append(by_number)
    if svc.search_index is not None and query.terms:
        ticket_ids += [i for i in _ids(svc, TICKET, query) if i not in ticket_ids]
        found.contacts, found.more["contacts"] = _cards(svc, CONTACT, query, limit)
        found.organisations, found.more["organisations"] = _cards(svc, ORGANISATION, query, limit)
    found.tickets, found.more["tickets"] = _visible(svc, actor, ticket_ids, limit)
    return found


def contact_ids(svc: Services, text: str, *, limit: int) -> list[str] | None:
    """Contacts by any part of their name, address or number, best first (the contact
    list's name search); None when the index cannot answer it (none wired, a single
    letter, an over-long text): the caller lists by name prefix as before."""
    if svc.search_index is None or not text.strip() or len(text) > MAX_QUERY_CHARS:
        return None
    query = parse_query(text)
    if not query.terms:
        return None
    rows, _ = _cards(svc, CONTACT, query, limit)
    return [str(r["id"]) for r in rows]


def _ids(svc: Services, kind: str, query: Query) -> list[str]:
    """Entities every term matches, newest id first."""
    assert svc.search_index is not None
    common: set[str] | None = None
    for term in query.terms:
        ids = set(svc.search_index.find(kind, term, limit=CANDIDATES))
        common = ids if common is None else common & ids
        if not common:
            return []
    return sorted(common or (), reverse=True)


def _cards(svc: Services, kind: str, query: Query, limit: int) -> tuple[list[dict[str, Any]], bool]:
    assert svc.search_index is not None
    ids = _ids(svc, kind, query)
    docs = svc.search_index.docs(kind, ids[: limit * 4])
    # Whose name starts with what was typed first, then by name.
    first = query.terms[0].text
    rows = [{"id": i, **doc} for i, doc in docs.items()]
    rows.sort(key=lambda r: (not fold(str(r.get("name", ""))).startswith(first),
                             fold(str(r.get("name", ""))), r["id"]))  # fmt: skip
    return rows[:limit], len(ids) > limit


def _visible(
    svc: Services, actor: User, ticket_ids: list[str], limit: int
) -> tuple[list[Ticket], bool]:
    shown: list[Ticket] = []
    at = 0
    size = min(100, max(limit * 3, 20))
    for _ in range(TICKET_READS):
        chunk = ticket_ids[at : at + size]
        if not chunk:
            break
        at += len(chunk)
        read = svc.tickets.get_many(chunk)
        tickets = [read[i] for i in chunk if i in read]
        shown += filter_visible(svc, actor, tickets)
        if len(shown) > limit:
            break
    return shown[:limit], len(shown) > limit or at < len(ticket_ids)
