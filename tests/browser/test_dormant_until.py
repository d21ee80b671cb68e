"""Dormant until a date in the browser (S10, issue 12): the date typed is the helpdesk's wall
time (the organisation's zone, Stockholm in the demo), the ticket shows it, and when it
comes the ticket is open again with "woke up" in its history. sv and en, axe clean."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

ZONE = ZoneInfo("Europe/Stockholm")
WORDS = {
    "sv": {"change": "Ändra status", "until": "Vilande till", "woke": "Väcktes"},
    "en": {"change": "Change status", "until": "Dormant until", "woke": "Woke up"},
}


def _set_dormant(page: object, lang: str, wall: str) -> None:
    page.get_by_test_id("status-select").select_option("dormant_until")  # type: ignore[attr-defined]
    page.get_by_test_id("dormant-until").fill(wall)  # type: ignore[attr-defined]
    page.get_by_role("button", name=WORDS[lang]["change"]).click()  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_ticket_set_dormant_until_a_wall_time_shows_it_and_wakes_at_it(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    agent = api_as("agent1")
    ticket = agent.call("POST", "/api/tickets", {
        "title": f"Ring kunden efter jul ({lang})", "group_id": "kt-forsta", "agent_id": "agent1",
    })  # fmt: skip
    s = sessions("agent1", lang)
    page = s.goto(f"ticket/{ticket['id']}")

    # A wall time next year at 08:00 in Stockholm, whatever zone the browser is in.
    year = datetime.now(UTC).year + 1
    _set_dormant(page, lang, f"{year}-01-07T08:00")
    # The header line (not the form's label) shows it once the save and the reload are done.
    expect(page.locator("article.ticket .ticket-head .meta").first).to_contain_text(
        f"{WORDS[lang]['until']} "
    )
    stored = agent.call("GET", f"/api/tickets/{ticket['id']}")
    assert stored["status"] == "dormant_until"
    assert datetime.fromisoformat(stored["dormant_until"].replace("Z", "+00:00")) == datetime(
        year, 1, 7, 8, 0, tzinfo=ZONE
    )
    label = page.get_by_test_id("status-select")
    assert label.is_visible()
    assert _serious(page) == []

    # A time already past: the ticket wakes at once (the wake-up machine passes its Wait).
    past = (datetime.now(ZONE) - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    _set_dormant(page, lang, past)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if agent.call("GET", f"/api/tickets/{ticket['id']}")["status"] == "open":
            break
        time.sleep(0.5)
    page.reload()
    expect(page.locator(".timeline [data-event=woke_up]")).to_contain_text(WORDS[lang]["woke"])
    assert agent.call("GET", f"/api/tickets/{ticket['id']}")["status"] == "open"
    assert _serious(page) == []
    assert not [c for c in s.console if c.startswith("pageerror")]
