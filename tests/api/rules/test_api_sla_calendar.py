"""The SLA clock over HTTP (S12): a ticket made from a template whose calendar is office
hours shows due times in office hours; a template without a calendar, elapsed time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.timefmt import iso, parse_iso
from tests.api.apiclient import Api
from tests.calendar_data import office_hours
from tests.support import FrozenClock
from tests.unit.rules.desk import INVOICE_TEMPLATE

KONTOR = office_hours()
SLA = {"first_response": {"high": 60}, "resolution": {"high": 960}}
FRIDAY_AFTERNOON = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 16:30 in Stockholm


@pytest.fixture
def agent(api: Api, clock: FrozenClock) -> Api:
    admin = api.as_user("admin")
    assert admin.post("/api/admin/calendars", KONTOR).status == 201
    for template_id, calendar in (("faktura", "kontor"), ("dygnet-runt", "")):
        body = {"id": template_id, **INVOICE_TEMPLATE, "sla": SLA, "calendar_id": calendar}
        created = admin.post("/api/admin/templates", body)
        assert created.status == 201, created.body
    # Everyone logged in at the real time (the api fixture); tickets are made on a Friday
    clock.now = FRIDAY_AFTERNOON
    return api.as_user("agent3")  # kt-second, the template's group


def make(agent: Api, **fields: Any) -> dict[str, Any]:
    body = {"title": "Dubbeldebiterad", "contact": {"email": "anna@kund.example.se"}, **fields}
    created = agent.post("/api/tickets", body)
    assert created.status == 201, created.body
    assert created.body["created_at"] == iso(FRIDAY_AFTERNOON)
    shown = agent.get(f"/api/tickets/{created.body['id']}")
    assert shown.status == 200, shown.body
    return dict(shown.body)


def due(ticket: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    sla = ticket["sla"]
    return tuple(  # type: ignore[return-value]
        parse_iso(sla[k]) if sla[k] else None for k in ("first_response_due", "resolution_due")
    )


def test_a_ticket_from_an_office_hours_template_is_due_in_office_hours(agent: Api) -> None:
    ticket = make(agent, template_id="faktura")
    assert ticket["sla"]["state"] == "running"
    # 30 minutes on Friday; Monday 08:30 Stockholm is 07:30 UTC; then 540 on Monday and
    # 390 on Tuesday: 14:30 Stockholm
    assert due(ticket) == (
        datetime(2026, 11, 30, 7, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 13, 30, tzinfo=UTC),
    )


def test_a_ticket_from_a_template_without_a_calendar_is_due_in_elapsed_time(
    agent: Api,
) -> None:
    ticket = make(agent, template_id="dygnet-runt")
    assert due(ticket) == (
        FRIDAY_AFTERNOON + timedelta(minutes=60),
        FRIDAY_AFTERNOON + timedelta(minutes=960),
    )


def test_applying_the_template_to_a_ticket_sets_office_hours_due_times(agent: Api) -> None:
    ticket = make(agent, priority="high")
    assert due(ticket) == (None, None)
    applied = agent.post(f"/api/tickets/{ticket['id']}/template", {"template_id": "faktura"})
    assert applied.status == 200, applied.body
    assert due(applied.body) == (
        datetime(2026, 11, 30, 7, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 13, 30, tzinfo=UTC),
    )
