"""Statistics counters kept from the TicketEvents stream (issue 14) equal a recount from the
tickets' histories, figure by figure, with batches delivered twice and changes delivered
late (after later ones); the stream path runs through the consumer's Lambda handler."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters.dynamodb.stream import lambda_record
from chalicelib.adapters.memory import InMemoryTicketRepository
from chalicelib.adapters.memory_stats import InMemoryStatsRepository
from chalicelib.api import events as event_handlers
from chalicelib.domain.events import EventType
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.statuses import Channel, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services
from chalicelib.services.statistics import rebuild, report
from tests.support import FrozenClock, fake_services, seed_helpdesk

START = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # the Friday before summer time begins
ADMIN = User("boss", "boss@example.com", "Boss", roles=[Role.ADMIN])


class Driver:
    """Tickets moved through varied histories, saved as the services save them."""

    def __init__(self, svc: Services, clock: FrozenClock) -> None:
        self.svc, self.clock, self.numbers = svc, clock, iter(range(1000, 2000))
        self.ids: list[str] = []

    def new(self, channel: Channel, group: str, agent: str | None, **more: Any) -> Ticket:
        now = self.clock()
        ticket = Ticket.open_new(
            actor="system",
            id=new_ulid(now),
            number=next(self.numbers),
            title="Fråga",
            response_point_id="kundtjanst",
            contact_id=None,
            channel=channel,
            created_at=now,
            updated_at=now,
            group_id=group,
            agent_id=agent,
            **more,
        )
        self.svc.tickets.add(ticket)
        self.ids.append(ticket.id)
        return self.svc.tickets.get(ticket.id)

    def change(self, ticket_id: str, move: Any, hours: float = 1) -> Ticket:
        self.clock.advance(hours=hours)
        ticket = self.svc.tickets.get(ticket_id)
        move(ticket, self.clock())
        self.svc.tickets.save(ticket)
        return ticket


def message(kind: EventType, channel: str, **data: Any) -> Any:
    def move(ticket: Ticket, now: datetime) -> None:
        ticket.record_message(
            kind, {"channel": channel, **data}, actor="x", now=now, event_id=new_ulid(now)
        )

    return move


def status(new: Status) -> Any:
    return lambda ticket, now: ticket.change_status(new, "agent1", now)


def deliver(svc: Services, stored: list[StoredEvent], start: int) -> None:
    records = [lambda_record(s, f"{start + i:021d}") for i, s in enumerate(stored)]
    answer = event_handlers.handle(svc, {"Records": records})
    assert answer["batchItemFailures"] == []


def test_counters_from_the_stream_equal_a_recount_of_the_histories() -> None:
    clock = FrozenClock(START)
    svc = fake_services(clock)
    seed_helpdesk(svc)
    repo = svc.tickets
    assert isinstance(repo, InMemoryTicketRepository)
    drive = Driver(svc, clock)
    batches: list[list[StoredEvent]] = []

    # 1: by e-mail, answered once and closed (one touch), within its SLA.
    one = drive.new(Channel.EMAIL, "kt-first", "agent1")
    drive.change(one.id, lambda t, now: t.set_sla(now + timedelta(hours=4),
                                                  now + timedelta(days=2), now=now))  # fmt: skip
    drive.change(one.id, message(EventType.MESSAGE_IN, "email"))
    drive.change(one.id, message(EventType.MESSAGE_OUT, "email", automatic=False))
    drive.change(one.id, status(Status.CLOSED), hours=2)
    batches.append(repo.take_stream())

    # 2: by SMS, an automatic acknowledgement, paused with the contact, breached, moved to
    # another group and agent while open, a consultation answered, closed, reopened, closed.
    two = drive.new(Channel.SMS, "kt-first", None, priority=Priority.HIGH)
    drive.change(two.id, message(EventType.MESSAGE_OUT, "sms", automatic=True), hours=0.1)
    drive.change(two.id, lambda t, now: t.set_sla(now + timedelta(hours=2),
                                                  now + timedelta(hours=30), now=now))  # fmt: skip
    drive.change(two.id, status(Status.WITH_CONTACT))
    batches.append(repo.take_stream())
    drive.change(two.id, status(Status.OPEN), hours=5)
    drive.change(two.id, lambda t, now: t.settle_sla_pause(None, now), hours=0)
    drive.change(two.id, lambda t, now: t.record_sla_breach("first_response",
                                                            t.sla_generation, now), hours=3)  # fmt: skip
    drive.change(two.id, lambda t, now: t.assign("dispatcher", now, agent_id="agent3",
                                                 group_id="kt-second"))  # fmt: skip
    drive.change(two.id, message(EventType.CONSULTATION_SENT, "email", consultation_id="c1",
                                 deadline="2026-05-01T00:00:00Z"))  # fmt: skip
    drive.change(two.id, message(EventType.EXTERNAL_ANSWER, "email", consultation_id="c1"), 20)
    drive.change(two.id, message(EventType.MESSAGE_OUT, "sms"))
    drive.change(two.id, message(EventType.MESSAGE_IN, "sms"))
    drive.change(two.id, message(EventType.MESSAGE_OUT, "sms"))
    drive.change(two.id, status(Status.RESOLVED), hours=30)
    drive.change(two.id, lambda t, now: t.reopen("agent3", now))
    drive.change(two.id, status(Status.CLOSED), hours=26)
    batches.append(repo.take_stream())

    # 3: a web form ticket still open at the end, over the change to summer time.
    three = drive.new(Channel.WEBFORM, "it-desk", "agent3")
    drive.change(three.id, message(EventType.MESSAGE_IN, "webform"), hours=24)
    drive.change(three.id, lambda t, now: t.set_priority(Priority.LOW, "agent3", now))
    batches.append(repo.take_stream())

    # Delivered late and twice: the last batches first, then everything again.
    deliver(svc, batches[3], 1)
    deliver(svc, batches[2], 100)
    deliver(svc, batches[0], 200)
    deliver(svc, batches[1], 300)
    stats = svc.stats
    assert isinstance(stats, InMemoryStatsRepository)
    writes = stats.writes
    for n, batch in enumerate(batches):
        deliver(svc, batch, 400 + 100 * n)
    assert stats.writes == writes, "a redelivered change wrote counters again"

    kept = {k: {n: v for n, v in c.items() if v} for k, c in stats.counters.items()}
    kept = {k: c for k, c in kept.items() if c}
    recounted, _ = rebuild.recount(svc, [(repo.get(i), repo.events(i)) for i in drive.ids])
    assert kept == {(f"{d}#{v}", day): c for (d, v, day), c in recounted.items()}

    # And the figures are the ones the histories tell, read through a report.
    found = report.report(svc, ADMIN, {"from": "2026-03-27", "to": "2026-04-05", "by": "group"})
    totals = found["totals"]
    assert (totals["created"], totals["closed"], totals["reopened"]) == (3, 3, 1)
    assert totals["backlog"] == 1
    assert totals["messages_in"] == {"email": 1, "sms": 1, "webform": 1}
    assert totals["messages_out"] == {"email": 1, "sms": 3}
    assert totals["sla"]["breaches"] == 1
    assert totals["sla"]["first_response_total"] == 2
    assert totals["sla"]["first_response_met"] == 1
    assert totals["sla"]["paused_hours"] == pytest.approx(5, abs=0.01)
    assert totals["consultations"] == {
        "count": 1,
        "answered": 1,
        "median_hours": pytest.approx(20, rel=0.06),
    }
    assert totals["one_touch"] == {
        "resolved": 3,
        "one_touch": 1,
        "rate": pytest.approx(1 / 3, abs=0.001),
    }
    groups = {row["key"]: row["figures"] for row in found["breakdown"]}
    # Ticket 2 moved from kt-first to kt-second while open: its backlog went along.
    assert groups["kt-first"]["created"] == 2 and groups["kt-first"]["backlog"] == 0
    assert groups["kt-second"]["closed"] == 2 and groups["kt-second"]["backlog"] == 0
    assert groups["it-desk"]["backlog"] == 1
    # A range that begins after every change: nothing happened in it, one ticket still open.
    later = report.report(
        svc, ADMIN, {"from": "2026-04-02", "to": "2026-04-05", "group": "it-desk"}
    )
    assert (later["totals"]["created"], later["totals"]["backlog"]) == (0, 1)
    assert [p["figures"]["backlog"] for p in later["series"]] == [1, 1, 1, 1]


def test_a_rebuild_replaces_counters_that_went_wrong() -> None:
    clock = FrozenClock(START)
    svc = fake_services(clock)
    seed_helpdesk(svc)
    drive = Driver(svc, clock)
    ticket = drive.new(Channel.EMAIL, "kt-first", "agent1")
    drive.change(ticket.id, status(Status.CLOSED))
    repo, stats = svc.tickets, svc.stats
    assert isinstance(repo, InMemoryTicketRepository)
    assert isinstance(stats, InMemoryStatsRepository)
    deliver(svc, repo.take_stream(), 1)
    right = copy.deepcopy(stats.counters)
    stats.counters[("all#all", "2026-03-27")]["created"] = 99  # a bug, say
    stats.counters[("group#gone", "2026-03-27")] = {"created": 1}
    assert rebuild.rebuild(svc, drive.ids) == 1
    assert stats.counters == right
