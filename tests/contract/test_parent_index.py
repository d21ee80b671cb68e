"""The ``by_parent`` index (S10): a parent's children by Query, never a Scan, on the
in-memory fake and on DynamoDB Local alike."""

from __future__ import annotations

import uuid

from chalicelib.domain.statuses import Status
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, TicketQuery
from tests.contract.test_ticket_repository import new_ticket
from tests.support import FrozenClock


def test_a_parents_children_are_listed_newest_first_in_pages_and_others_are_not(
    any_services: Services, clock: FrozenClock
) -> None:
    rp = f"rp-{uuid.uuid4().hex[:8]}"
    parent = new_ticket(any_services, rp)
    stranger = new_ticket(any_services, rp)
    kids = []
    for _ in range(3):
        kids.append(new_ticket(any_services, rp, parent_id=parent.id))
        clock.advance(minutes=1)
    new_ticket(any_services, rp, parent_id=stranger.id)

    first = any_services.tickets.query(TicketQuery(ListIndex.PARENT, parent.id, limit=2))
    rest = any_services.tickets.query(
        TicketQuery(ListIndex.PARENT, parent.id, limit=2, cursor=first.cursor)
    )

    assert [t.id for t in first.items + rest.items] == [k.id for k in reversed(kids)]
    assert rest.cursor is None
    assert any_services.tickets.query(TicketQuery(ListIndex.PARENT, kids[0].id)).items == []


def test_a_closed_child_stays_listed_with_its_status_and_an_unlinked_one_leaves(
    any_services: Services,
) -> None:
    rp = f"rp-{uuid.uuid4().hex[:8]}"
    parent = new_ticket(any_services, rp)
    closed = new_ticket(any_services, rp, parent_id=parent.id)
    unlinked = new_ticket(any_services, rp, parent_id=parent.id)
    now = any_services.clock()
    closed.change_status(Status.CLOSED, "system:parent", now)
    any_services.tickets.save(closed)
    unlinked.set_field("parent_id", None, "agent1", now)
    any_services.tickets.save(unlinked)

    page = any_services.tickets.query(TicketQuery(ListIndex.PARENT, parent.id))

    assert [(t.id, t.status) for t in page.items] == [(closed.id, Status.CLOSED)]


def test_a_parents_run_reads_back_as_written(any_services: Services) -> None:
    rp = f"rp-{uuid.uuid4().hex[:8]}"
    parent = new_ticket(any_services, rp)
    run = {"run_id": "01RUN", "mode": "close", "total": 3, "done": 0, "attempt": 1,
           "by": "agent1", "started_at": "2026-03-02T09:00:00Z", "finished_at": None}  # fmt: skip
    parent.children_run = run
    parent.set_field("title", "Förälder med körning", "agent1", any_services.clock())
    any_services.tickets.save(parent)

    assert any_services.tickets.get(parent.id).children_run == run
