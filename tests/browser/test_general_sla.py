"""General SLA targets in the browser (Settings, S16): an admin sets them and their calendar
on the Settings screen; a new ticket without a template then has due times, found by the
search's SLA state. The settings are put back afterwards (the tests share one stack)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session

SUFFIX = uuid.uuid4().hex[:6]
CALENDAR = f"dygnet-{SUFFIX}"
CALENDAR_NAME = f"Dygnet runt {SUFFIX}"
ALWAYS = {"start": "00:00", "end": "24:00"}
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def around_the_clock(api_as: Callable[[str], ApiClient]) -> Iterator[None]:
    """A calendar open all week (due times are then elapsed minutes, whenever the test
    runs); afterwards the settings have no general targets again and the calendar goes."""
    admin = api_as("admin")
    admin.call("POST", "/api/admin/calendars", {
        "id": CALENDAR, "name": CALENDAR_NAME, "time_zone": "UTC",
        "hours": dict.fromkeys(WEEK, ALWAYS),
    })  # fmt: skip
    yield
    admin.call("PUT", "/api/admin/settings", {"sla": {}, "calendar_id": ""})
    admin.call("DELETE", f"/api/admin/calendars/{CALENDAR}")


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.usefixtures("around_the_clock")
def test_general_targets_set_in_settings_give_a_new_ticket_due_times(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    admin = api_as("admin")
    s = sessions("admin")
    page = s.goto("admin/settings")
    page.reload()  # the calendar list as it is now
    form = page.locator("form").filter(has=page.locator("[name=settings-calendar]"))
    expect(
        form.get_by_role("group", name="Allmänna SLA-mål i minuter, per prioritet")
    ).to_be_visible()
    form.get_by_label("Första svar, prioritet Hög (minuter)").fill("45")
    form.get_by_label("Lösning, prioritet Hög (minuter)").fill("600")
    form.locator("[name=settings-sla-first_response-medium]").fill("90")
    form.get_by_label("Kalender för SLA-målen").select_option(CALENDAR)
    form.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Sparat.")
    settings = admin.call("GET", "/api/admin/settings")
    assert settings["sla"] == {
        "first_response": {"high": 45, "medium": 90},
        "resolution": {"high": 600},
    }
    assert settings["calendar_id"] == CALENDAR

    # Opened again, the screen shows what is stored
    page.reload()
    expect(page.locator("[name=settings-sla-first_response-high]")).to_have_value("45")
    expect(page.locator("[name=settings-sla-resolution-medium]")).to_have_value("")
    expect(page.locator("[name=settings-calendar]")).to_have_value(CALENDAR)

    # A new ticket without a template gets the general due times
    title = f"Allmänt SLA {SUFFIX}"
    ticket = admin.call("POST", "/api/tickets", {
        "title": title, "response_point_id": "kundtjanst", "priority": "high",
    })  # fmt: skip
    assert ticket.get("template_id") is None
    created = _at(ticket["created_at"])
    sla = admin.call("GET", f"/api/tickets/{ticket['id']}")["sla"]
    assert sla["state"] == "running"
    assert _at(sla["first_response_due"]) == created + timedelta(minutes=45)
    assert _at(sla["resolution_due"]) == created + timedelta(minutes=600)

    # The ticket page tells the agent both targets, in the organisation's time zone
    page = s.goto(f"ticket/{ticket['id']}")
    line = page.get_by_test_id("ticket-sla")
    expect(line).to_contain_text("SLA: Inom mål")
    stockholm = ZoneInfo("Europe/Stockholm")
    first = (created + timedelta(minutes=45)).astimezone(stockholm)
    resolve = (created + timedelta(minutes=600)).astimezone(stockholm)
    expect(line).to_contain_text("Första svar senast")
    expect(line.locator("span").nth(1)).to_contain_text(f"{first:%H:%M}")
    expect(line.locator("span").nth(2)).to_contain_text("Lösas senast")
    expect(line.locator("span").nth(2)).to_contain_text(f"{resolve:%H:%M}")

    # ... and the search finds it by its SLA state
    page = s.goto("search")
    search = page.get_by_test_id("search-form")
    search.locator("[name=s-words]").fill(title)
    search.locator("[name=s-sla_state]").select_option("running")
    search.get_by_role("button", name="Sök").click()
    expect(page.get_by_test_id("search-results")).to_contain_text(title)
    search.locator("[name=s-sla_state]").select_option("none")
    search.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("region", name="Träffar")).to_contain_text("Inga ärenden här.")
    expect(page.get_by_test_id("search-results")).to_have_count(0)
    assert not [c for c in s.console if "pageerror" in c], s.console
