"""General SLA targets over HTTP (Settings, S16): set and checked on PUT
/api/admin/settings, their calendar kept from deletion, and on a new ticket without a
template as due times in the calendar's opening hours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.apiclient import Api, assert_error
from tests.api.rules.test_api_sla_calendar import FRIDAY_AFTERNOON, due, make
from tests.calendar_data import office_hours
from tests.support import FrozenClock
from tests.unit.rules.desk import INVOICE_TEMPLATE

KONTOR = office_hours()
GENERAL = {"first_response": {"high": 60, "low": 600}, "resolution": {"high": 960}}
MONDAY_0830 = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # Stockholm 08:30
TUESDAY_1430 = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)  # Stockholm 14:30


@pytest.fixture
def admin(api: Api) -> Api:
    admin = api.as_user("admin")
    assert admin.post("/api/admin/calendars", KONTOR).status == 201
    return admin


def test_general_targets_and_their_calendar_are_saved(admin: Api) -> None:
    saved = admin.put("/api/admin/settings", {"sla": GENERAL, "calendar_id": "kontor"})
    assert saved.status == 200, saved.body
    assert (saved.body["sla"], saved.body["calendar_id"]) == (GENERAL, "kontor")
    shown = admin.get("/api/admin/settings").body
    assert (shown["sla"], shown["calendar_id"]) == (GENERAL, "kontor")
    assert shown["lock_minutes"] == 30  # the rest as it was
    cleared = admin.put("/api/admin/settings", {"sla": {}, "calendar_id": ""})
    assert (cleared.body["sla"], cleared.body["calendar_id"]) == ({}, "")


@pytest.mark.parametrize(
    "body",
    [
        {"sla": []},
        {"sla": "60"},
        {"sla": {"answer": {"high": 60}}},
        {"sla": {"first_response": {"urgent": 60}}},
        {"sla": {"first_response": {"high": 0}}},
        {"sla": {"first_response": {"high": "60"}}},
        {"sla": {"first_response": {"high": 60.5}}},
        {"sla": {"resolution": [60]}},
        {"calendar_id": "nowhere"},
        {"calendar_id": "Kontor!"},
        {"calendar_id": ["kontor"]},
    ],
    ids=[
        "list",
        "text",
        "kind",
        "priority",
        "zero",
        "minutes-text",
        "fraction",
        "targets-list",
        "unknown-calendar",
        "bad-id",
        "id-list",
    ],
)
def test_bad_general_targets_are_refused(admin: Api, body: dict[str, Any]) -> None:
    assert_error(admin.put("/api/admin/settings", body), 422)
    shown = admin.get("/api/admin/settings").body
    assert (shown["sla"], shown["calendar_id"]) == ({}, "")


def test_the_calendar_the_settings_use_cannot_be_deleted(admin: Api) -> None:
    assert admin.put("/api/admin/settings", {"calendar_id": "kontor"}).status == 200
    refused = admin.delete("/api/admin/calendars/kontor")
    assert_error(refused, 409, "in_use")
    assert "settings" in refused.body["message"]
    shown = admin.get("/api/admin/calendars/kontor").body
    assert (shown["used_by"], shown["used_by_settings"]) == ([], True)
    # The GET's answer can be put back as it is
    assert admin.put("/api/admin/calendars/kontor", shown).status == 200
    assert admin.put("/api/admin/settings", {"calendar_id": ""}).status == 200
    assert admin.delete("/api/admin/calendars/kontor").status == 200


@pytest.fixture
def agent(api: Api, admin: Api, clock: FrozenClock) -> Api:
    assert admin.put("/api/admin/settings", {"sla": GENERAL, "calendar_id": "kontor"}).status == 200
    # Logged in at the real time (the api fixture); tickets are made on a Friday
    clock.now = FRIDAY_AFTERNOON
    return api.as_user("agent3")


def test_a_new_ticket_without_a_template_gets_the_general_due_times(agent: Api) -> None:
    ticket = make(agent, priority="high")
    assert ticket["template_id"] is None
    assert ticket["sla"]["state"] == "running"
    assert due(ticket) == (MONDAY_0830, TUESDAY_1430)
    # No general resolution target for low
    assert due(make(agent, priority="low"))[1] is None
    # No target at all for medium
    medium = make(agent, priority="medium")
    assert (due(medium), medium["sla"]["state"]) == ((None, None), "none")


def test_a_templates_own_target_wins_over_the_general_one(agent: Api, admin: Api) -> None:
    body = {"id": "faktura", **INVOICE_TEMPLATE, "sla": {"resolution": {"high": 30}}}
    assert admin.post("/api/admin/templates", body).status == 201
    ticket = make(agent, template_id="faktura")
    # The general first-response target; the template's 30 minutes to solve it, both in
    # the general calendar (the template names none): 17:00 Stockholm on Friday
    assert due(ticket) == (MONDAY_0830, datetime(2026, 11, 27, 16, 0, tzinfo=UTC))


def test_a_new_priority_brings_its_own_targets_counted_from_creation(
    agent: Api, clock: FrozenClock
) -> None:
    # Given a medium ticket: no target for medium, so no due times
    ticket = make(agent, priority="medium")
    assert due(ticket) == (None, None)
    clock.advance(hours=1)  # changed an hour later: still counted from the creation

    # When the agent raises it to high, the high targets apply, in office hours
    raised = agent.patch(f"/api/tickets/{ticket['id']}", {"priority": "high"})
    assert raised.status == 200, raised.body
    shown = agent.get(f"/api/tickets/{ticket['id']}").body
    assert due(shown) == (MONDAY_0830, TUESDAY_1430)
    assert shown["sla"]["state"] == "running"

    # And lowered to low: low's first-response target, no resolution target
    agent.patch(f"/api/tickets/{ticket['id']}", {"priority": "low"})
    low = agent.get(f"/api/tickets/{ticket['id']}").body
    assert due(low)[1] is None and due(low)[0] is not None
    # Back to medium: no targets at all, so no due times
    agent.patch(f"/api/tickets/{ticket['id']}", {"priority": "medium"})
    assert due(agent.get(f"/api/tickets/{ticket['id']}").body) == (None, None)


def test_a_template_tickets_new_priority_takes_the_templates_target(agent: Api, admin: Api) -> None:
    body = {"id": "faktura", **INVOICE_TEMPLATE, "default_priority": "medium",
            "sla": {"resolution": {"high": 30, "medium": 2 * 60}}}  # fmt: skip
    assert admin.post("/api/admin/templates", body).status == 201
    ticket = make(agent, template_id="faktura")
    assert ticket["priority"] == "medium"
    # Medium: the template's 2 hours to solve, in the general office hours (Friday 16:30 +
    # 30 min, then Monday 08:00 + 90 min); no first-response target for medium anywhere
    assert due(ticket) == (None, datetime(2026, 11, 30, 8, 30, tzinfo=UTC))

    agent.patch(f"/api/tickets/{ticket['id']}", {"priority": "high"})
    # High: the general first-response target, the template's 30 minutes to solve
    assert due(agent.get(f"/api/tickets/{ticket['id']}").body) == (
        MONDAY_0830,
        datetime(2026, 11, 27, 16, 0, tzinfo=UTC),
    )
