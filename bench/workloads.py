"""The use cases, timed one call at a time through the service functions
(the API's code path minus HTTP), on a helpdesk in DynamoDB Local."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bench.counting import RequestCounter, Usage
from chalicelib import bootstrap
from chalicelib.adapters.config_cache import CachedConfigRepository
from chalicelib.adapters.dynamodb.codec import ticket_to_model
from chalicelib.adapters.dynamodb.models import ALL_MODELS, TicketModel
from chalicelib.config import Config
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Channel, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import assignment, contacts, inboxes, tickets
from chalicelib.services.context import Services
from tests.support import FrozenClock, seed_helpdesk

# On-demand prices, us-east-1 (docs/research: aws-costs-and-limits.md §2).
DOLLARS_PER_WRU = 0.625 / 1_000_000
DOLLARS_PER_RRU = 0.125 / 1_000_000

CONTACTS = 50
CONFIG_CACHE_SECONDS = 30.0  # as in AWS (chalicelib.config: 30 s outside the local stage)
MAIL_DOMAIN = "servit.bench"
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
    cache: CachedConfigRepository  # svc.config; clear() empties it, as in a new container
    clock: FrozenClock
    users: dict[str, User]
    counter: RequestCounter
    emails: list[str] = field(default_factory=list)
    contact_ids: list[str] = field(default_factory=list)
    picked: list[str] = field(default_factory=list)
    next_closed_number: int = 900_000


def measure(
    name: str,
    desk: Helpdesk,
    call: Callable[[int], object],
    *,
    calls: int,
    warmup: int,
    start: int = 0,
    prepare: Callable[[], object] | None = None,
) -> Timing:
    """``warmup`` unmeasured calls, then ``calls`` timed ones; ``call`` gets the call index
    (counting from ``start``). ``prepare`` runs before each call, untimed and uncounted."""
    for i in range(start, start + warmup):
        call(i)
    samples: list[float] = []
    per_call: list[int] = []
    usage = Usage()
    for i in range(start + warmup, start + warmup + calls):
        if prepare is not None:
            prepare()
        started_usage = desk.counter.usage()
        before = started_usage.total_requests
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
        after = desk.counter.usage()
        per_call.append(after.total_requests - before)
        usage = usage.plus(after.minus(started_usage))
    return timing(name, samples, usage, per_call)


def timing(name: str, samples: list[float], usage: Usage, per_call: list[int]) -> Timing:
    calls = len(samples)
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


def bench_config(endpoint: str, prefix: str, data_dir: str) -> Config:
    """The AWS wiring (config cache on) with the local adapters, against the bench's tables."""
    return Config(
        stage="bench",
        region="eu-north-1",
        table_prefix=prefix,
        dynamodb_endpoint=endpoint,
        data_dir=data_dir,  # LocalIdentity's key, LocalBlobStore, LocalOutbox
        identity="local",
        user_pool_id="",
        user_pool_client_id="",
        jwt_issuer="servit-bench",
        jwt_audience="servit-web",
        mail_bucket="",
        mail_domain=MAIL_DOMAIN,
        public_url="http://127.0.0.1:8000",
        secret="bench-secret",
        ses_configuration_set="",
        config_cache_seconds=CONFIG_CACHE_SECONDS,
    )


def open_helpdesk(endpoint: str, prefix: str, data_dir: str) -> Helpdesk:
    svc = bootstrap.build(bench_config(endpoint, prefix, data_dir))  # binds the models
    if not isinstance(svc.config, CachedConfigRepository):
        raise RuntimeError("bootstrap.build did not put the config cache in front of DynamoDB")
    # The one change to the wiring: a clock the bench moves (ticket order, hourly mail
    # caps). The config cache keeps its own real monotonic clock, as in a container.
    clock = FrozenClock()
    svc.clock = clock
    counter = RequestCounter(prefix)
    counter.attach_models(ALL_MODELS)
    users = seed_helpdesk(svc)
    desk = Helpdesk(svc, svc.config, clock, users, counter)
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
# Each returns the call to time, given the call index. Pick-next appends the ticket it
# claimed to desk.picked; add-note and get-ticket use desk.picked[index].


@dataclass(frozen=True)
class UseCase:
    name: str
    make_call: Callable[[Helpdesk], Callable[[int], None]]


def _pick_next(desk: Helpdesk) -> Callable[[int], None]:
    agent = desk.users["agent1"]

    def call(_: int) -> None:
        ticket = assignment.pick_next(desk.svc, agent)
        if ticket is None:
            raise RuntimeError("pick-next found nothing: the pool is smaller than the run")
        desk.picked.append(ticket.id)

    return call


def _add_note(desk: Helpdesk) -> Callable[[int], None]:
    agent = desk.users["agent1"]

    def call(i: int) -> None:
        body = {"kind": "note", "text": f"Ringde kunden, väntar på svar ({i})."}
        tickets.add_note(desk.svc, agent, desk.picked[i], body)

    return call


def _get_ticket(desk: Helpdesk) -> Callable[[int], None]:
    agent = desk.users["agent1"]

    def call(i: int) -> None:
        tickets.get_ticket(desk.svc, agent, desk.picked[i])

    return call


def _inbox_page(desk: Helpdesk) -> Callable[[int], None]:
    agent = desk.users["agent1"]

    def call(_: int) -> None:
        page = inboxes.inbox_page(desk.svc, agent, INBOX, limit=50, cursor=None)
        if len(page.items) != 50:
            raise RuntimeError(f"expected a full page of 50, got {len(page.items)}")

    return call


def _create_ticket(desk: Helpdesk) -> Callable[[int], None]:
    agent = desk.users["agent1"]

    def call(i: int) -> None:
        desk.clock.advance(milliseconds=10)
        tickets.create_ticket(desk.svc, agent, ticket_body(desk, i * 5))  # always kt-first

    return call


# Order matters: pick-next claims tickets that add-note and get-ticket then use;
# create runs last so that the others see exactly the open tickets loaded.
USE_CASES = (
    UseCase("pick next (agent, 1 group)", _pick_next),
    UseCase("add note", _add_note),
    UseCase("get ticket + history", _get_ticket),
    UseCase("list inbox (50)", _inbox_page),
    UseCase("create ticket (known contact)", _create_ticket),
)


def warm(desk: Helpdesk, case: UseCase, calls: int, warmup: int) -> Timing:
    """A warm container: the config cache filled by the warm-up calls, as in AWS."""
    return measure(case.name, desk, case.make_call(desk), calls=calls, warmup=warmup)


def cold(desk: Helpdesk, case: UseCase, calls: int, start: int) -> Timing:
    """A cold container: the config cache emptied before every call."""
    return measure(
        case.name,
        desk,
        case.make_call(desk),
        calls=calls,
        warmup=0,
        start=start,
        prepare=desk.cache.clear,
    )


def inbox_page(desk: Helpdesk, calls: int, warmup: int, name: str) -> Timing:
    return measure(name, desk, _inbox_page(desk), calls=calls, warmup=warmup)
