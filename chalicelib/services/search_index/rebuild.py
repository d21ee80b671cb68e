"""Index an existing installation (issue 15): every ticket with its history, every contact
and organisation. Writing a source again writes the same items, so it may run while the
stream consumer indexes new changes, and again after a failure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from chalicelib.services.context import Services
from chalicelib.services.search_index import indexing


@dataclass
class Rebuilt:
    tickets: int = 0
    contacts: int = 0
    organisations: int = 0
    items: int = 0  # index items written


def rebuild(
    svc: Services,
    ticket_ids: Iterable[str],
    *,
    progress: Callable[[Rebuilt], None] | None = None,
) -> Rebuilt:
    done = Rebuilt()
    for ticket_id in ticket_ids:
        done.items += indexing.reindex_ticket(svc, ticket_id)
        done.tickets += 1
        if progress and done.tickets % 500 == 0:
            progress(done)
    cursor: str | None = None
    while True:  # contacts by name: a Query on the by_name index, page by page
        page = svc.contacts.list(limit=100, cursor=cursor)
        for contact in page.items:
            done.items += indexing.index_contact(svc, contact)
            done.contacts += 1
        cursor = page.cursor
        if not cursor:
            break
    if svc.organisations is not None:
        cursor = None
        while True:
            orgs = svc.organisations.list(limit=100, cursor=cursor)
            for organisation in orgs.items:
                done.items += indexing.index_organisation(svc, organisation)
                done.organisations += 1
            cursor = orgs.cursor
            if not cursor:
                break
    return done
