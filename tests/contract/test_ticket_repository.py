"""One contract for the ticket repository, run against the in-memory fake and DynamoDB Local."""

from __future__ import annotations

import base64
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.events import NoteKind
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.inbox import InboxKind
from chalicelib.domain.statuses import Channel, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, TicketQuery
from tests.support import FrozenClock


def new_ticket(svc: Services, rp: str, **fields: object) -> Ticket:
    now = svc.clock()
    number = svc.config.next_number("ticket_number", 10001)
    defaults: dict[str, object] = {
        "title": f"Ticket {number}",
        "response_point_id": rp,
        "contact_id": None,
        "channel": Channel.MANUAL,
    }
    ticket = Ticket.open_new(
        actor="agent1",
        id=new_ulid(now),
        number=number,
        created_at=now,
        updated_at=now,
        **{**defaults, **fields},  # type: ignore[arg-type]
    )
    svc.tickets.add(ticket)
    return ticket


@pytest.fixture
def rp() -> str:
    return f"rp-{uuid.uuid4().hex[:8]}"


def test_numbers_start_at_10001_and_increase(any_services: Services) -> None:
    counter = f"c-{uuid.uuid4().hex[:6]}"
    numbers = [any_services.config.next_number(counter, 10001) for _ in range(3)]
    assert numbers == [10001, 10002, 10003]


def test_numbers_are_unique_under_concurrency(any_services: Services) -> None:
    counter = f"c-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(8) as pool:
        numbers = list(
            pool.map(lambda _: any_services.config.next_number(counter, 10001), range(40))
        )
    assert sorted(numbers) == list(range(10001, 10041))


def test_added_ticket_reads_back_with_every_field(any_services: Services, rp: str) -> None:
    ticket = new_ticket(
        any_services,
        rp,
        priority=Priority.HIGH,
        description="Skrivaren 打印机 принтер",
        cc=["a@example.com"],
        custom_fields={"invoice": "F-1", "amount": 12.5, "count": 3},
        attachments=[{"key": "k", "name": "a.pdf", "size": 10}],
    )
    stored = any_services.tickets.get(ticket.id)
    assert stored.number == ticket.number
    assert stored.description == "Skrivaren 打印机 принтер"
    assert stored.custom_fields == {"invoice": "F-1", "amount": 12.5, "count": 3}
    assert stored.attachments == [{"key": "k", "name": "a.pdf", "size": 10}]
    assert stored.cc == ["a@example.com"]
    assert stored.version == 1
    assert any_services.tickets.id_for_number(ticket.number) == ticket.id


def test_missing_ticket_is_not_found(any_services: Services) -> None:
    with pytest.raises(NotFoundError):
        any_services.tickets.get("01NOPE")


def test_a_change_and_its_event_are_written_together(any_services: Services, rp: str) -> None:
    ticket = new_ticket(any_services, rp)
    ticket.add_note(NoteKind.ACTION, "Ringde kunden", "agent1", any_services.clock())
    any_services.tickets.save(ticket)
    events = any_services.tickets.events(ticket.id)
    assert [e.type for e in events] == ["created", "note"]
    assert events[1].data == {"kind": "action", "text": "Ringde kunden"}
    assert any_services.tickets.get(ticket.id).version == 2


def test_a_stale_write_is_refused_and_writes_nothing(any_services: Services, rp: str) -> None:
    ticket = new_ticket(any_services, rp)
    first = any_services.tickets.get(ticket.id)
    second = any_services.tickets.get(ticket.id)
    now = any_services.clock()
    first.add_note(NoteKind.NOTE, "first", "agent1", now)
    any_services.tickets.save(first)
    second.add_note(NoteKind.NOTE, "second", "agent2", now)
    with pytest.raises(ConflictError):
        any_services.tickets.save(second)
    texts = [e.data.get("text") for e in any_services.tickets.events(ticket.id)]
    assert texts == [None, "first"]


def test_inbox_lists_open_tickets_high_priority_first_then_oldest(
    any_services: Services, rp: str, clock: FrozenClock
) -> None:
    low = new_ticket(any_services, rp, priority=Priority.LOW)
    clock.advance(minutes=1)
    old_high = new_ticket(any_services, rp, priority=Priority.HIGH)
    clock.advance(minutes=1)
    new_high = new_ticket(any_services, rp, priority=Priority.HIGH)
    closed = new_ticket(any_services, rp, priority=Priority.HIGH)
    closed.change_status(Status.CLOSED, "agent1", clock())
    any_services.tickets.save(closed)
    page = any_services.tickets.inbox(InboxKind.RESPONSE_POINT, rp)
    assert [t.id for t in page.items] == [old_high.id, new_high.id, low.id]
    assert any_services.tickets.count_inbox(InboxKind.RESPONSE_POINT, rp) == 3


def test_inbox_pages_with_a_cursor_without_repeats(
    any_services: Services, rp: str, clock: FrozenClock
) -> None:
    ids = []
    for _ in range(7):
        ids.append(new_ticket(any_services, rp).id)
        clock.advance(seconds=1)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = any_services.tickets.inbox(InboxKind.RESPONSE_POINT, rp, limit=3, cursor=cursor)
        seen += [t.id for t in page.items]
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == ids


def test_assigned_tickets_leave_the_pool_and_enter_the_agent_inbox(
    any_services: Services, rp: str
) -> None:
    group = f"g-{uuid.uuid4().hex[:6]}"
    agent = f"a-{uuid.uuid4().hex[:6]}"
    ticket = new_ticket(any_services, rp, group_id=group)
    assert [t.id for t in any_services.tickets.inbox(InboxKind.UNASSIGNED_GROUP, group).items] == [
        ticket.id
    ]
    ticket.pick(agent, any_services.clock(), timedelta(minutes=30))
    any_services.tickets.save(ticket)
    assert any_services.tickets.inbox(InboxKind.UNASSIGNED_GROUP, group).items == []
    assert any_services.tickets.inbox(InboxKind.UNASSIGNED_RP, rp).items == []
    mine = any_services.tickets.inbox(InboxKind.AGENT, agent).items
    assert [t.id for t in mine] == [ticket.id]
    assert mine[0].locked_by == agent
    assert [t.id for t in any_services.tickets.inbox(InboxKind.GROUP, group).items] == [ticket.id]


def test_list_by_response_point_and_status_includes_closed_tickets(
    any_services: Services, rp: str
) -> None:
    open_ticket = new_ticket(any_services, rp)
    closed = new_ticket(any_services, rp)
    closed.change_status(Status.CLOSED, "agent1", any_services.clock())
    any_services.tickets.save(closed)
    page = any_services.tickets.query(TicketQuery(ListIndex.RESPONSE_POINT, rp, status="closed"))
    assert [t.id for t in page.items] == [closed.id]
    everything = any_services.tickets.query(TicketQuery(ListIndex.RESPONSE_POINT, rp))
    assert {t.id for t in everything.items} == {open_ticket.id, closed.id}


def test_list_filters_narrow_each_page(any_services: Services, rp: str) -> None:
    new_ticket(any_services, rp, priority=Priority.LOW)
    high = new_ticket(any_services, rp, priority=Priority.HIGH)
    page = any_services.tickets.query(
        TicketQuery(ListIndex.RESPONSE_POINT, rp, filters={"priority": "high"})
    )
    assert [t.id for t in page.items] == [high.id]


def test_tickets_of_a_contact_newest_first(
    any_services: Services, rp: str, clock: FrozenClock
) -> None:
    contact = f"c-{uuid.uuid4().hex[:6]}"
    first = new_ticket(any_services, rp, contact_id=contact)
    clock.advance(minutes=1)
    second = new_ticket(any_services, rp, contact_id=contact)
    page = any_services.tickets.query(TicketQuery(ListIndex.CONTACT, contact))
    assert [t.id for t in page.items] == [second.id, first.id]


def test_two_agents_racing_for_one_ticket_one_wins(any_services: Services, rp: str) -> None:
    ticket = new_ticket(any_services, rp)
    copies = [any_services.tickets.get(ticket.id) for _ in range(5)]

    def claim(pair: tuple[int, Ticket]) -> bool:
        index, copy = pair
        copy.pick(f"agent{index}", any_services.clock(), timedelta(minutes=30))
        try:
            any_services.tickets.save(copy)
            return True
        except ConflictError:
            return False

    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(claim, enumerate(copies)))
    assert results.count(True) == 1
    picked = [e for e in any_services.tickets.events(ticket.id) if e.type == "picked"]
    assert len(picked) == 1


FORGED_CURSORS = {
    "not_base64_json": "!!not-a-cursor!!",
    "a_list": "W10=",  # []
    # Well formed, but keys of no index of ours (an edited or foreign cursor)
    "foreign_key": "eyJub3BlIjp7IlMiOiJ4In19",  # {"nope":{"S":"x"}}
    # A value over DynamoDB's key size
    "oversize": base64.urlsafe_b64encode(
        ('{"ticket_id":{"S":"' + "x" * 3000 + '"}}').encode()
    ).decode(),
}


@pytest.mark.parametrize("cursor", FORGED_CURSORS.values(), ids=FORGED_CURSORS.keys())
def test_a_cursor_we_did_not_hand_out_is_a_validation_error_not_a_crash(
    any_services: Services, cursor: str
) -> None:
    with pytest.raises(ValidationError):
        any_services.tickets.query(TicketQuery(ListIndex.CONTACT, "c1", limit=10, cursor=cursor))
