"""The search contract (saved searches, S16): the in-memory fake and DynamoDB Local give the
same tickets for the same criteria, page by page, without a Scan."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.ids import new_ulid
from chalicelib.domain.search import SearchCriteria
from chalicelib.domain.sla import SlaState
from chalicelib.domain.statuses import Channel, ItilProcess, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services
from tests.support import FrozenClock

RP_A, RP_B = "rp-a", "rp-b"


def _ticket(svc: Services, n: int, **fields: object) -> Ticket:
    now = svc.clock()
    ticket = Ticket.open_new(
        actor="agent1",
        id=new_ulid(now),
        number=10000 + n,
        created_at=now,
        updated_at=now,
        **{
            "title": f"Ärende {n}",
            "response_point_id": RP_A,
            "contact_id": None,
            "channel": Channel.MANUAL,
            **fields,
        },  # type: ignore[arg-type]
    )
    return ticket


def build_desk(svc: Services, clock: FrozenClock) -> tuple[list[Ticket], datetime]:
    """Twelve tickets over twelve hours, differing in every searchable way."""
    start = clock.now
    made = []
    for n in range(12):
        fields: dict[str, object] = {
            "response_point_id": RP_A if n % 3 else RP_B,
            "group_id": ["g1", "g2", None][n % 3],
            "agent_id": "agent1" if n % 4 == 0 else None,
            "template_id": "faktura" if n % 2 else None,
            "contact_id": "c1" if n in (1, 5, 9) else None,
            "priority": [Priority.LOW, Priority.MEDIUM, Priority.HIGH][n % 3],
            "itil_process": ItilProcess.INCIDENT if n % 5 == 0 else None,
            "channel": Channel.EMAIL if n % 2 else Channel.MANUAL,
            "title": ["Skrivaren strular", "Faktura fel", "SKRIVARE på plan 3", "Lösenord"][n % 4],
            "custom_fields": {"kst": "4711" if n % 2 else "1000", "antal": n},
        }
        ticket = _ticket(svc, n, **fields)
        if n % 3 == 1:
            # a target: first response in 1 h, resolution in 5 h (some missed by the end)
            ticket.set_sla(clock.now + timedelta(hours=1), clock.now + timedelta(hours=5))
        if n == 4:
            ticket.set_sla(None, clock.now + timedelta(hours=100))
            ticket.sla_breached = True  # answered late earlier
        svc.tickets.add(ticket)
        if n % 3 == 2:
            ticket.change_status(Status.OPEN, "agent1", clock.now)
            svc.tickets.save(ticket)
        if n == 1:  # waiting for the customer at once: its SLA clock stands still (S12)
            ticket.change_status(Status.WITH_CONTACT, "agent1", clock.now)
            svc.tickets.save(ticket)
        if n in (7, 10):
            ticket.note_first_response(clock.now)
            ticket.change_status(Status.CLOSED, "agent1", clock.now + timedelta(minutes=5))
            svc.tickets.save(ticket)
        made.append(svc.tickets.get(ticket.id))
        clock.advance(hours=1)
    return made, start


def all_pages(svc: Services, criteria: SearchCriteria, now: datetime) -> list[int]:
    numbers, cursor, requests = [], None, 0
    while True:
        page = svc.tickets.search(criteria, now, limit=3, cursor=cursor)
        numbers += [t.number for t in page.items]
        cursor, requests = page.cursor, requests + 1
        assert requests < 30
        if cursor is None:
            return sorted(numbers)


def cases(start: datetime) -> dict[str, SearchCriteria]:
    at = lambda h: start + timedelta(hours=h, minutes=1)  # noqa: E731
    return {
        "status-on-rp": SearchCriteria(statuses=("open",), equal={"response_point_id": RP_A}),
        "statuses-on-group": SearchCriteria(statuses=("new", "open"), equal={"group_id": "g2"}),
        "agent-and-priority": SearchCriteria(equal={"agent_id": "agent1", "priority": "low"}),
        "template-created-range": SearchCriteria(
            equal={"template_id": "faktura"}, ranges={"created": (at(2), at(8))}
        ),
        "contact": SearchCriteria(equal={"contact_id": "c1"}),
        "words-anywhere": SearchCriteria(words=("skrivare",)),
        "two-words": SearchCriteria(words=("skrivare", "plan")),
        "sla-breached": SearchCriteria(sla_state=SlaState.BREACHED),
        "sla-running": SearchCriteria(sla_state=SlaState.RUNNING),
        "sla-none-on-rp": SearchCriteria(
            sla_state=SlaState.NONE, equal={"response_point_id": RP_B}
        ),
        "custom-text": SearchCriteria(custom_fields={"kst": "4711"}, equal={"channel": "email"}),
        "custom-number": SearchCriteria(custom_fields={"antal": 6}),
        "closed-range": SearchCriteria(ranges={"closed": (at(5), None)}),
        "updated-itil": SearchCriteria(
            equal={"itil_process": "incident"}, ranges={"updated": (None, at(6))}
        ),
        "nothing-matches": SearchCriteria(equal={"group_id": "g1", "priority": "high"}),
    }


@pytest.mark.parametrize("case", list(cases(datetime.now())))
def test_search_gives_what_the_criteria_mean_on_every_adapter(
    any_services: Services, clock: FrozenClock, case: str
) -> None:
    tickets, start = build_desk(any_services, clock)
    criteria = cases(start)[case]
    now = clock.now
    expected = sorted(t.number for t in tickets if criteria.matches(t, now))
    assert all_pages(any_services, criteria, now) == expected
    if case != "nothing-matches":
        assert expected, "a case that matches nothing cannot tell adapters apart"


def test_a_search_reads_one_index_query_per_page_and_never_scans(
    dynamo_services: Services, clock: FrozenClock
) -> None:
    from chalicelib.adapters.dynamodb.models import TicketModel

    build_desk(dynamo_services, clock)
    calls: list[str] = []
    client = TicketModel._get_connection().connection.client
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    dynamo_services.tickets.search(SearchCriteria(words=("faktura",)), clock.now, limit=5)
    dynamo_services.tickets.search(
        SearchCriteria(equal={"group_id": "g1"}, statuses=("new",)), clock.now, limit=5
    )
    assert calls == ["Query", "Query"]
