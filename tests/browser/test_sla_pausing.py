"""The SLA clock's pause in the browser (S12, issue 12): a ticket waiting for the customer
shows since when its clock stands still (sv and en), the history says it paused, and the
admin chooses on the Settings screen which statuses pause. axe clean. The settings are
put back afterwards (the tests share one stack)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]
DEFAULT = ["with_contact", "with_external", "dormant", "dormant_until"]
WORDS = {
    "sv": {"paused": "SLA-klockan pausad sedan", "event": "SLA-klockan pausad (Hos kontakt)"},
    "en": {"paused": "SLA clock paused since", "event": "SLA clock paused (With contact)"},
}


@pytest.fixture
def general_targets(api_as: Callable[[str], ApiClient]) -> Iterator[ApiClient]:
    admin = api_as("admin")
    admin.call("PUT", "/api/admin/settings", {"sla": {"resolution": {"medium": 600}}})
    yield admin
    admin.call("PUT", "/api/admin/settings", {"sla": {}, "sla_pausing": DEFAULT})


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_ticket_waiting_for_the_customer_shows_its_clock_paused_since(
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
    general_targets: ApiClient,
    lang: str,
) -> None:
    agent = api_as("agent1")
    ticket = agent.call("POST", "/api/tickets", {
        "title": f"Väntar på svar {SUFFIX} ({lang})", "agent_id": "agent1",
    })  # fmt: skip
    s = sessions("agent1", lang)
    page = s.goto(f"ticket/{ticket['id']}")
    expect(page.get_by_test_id("ticket-sla")).to_be_visible()
    expect(page.get_by_test_id("sla-paused")).to_have_count(0)

    agent.call("PATCH", f"/api/tickets/{ticket['id']}", {"status": "with_contact"})
    page.reload()

    expect(page.get_by_test_id("sla-paused")).to_contain_text(WORDS[lang]["paused"])
    stored = agent.call("GET", f"/api/tickets/{ticket['id']}")["sla"]
    assert stored["paused_since"] is not None and stored["state"] == "running"
    expect(page.locator(".timeline [data-event=sla_paused]")).to_contain_text(WORDS[lang]["event"])
    assert _serious(page) == []

    agent.call("PATCH", f"/api/tickets/{ticket['id']}", {"status": "open"})
    page.reload()
    expect(page.get_by_test_id("sla-paused")).to_have_count(0)
    expect(page.locator(".timeline [data-event=sla_resumed]")).to_be_visible()
    assert not [c for c in s.console if c.startswith("pageerror")]


def test_the_admin_chooses_which_statuses_pause_the_clock(
    sessions: Callable[..., Session], general_targets: ApiClient
) -> None:
    admin = general_targets
    s = sessions("admin")
    page = s.goto("admin/settings")
    page.reload()
    group = page.get_by_role("group", name="Statusar som pausar SLA-klockan")
    expect(group.get_by_role("checkbox")).to_have_count(4)
    for status in DEFAULT:
        expect(group.locator(f"[name=settings-sla-pausing-{status}]")).to_be_checked()

    group.locator("[name=settings-sla-pausing-dormant]").uncheck()
    group.locator("[name=settings-sla-pausing-with_external]").uncheck()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Sparat.")

    saved = admin.call("GET", "/api/admin/settings")["sla_pausing"]
    assert saved == ["with_contact", "dormant_until"]
    page.reload()
    expect(page.locator("[name=settings-sla-pausing-dormant]")).not_to_be_checked()
    expect(page.locator("[name=settings-sla-pausing-with_contact]")).to_be_checked()
    assert _serious(page) == []

    # A ticket now set dormant keeps its clock running
    agent = s  # the admin works the ticket too
    ticket = admin.call("POST", "/api/tickets", {"title": f"Vilande {SUFFIX}"})
    admin.call("PATCH", f"/api/tickets/{ticket['id']}", {"status": "dormant"})
    page = agent.goto(f"ticket/{ticket['id']}")
    expect(page.get_by_test_id("ticket-sla")).to_be_visible()
    expect(page.get_by_test_id("sla-paused")).to_have_count(0)
    assert not [c for c in s.console if c.startswith("pageerror")]


def test_a_template_follows_the_general_setting_or_chooses_its_own(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    admin = api_as("admin")
    template = f"paus-{SUFFIX}"
    admin.call("POST", "/api/admin/templates", {
        "id": template, "title": "Väntar ofta", "response_point_id": "kundtjanst",
    })  # fmt: skip
    s = sessions("admin")
    page = s.goto("admin/templates")
    page.reload()
    page.get_by_role("button", name=f"Ändra {template}", exact=True).click()
    form = page.get_by_test_id("template-form")
    group = form.get_by_test_id("tpl-sla-pausing")
    follows = group.get_by_label("Som i de allmänna inställningarna")
    expect(follows).to_be_checked()
    expect(group.get_by_role("checkbox")).to_have_count(1)

    follows.uncheck()
    expect(group.get_by_role("checkbox")).to_have_count(5)
    group.get_by_label("Hos kontakt").uncheck()
    assert _serious(page) == []
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()

    stored = admin.call("GET", f"/api/admin/templates/{template}")["sla_pausing"]
    assert stored == ["with_external", "dormant", "dormant_until"]
    assert not [c for c in s.console if c.startswith("pageerror")]
