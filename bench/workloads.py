"""The use cases, timed one call at a time through the service functions
(the API's code path minus HTTP), on a helpdesk in DynamoDB Local."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bench.counting import RequestCounter, Usage
from chalicelib.adapters.dynamodb.codec import ticket_to_model
from chalicelib.adapters.dynamodb.models import ALL_MODELS, TicketModel
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Channel, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import assignment, contacts, inboxes, tickets
from chalicelib.services.context import Services
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk

# On-demand prices, us-east-1 (docs/research: aws-costs-and-limits.md §2).
DOLLARS_PER_WRU = 0.625 / 1_000_000
DOLLARS_PER_RRU = 0.125 / 1_000_000

CONTACTS = 50
INBOX = "group:kt-first"
PRIORITIES = (Priority.LOW, Priority.MEDIUM, Priority.MEDIUM, Priority.HIGH)
# Where the open tickets go, by ticket index modulo 5: (response point, group).
PLACES = [("kundtjanst", "kt-first")] * 3 + [("kundtjanst", "kt-second"), ("it-support", "it-desk")]
DESCRIPTION = "Skrivaren på plan 3 matar fel papper och fastnar varannan sida. " * 4


def dollars(usage: Usage) -> float:
    return usage.write_units * DOLLARS_PER_WRU + usage.read_units * DOLLARS_PER_RRU


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Timing:
    name: str
    calls: int
    p50_ms: float
    p99_ms: float
    usage: Usage  # all measured calls together
    fewest_requests: int
    most_requests: int

    def per_call(self, value: float) -> float:
        return value / self.calls


@dataclass
class Helpdesk:
    svc: Services
    clock: FrozenClock
    users: dict[str, User]
    counter: RequestCounter
    emails: list[str] = field(default_factory=list)
    contact_ids: list[str] = field(default_factory=list)
    picked: list[str] = field(default_factory=list)
    next_closed_number: int = 900_000


def measure(
    name: str, desk: Helpdesk, call: Callable[[int], object], *, calls: int, warmup: int
) -> Timing:
    """``warmup`` unmeasured calls, then ``calls`` timed ones; ``call`` gets the call index."""
    for i in range(warmup):
        call(i)
    samples: list[float] = []
    per_call: list[int] = []
    start_usage = desk.counter.usage()
    for i in range(warmup, warmup + calls):
        before = desk.counter.usage().total_requests
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
        per_call.append(desk.counter.usage().total_requests - before)
    usage = desk.counter.usage().minus(start_usage)
    return Timing(
        name,
        calls,
        percentile(samples, 50),
        percentile(samples, 99),
        usage,
        min(per_call),
        max(per_call),
    )


# --- the helpdesk ---------------------------------------------------------------


def open_helpdesk(endpoint: str, prefix: str) -> Helpdesk:
    clock = FrozenClock()
    svc = dynamo_backed_services(endpoint, prefix, clock)  # binds the models
    counter = RequestCounter(prefix)
    counter.attach_models(ALL_MODELS)
    users = seed_helpdesk(svc)
    desk = Helpdesk(svc, clock, users, counter)
    for i in range(CONTACTS):
        email = f"kund{i}@example.se"
        contact = contacts.create_contact(svc, {"name": f"Kund {i}", "emails": [email]})
        desk.emails.append(email)
        desk.contact_ids.append(contact.id)
    return desk


def ticket_body(desk: Helpdesk, i: int) -> dict[str, object]:
    rp, group = PLACES[i % len(PLACES)]
    return {
        "title": f"Skrivaren fastnar ({i})",
        "description": DESCRIPTION,
        "priority": PRIORITIES[i % len(PRIORITIES)].value,
        "ticket_type": "fault",
        "response_point_id": rp,
        "group_id": group,
        "contact": {"email": desk.emails[i % len(desk.emails)]},
    }


def create_open_tickets(desk: Helpdesk, count: int) -> None:
    creator = desk.users["dispatcher"]
    for i in range(count):
        desk.clock.advance(seconds=1)
        tickets.create_ticket(desk.svc, creator, ticket_body(desk, i))


def load_closed_tickets(desk: Helpdesk, count: int) -> None:
    """Closed tickets straight into the table with batch writes (no history, no lookups)."""
    now = desk.clock()
    with TicketModel.batch_write() as batch:
        for i in range(count):
            number = desk.next_closed_number
            desk.next_closed_number += 1
            created = now - timedelta(days=400) + timedelta(minutes=i)
            ticket = Ticket(
                id=new_ulid(created),
                number=number,
                title=f"Gammalt ärende {number}",
                response_point_id="kundtjanst",
                contact_id=desk.contact_ids[i % len(desk.contact_ids)],
                channel=Channel.EMAIL,
                created_at=created,
                updated_at=created + timedelta(days=3),
                status=Status.CLOSED,
                priority=PRIORITIES[i % len(PRIORITIES)],
                ticket_type="fault",
                group_id="kt-first",
                agent_id="agent1" if i % 2 else "agent2",
                description=DESCRIPTION,
                resolved_at=created + timedelta(days=2),
                closed_at=created + timedelta(days=3),
            )
            batch.save(ticket_to_model(ticket))


# --- the use cases ---------------------------------------------------------------


def pick_next(desk: Helpdesk, calls: int, warmup: int) -> Timing:
    agent = desk.users["agent1"]

    def call(_: int) -> None:
        ticket = assignment.pick_next(desk.svc, agent)
        if ticket is None:
            raise RuntimeError("pick-next found nothing: the pool is smaller than the run")
        desk.picked.append(ticket.id)

    return measure("pick next (agent, 1 group)", desk, call, calls=calls, warmup=warmup)


def add_note(desk: Helpdesk, calls: int, warmup: int) -> Timing:
    agent = desk.users["agent1"]

    def call(i: int) -> None:
        body = {"kind": "note", "text": f"Ringde kunden, väntar på svar ({i})."}
        tickets.add_note(desk.svc, agent, desk.picked[i], body)

    return measure("add note", desk, call, calls=calls, warmup=warmup)


def get_ticket(desk: Helpdesk, calls: int, warmup: int) -> Timing:
    agent = desk.users["agent1"]

    def call(i: int) -> None:
        tickets.get_ticket(desk.svc, agent, desk.picked[i])

    return measure("get ticket + history", desk, call, calls=calls, warmup=warmup)


def inbox_page(desk: Helpdesk, calls: int, warmup: int, name: str = "list inbox (50)") -> Timing:
    agent = desk.users["agent1"]

    def call(_: int) -> None:
        page = inboxes.inbox_page(desk.svc, agent, INBOX, limit=50, cursor=None)
        if len(page.items) != 50:
            raise RuntimeError(f"expected a full page of 50, got {len(page.items)}")

    return measure(name, desk, call, calls=calls, warmup=warmup)


def create_ticket(desk: Helpdesk, calls: int, warmup: int) -> Timing:
    agent = desk.users["agent1"]

    def call(i: int) -> None:
        desk.clock.advance(milliseconds=10)
        tickets.create_ticket(desk.svc, agent, ticket_body(desk, i * 5))  # always kt-first

    return measure("create ticket (known contact)", desk, call, calls=calls, warmup=warmup)
