"""The SLA clock follows the template's calendar (S12): a ticket a template sets targets
on is due in the calendar's opening hours, however the template came to it (an agent's
new ticket, an agent applying it, a matching rule at intake); a template without a
calendar counts elapsed time; a calendar gone since is logged, never a refusal."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters.config_cache import CachedConfigRepository
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import calendars, template_use, tickets
from chalicelib.services.calendars import CALENDAR
from chalicelib.services.context import Services
from tests.calendar_data import office_hours
from tests.support import FrozenClock
from tests.unit.mail.flows import deliver, mail_file
from tests.unit.rules.desk import cond, make_rule, make_template

pytestmark = pytest.mark.usefixtures("people")

KONTOR = {k: v for k, v in office_hours(closed_dates=["2026-12-24"]).items() if k != "id"}
# One hour to answer and sixteen to solve a high-priority ticket
SLA = {"first_response": {"high": 60}, "resolution": {"high": 960}}
FRIDAY_AFTERNOON = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 16:30 in Stockholm (CET)
# Office hours: 30 minutes on Friday, then from Monday 08:00 (07:00 UTC)
MONDAY_0830 = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
TUESDAY_1430 = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)  # 30 + 540 + 390 minutes


@pytest.fixture
def friday(clock: FrozenClock) -> FrozenClock:
    clock.now = FRIDAY_AFTERNOON
    return clock


@pytest.fixture
def office_template(svc: Services, people: dict[str, User]) -> None:
    calendars.save_calendar(svc, people["admin"], "kontor", KONTOR, create=True)
    make_template(svc, people["admin"], sla=SLA, calendar_id="kontor")
    make_template(svc, people["admin"], "dygnet-runt", sla=SLA)  # no calendar


def new_ticket(svc: Services, agent: User, **fields: Any) -> Ticket:
    body = {"title": "Dubbeldebiterad", "contact": {"email": "anna@kund.example.se"}, **fields}
    return svc.tickets.get(tickets.create_ticket(svc, agent, body).id)


def count_gets(svc: Services, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The Config GetItems from here on: (kind, id)."""
    seen: list[tuple[str, str]] = []
    get: Callable[[str, str], Any] = svc.config.get

    def counting(kind: str, item_id: str) -> Any:
        seen.append((kind, item_id))
        return get(kind, item_id)

    monkeypatch.setattr(svc.config, "get", counting)
    return seen


@pytest.mark.usefixtures("office_template", "friday")
def test_a_friday_afternoon_ticket_from_an_office_hours_template_is_due_on_monday(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    gets = count_gets(svc, monkeypatch)
    ticket = new_ticket(svc, people["agent1"], template_id="faktura")
    assert ticket.created_at == FRIDAY_AFTERNOON and ticket.priority == "high"
    assert (ticket.first_response_due, ticket.resolution_due) == (MONDAY_0830, TUESDAY_1430)
    # The calendar costs one Config GetItem
    assert gets.count((CALENDAR, "kontor")) == 1


@pytest.mark.usefixtures("office_template", "friday")
def test_a_template_without_a_calendar_counts_elapsed_time(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    gets = count_gets(svc, monkeypatch)
    ticket = new_ticket(svc, people["agent1"], template_id="dygnet-runt")
    assert (ticket.first_response_due, ticket.resolution_due) == (
        FRIDAY_AFTERNOON + timedelta(minutes=60),
        FRIDAY_AFTERNOON + timedelta(minutes=960),
    )
    assert [g for g in gets if g[0] == CALENDAR] == []


@pytest.mark.usefixtures("office_template")
def test_an_agent_applying_the_template_later_counts_from_the_tickets_creation_in_office_hours(
    svc: Services, people: dict[str, User], friday: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket = new_ticket(svc, agent, priority="high")
    assert ticket.first_response_due is None  # no template, no target
    friday.advance(hours=3)  # applied in the evening: the clock counts from creation
    applied = template_use.apply_template(svc, agent, ticket.id, {"template_id": "faktura"})
    assert (applied.first_response_due, applied.resolution_due) == (MONDAY_0830, TUESDAY_1430)
    stored = svc.tickets.get(ticket.id)
    assert (stored.first_response_due, stored.resolution_due) == (MONDAY_0830, TUESDAY_1430)


@pytest.mark.usefixtures("office_template", "friday")
def test_a_mail_a_rule_gives_the_office_hours_template_is_due_on_monday(
    svc: Services, people: dict[str, User]
) -> None:
    make_rule(svc, people["admin"], "fakturor", cond("subject", "contains", "faktura"),
              template_id="faktura", position=10)  # fmt: skip
    entry = deliver(svc, mail_file("customer_request.eml", subject="Faktura 4711 fel"))
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert (ticket.template_id, ticket.priority) == ("faktura", "high")
    assert (ticket.first_response_due, ticket.resolution_due) == (MONDAY_0830, TUESDAY_1430)


@pytest.mark.usefixtures("office_template", "friday")
def test_a_calendar_gone_since_falls_back_to_elapsed_time_and_is_logged(
    svc: Services, people: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    # Deleted behind the template's back (the in-use check and a template save can race)
    svc.config.delete(CALENDAR, "kontor")
    ticket = new_ticket(svc, people["agent1"], template_id="faktura")
    assert (ticket.first_response_due, ticket.resolution_due) == (
        FRIDAY_AFTERNOON + timedelta(minutes=60),
        FRIDAY_AFTERNOON + timedelta(minutes=960),
    )
    [warning] = [r for r in caplog.records if "SLA clock" in r.getMessage()]
    assert warning.levelname == "WARNING"
    assert warning.getMessage() == "SLA clock runs in elapsed time: calendar not found"
    assert (warning.__dict__["template"], warning.__dict__["calendar"]) == ("faktura", "kontor")


@pytest.mark.usefixtures("office_template", "friday")
def test_a_stored_calendar_no_longer_valid_falls_back_to_elapsed_time(
    svc: Services, people: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    record = svc.config.get(CALENDAR, "kontor")
    assert record is not None
    svc.config.put(CALENDAR, "kontor", {**record, "time_zone": "Mars/Olympus_Mons"})
    ticket = new_ticket(svc, people["agent1"], template_id="faktura")
    assert ticket.first_response_due == FRIDAY_AFTERNOON + timedelta(minutes=60)
    [warning] = [r for r in caplog.records if "SLA clock" in r.getMessage()]
    assert "stored calendar is not valid" in warning.getMessage()
    assert "IANA time zone" in warning.getMessage()


@pytest.mark.usefixtures("friday")
def test_a_calendar_never_open_gives_no_due_times(svc: Services, people: dict[str, User]) -> None:
    admin = people["admin"]
    calendars.save_calendar(svc, admin, "stangt", {"name": "Stängt", "hours": {}}, create=True)
    make_template(svc, admin, sla=SLA, calendar_id="stangt")
    ticket = new_ticket(svc, people["agent1"], template_id="faktura")
    assert (ticket.first_response_due, ticket.resolution_due) == (None, None)


@pytest.mark.usefixtures("office_template", "friday")
def test_the_config_cache_reads_the_calendar_once_per_container(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    gets = count_gets(svc, monkeypatch)  # what reaches DynamoDB, behind the cache
    cached = dataclasses.replace(svc, config=CachedConfigRepository(svc.config, ttl=60))
    first = new_ticket(cached, people["agent1"], template_id="faktura")
    second = new_ticket(cached, people["agent1"], template_id="faktura")
    assert first.first_response_due == second.first_response_due == MONDAY_0830
    assert gets.count((CALENDAR, "kontor")) == 1
