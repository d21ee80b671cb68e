"""DynamoTicketRepository: tickets and their history (docs/architecture.md lists the patterns)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb import search
from chalicelib.adapters.dynamodb.codec import (
    INBOX_INDEX,
    event_from_model,
    event_to_model,
    stored_event_from_model,
    ticket_from_model,
    ticket_to_model,
)
from chalicelib.adapters.dynamodb.models import LookupModel, TicketEventModel, TicketModel
from chalicelib.adapters.dynamodb.paging import (
    decode_cursor,
    first_page,
    raise_conflict_if_condition_failed,
)
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.inbox import InboxKind
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.search import SearchCriteria
from chalicelib.domain.ticket import Ticket
from chalicelib.services import lookup_keys
from chalicelib.services.ports import ListIndex, Page, TicketQuery, TicketRepository

LIST_INDEX = {
    ListIndex.RESPONSE_POINT: TicketModel.by_rp_status,
    ListIndex.GROUP: TicketModel.by_group_status,
    ListIndex.AGENT: TicketModel.by_agent_status,
    ListIndex.CONTACT: TicketModel.by_contact,
    ListIndex.PARENT: TicketModel.by_parent,
    ListIndex.ORGANISATION: TicketModel.by_organisation,
}
STATUS_SORTED = {ListIndex.RESPONSE_POINT, ListIndex.GROUP, ListIndex.AGENT}


number_key = lookup_keys.ticket_number


class DynamoTicketRepository(TicketRepository):
    def add(self, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
        item = ticket_to_model(ticket)
        try:
            with TransactWrite(connection=TicketModel._get_connection().connection) as tx:
                # The ticket id is fresh and its number unique: both conditions guard re-runs.
                tx.save(item, condition=TicketModel.ticket_id.does_not_exist())
                tx.save(
                    LookupModel(number_key(ticket.number), target=ticket.id),
                    condition=LookupModel.key.does_not_exist(),
                )
                self._claim(tx, claims)
                self._append_events(tx, ticket)
        except TransactWriteError as error:
            raise_conflict_if_condition_failed(error, f"ticket #{ticket.number} exists already")
            raise
        ticket.version += 1
        ticket.pending_events.clear()

    def save(self, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
        item = ticket_to_model(ticket)
        try:
            with TransactWrite(connection=TicketModel._get_connection().connection) as tx:
                # Optimistic lock: only if nobody wrote since we read `version`.
                tx.save(item, condition=TicketModel.version == ticket.version)
                self._claim(tx, claims)
                self._append_events(tx, ticket)
        except TransactWriteError as error:
            raise_conflict_if_condition_failed(
                error, f"ticket #{ticket.number} was changed by someone else; reload it"
            )
            raise
        ticket.version += 1
        ticket.pending_events.clear()

    @staticmethod
    def _claim(tx: TransactWrite, claims: Mapping[str, str] | None) -> None:
        for key, target in (claims or {}).items():
            # First writer wins: a Message-ID or stored mail is processed once.
            tx.save(LookupModel(key, target=target), condition=LookupModel.key.does_not_exist())

    @staticmethod
    def _append_events(tx: TransactWrite, ticket: Ticket) -> None:
        events = ticket.pending_events
        if not events:
            return
        # Each event names its change for the stream consumer (the version written now).
        change = StoredEvent(events[0], ticket.version + 1, len(events), ticket.agent_id or None)
        for event in events:
            # History is append-only: an event key is never overwritten.
            tx.save(
                event_to_model(event, change),
                condition=TicketEventModel.event_key.does_not_exist(),
            )

    def get(self, ticket_id: str) -> Ticket:
        try:
            return ticket_from_model(TicketModel.get(ticket_id, consistent_read=True))
        except DoesNotExist:
            raise NotFoundError(f"no ticket {ticket_id!r}") from None

    def get_many(self, ticket_ids: list[str]) -> dict[str, Ticket]:
        # One BatchGetItem (pynamodb retries the unprocessed keys), strongly consistent
        # like get(): a bulk change reads the version it conditions its writes on.
        unique = list(dict.fromkeys(ticket_ids))[:100]  # BatchGetItem reads at most 100 keys
        return {
            str(m.ticket_id): ticket_from_model(m)
            for m in TicketModel.batch_get(unique, consistent_read=True)
        }

    def id_for_number(self, number: int) -> str | None:
        try:
            return str(LookupModel.get(number_key(number), consistent_read=True).target)
        except DoesNotExist:
            return None

    def events(self, ticket_id: str) -> list[TicketEvent]:
        # Strongly consistent: the history read right after a change shows that change.
        return [
            event_from_model(e) for e in TicketEventModel.query(ticket_id, consistent_read=True)
        ]

    def change_events(self, ticket_id: str, change: int) -> list[StoredEvent]:
        # One Query on the ticket's history (a few items), strongly consistent: the change
        # is committed, since the stream showed part of it.
        return [
            stored_event_from_model(e)
            for e in TicketEventModel.query(
                ticket_id, filter_condition=TicketEventModel.change == change, consistent_read=True
            )
        ]

    def inbox(
        self, kind: InboxKind, key: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[Ticket]:
        results = INBOX_INDEX[kind].query(
            key, limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor)
        )
        items, next_cursor = first_page(results, cursor)
        return Page([ticket_from_model(TicketModel.from_raw_data(i)) for i in items], next_cursor)

    def count_inbox(self, kind: InboxKind, key: str) -> int:
        return int(INBOX_INDEX[kind].count(key))

    def query(self, query: TicketQuery) -> Page[Ticket]:
        index = LIST_INDEX[query.index]
        range_condition = None
        if query.status and query.index in STATUS_SORTED:
            range_condition = TicketModel.status_updated.startswith(f"{query.status}#")
        filter_condition = None
        for name, value in query.filters.items():
            clause = getattr(TicketModel, name) == value
            filter_condition = clause if filter_condition is None else filter_condition & clause
        results = index.query(
            query.key,
            range_key_condition=range_condition,
            filter_condition=filter_condition,
            scan_index_forward=False,
            limit=query.limit,
            page_size=query.limit,
            last_evaluated_key=decode_cursor(query.cursor),
        )
        items, next_cursor = first_page(results, query.cursor)
        return Page([ticket_from_model(TicketModel.from_raw_data(i)) for i in items], next_cursor)

    def search(
        self, criteria: SearchCriteria, now: datetime, *, limit: int = 50, cursor: str | None = None
    ) -> Page[Ticket]:
        return search.search(criteria, now, limit=limit, cursor=cursor)
