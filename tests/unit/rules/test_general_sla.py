"""General SLA targets (Settings, S16): a ticket gets them where its template gives no
target of its own (per kind and priority), or has no template at all; in the template's
calendar, else the general calendar, else elapsed time. Neither: no due times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.calendars import WEEKDAYS
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.organisation import Settings, User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import admin, calendars, tickets
from chalicelib.services.calendars import CALENDAR
from chalicelib.services.context import Services
from chalicelib.services.directory import SETTINGS
from chalicelib.services.sla_targets import merged_sla
from tests.calendar_data import AROUND_THE_CLOCK, office_hours
from tests.support import FrozenClock
from tests.unit.mail.flows import deliver, mail_file
from tests.unit.rules.desk import make_template
from tests.unit.rules.test_sla_calendar import count_gets

pytestmark = pytest.mark.usefixtures("people")

KONTOR = {k: v for k, v in office_hours().items() if k != "id"}
DYGNET = {
    "name": "Dygnet runt",
    "time_zone": "UTC",
    "hours": dict.fromkeys(WEEKDAYS, AROUND_THE_CLOCK),
}
GENERAL = {"first_response": {"high": 60, "medium": 120}, "resolution": {"high": 960}}
FRIDAY_AFTERNOON = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 16:30 in Stockholm (CET)
MONDAY_0830 = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # 30 + 30 office minutes (CET)
MONDAY_0930 = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # 30 + 90
TUESDAY_1430 = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)  # 30 + 540 + 390


@pytest.fixture(autouse=True)
def friday(clock: FrozenClock) -> FrozenClock:
    clock.now = FRIDAY_AFTERNOON
    return clock


@pytest.fixture
def office(svc: Services, people: dict[str, User]) -> None:
    calendars.save_calendar(svc, people["admin"], "kontor", KONTOR, create=True)
    calendars.save_calendar(svc, people["admin"], "dygnet", DYGNET, create=True)


def general(svc: Services, people: dict[str, User], **fields: Any) -> dict[str, Any]:
    return admin.put_settings(svc, people["admin"], fields)


def new_ticket(svc: Services, agent: User, **fields: Any) -> Ticket:
    body = {"title": "Dubbeldebiterad", "contact": {"email": "anna@kund.example.se"}, **fields}
    return svc.tickets.get(tickets.create_ticket(svc, agent, body).id)


def due(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    return ticket.first_response_due, ticket.resolution_due


# --- the Settings' own shape ------------------------------------------------------------


def test_settings_have_no_general_targets_by_default() -> None:
    assert (Settings().sla, Settings().calendar_id) == ({}, "")


@pytest.mark.parametrize(
    "fields",
    [
        {"sla": []},
        {"sla": {"answer": {"high": 5}}},
        {"sla": {"first_response": {"urgent": 5}}},
        {"sla": {"first_response": {"high": 0}}},
        {"sla": {"first_response": {"high": "5"}}},
        {"sla": {"first_response": {"high": True}}},
        {"sla": {"resolution": {"low": 366 * 24 * 60 + 1}}},
        {"sla": {"resolution": 60}},
        {"calendar_id": "Kontor Tid"},
        {"calendar_id": 7},
    ],
)
def test_bad_general_targets_are_refused_as_a_templates_are(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Settings(**fields)


def test_the_general_calendar_must_exist(svc: Services, people: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="no calendar 'kontor'"):
        general(svc, people, calendar_id="kontor")
    assert (svc.config.get(SETTINGS, "global") or {}).get("calendar_id", "") == ""


@pytest.mark.usefixtures("office")
def test_the_general_calendar_cannot_be_deleted(svc: Services, people: dict[str, User]) -> None:
    general(svc, people, sla=GENERAL, calendar_id="kontor")
    with pytest.raises(ConflictError, match="settings") as refused:
        calendars.delete_calendar(svc, people["admin"], "kontor")
    assert refused.value.code == "in_use"
    shown = calendars.get_calendar(svc, people["admin"], "kontor")
    assert (shown["used_by"], shown["used_by_settings"]) == ([], True)
    # Another calendar is free to go; this one once the settings name another
    calendars.delete_calendar(svc, people["admin"], "dygnet")
    general(svc, people, calendar_id="")
    calendars.delete_calendar(svc, people["admin"], "kontor")
    assert svc.config.get(CALENDAR, "kontor") is None


def test_merged_targets_take_the_templates_per_kind_and_priority() -> None:
    own = {"first_response": {"high": 5}}
    assert merged_sla(own, GENERAL) == {
        "first_response": {"high": 5, "medium": 120},
        "resolution": {"high": 960},
    }
    assert merged_sla({}, {}) == {}
    assert merged_sla(own, {}) == own


# --- due times on new tickets ------------------------------------------------------------


@pytest.mark.usefixtures("office")
def test_a_ticket_without_a_template_gets_the_general_targets_in_the_general_calendar(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    general(svc, people, sla=GENERAL, calendar_id="kontor")
    gets = count_gets(svc, monkeypatch)
    ticket = new_ticket(svc, people["agent1"], priority="high")
    assert ticket.template_id is None
    assert due(ticket) == (MONDAY_0830, TUESDAY_1430)
    assert gets.count((CALENDAR, "kontor")) == 1
    # A medium one: only a first-response target
    assert due(new_ticket(svc, people["agent1"], priority="medium")) == (MONDAY_0930, None)
    # No target for low
    assert due(new_ticket(svc, people["agent1"], priority="low")) == (None, None)


@pytest.mark.usefixtures("office")
def test_general_targets_without_a_calendar_count_elapsed_time(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    general(svc, people, sla=GENERAL)
    gets = count_gets(svc, monkeypatch)
    ticket = new_ticket(svc, people["agent1"], priority="high")
    assert due(ticket) == (
        FRIDAY_AFTERNOON + timedelta(minutes=60),
        FRIDAY_AFTERNOON + timedelta(minutes=960),
    )
    assert [g for g in gets if g[0] == CALENDAR] == []


@pytest.mark.usefixtures("office")
def test_a_ticket_the_matching_rules_place_without_a_template_gets_the_general_targets(
    svc: Services, people: dict[str, User]
) -> None:
    general(svc, people, sla=GENERAL, calendar_id="kontor")
    ticket = new_ticket(svc, people["agent1"], priority="high", apply_rules=True)
    assert due(ticket) == (MONDAY_0830, TUESDAY_1430)


@pytest.mark.usefixtures("office")
def test_a_mail_without_a_template_gets_the_general_targets(
    svc: Services, people: dict[str, User]
) -> None:
    general(svc, people, sla={"first_response": {"medium": 60}}, calendar_id="kontor")
    entry = deliver(svc, mail_file("customer_request.eml", subject="Faktura 4711 fel"))
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert (ticket.template_id, ticket.priority) == (None, "medium")
    assert due(ticket) == (MONDAY_0830, None)


@pytest.mark.usefixtures("office")
def test_a_templates_own_target_wins_per_kind_and_priority(
    svc: Services, people: dict[str, User]
) -> None:
    # The general calendar is open around the clock; the template's office hours win
    general(svc, people, sla=GENERAL, calendar_id="dygnet")
    make_template(svc, people["admin"], sla={"first_response": {"high": 90}}, calendar_id="kontor")
    ticket = new_ticket(svc, people["agent1"], template_id="faktura")
    assert ticket.priority == "high"
    # first response: the template's 90 office minutes; resolution: the general 960
    assert due(ticket) == (MONDAY_0830 + timedelta(minutes=30), TUESDAY_1430)
    # A medium ticket from it: the template has no medium target, the general 120 counts
    medium = new_ticket(svc, people["agent1"], template_id="faktura", priority="medium")
    assert due(medium) == (MONDAY_0930, None)


@pytest.mark.usefixtures("office")
def test_a_template_without_a_calendar_uses_the_general_calendar(
    svc: Services, people: dict[str, User]
) -> None:
    general(svc, people, calendar_id="kontor")  # a calendar, no general targets
    make_template(svc, people["admin"], sla={"first_response": {"high": 60},
                                             "resolution": {"high": 960}})  # fmt: skip
    ticket = new_ticket(svc, people["agent1"], template_id="faktura")
    assert due(ticket) == (MONDAY_0830, TUESDAY_1430)


@pytest.mark.usefixtures("office")
def test_a_template_without_targets_gets_the_general_ones_in_its_calendar(
    svc: Services, people: dict[str, User]
) -> None:
    general(svc, people, sla=GENERAL)  # no general calendar
    make_template(svc, people["admin"], sla={}, calendar_id="kontor")
    ticket = new_ticket(svc, people["agent1"], template_id="faktura")
    assert due(ticket) == (MONDAY_0830, TUESDAY_1430)


@pytest.mark.usefixtures("office")
def test_neither_template_nor_settings_giving_targets_gives_no_due_times(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    general(svc, people, calendar_id="kontor")  # a calendar alone sets no target
    make_template(svc, people["admin"], sla={})
    gets = count_gets(svc, monkeypatch)
    assert due(new_ticket(svc, people["agent1"], priority="high")) == (None, None)
    assert due(new_ticket(svc, people["agent1"], template_id="faktura")) == (None, None)
    assert [g for g in gets if g[0] == CALENDAR] == []  # nothing to count, nothing read
