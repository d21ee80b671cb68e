"""External consultation in the agent UI (S6), in Swedish and English, axe clean: the Consult
panel asks an address, the ticket waits for the external party, the agent answers for them
(a phone call) and the ticket is open again; the list of open consultations."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import CHROME, _serious
from tests.browser.web_catalogue import catalogue, only_in


def _ticket(agent: ApiClient, title: str) -> str:
    made = agent.call("POST", "/api/tickets", {
        "title": title, "group_id": "kt-forsta", "agent_id": "agent1",
    })  # fmt: skip
    return str(made["id"])


def _untranslated(s: Session, lang: str) -> list[str]:
    words = "\n".join(s.page.locator(CHROME).all_inner_texts())
    return [text for text in only_in("en" if lang == "sv" else "sv") if text in words]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_consult_then_answer_for_them_in_the_panel(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    words = catalogue(lang)
    s = sessions("agent1", lang=lang)
    supplier = f"lev-{uuid.uuid4().hex[:6]}@leverantor.example"
    ticket_id = _ticket(s.client, f"Konsultera {lang}")
    page = s.goto(f"ticket/{ticket_id}")
    panel = page.get_by_test_id("consult-panel")
    expect(panel).to_contain_text(words["consult.none"])

    # The agent asks the supplier through the panel.
    panel.get_by_test_id("consult-open").click()
    panel.get_by_test_id("consult-to").fill(supplier)
    panel.get_by_test_id("consult-text").fill("Har ordern skickats?")
    panel.get_by_test_id("consult-hours").fill("0.5")
    panel.get_by_test_id("consult-reminders").fill("2")
    problems = {"form": _serious(page)}
    s.shot(f"consult-form-{lang}")
    panel.get_by_test_id("consult-send").click()

    expect(page.get_by_test_id("ticket-status")).to_have_text(words["status.with_external"])
    expect(panel.get_by_test_id("consult-list")).to_contain_text(words["consult.status.open"])
    expect(panel.get_by_test_id("consult-list")).to_contain_text(supplier)
    outbox = api_as("admin").call("GET", "/api/dev/outbox?limit=20")["items"]
    assert any(supplier in m["raw"] and "Har ordern skickats?" in m["raw"] for m in outbox)
    problems["open"] = _serious(page)
    s.shot(f"consult-panel-{lang}")

    # A phone call: the agent enters the answer, and the ticket is open again.
    panel.get_by_role(
        "button", name=words["consult.answerForLabel"].replace("{to}", supplier)
    ).click()
    panel.get_by_test_id("consult-answer-text").fill("Ja, i går (per telefon)")
    panel.get_by_role("button", name=words["consult.saveAnswer"]).click()

    expect(page.get_by_test_id("ticket-status")).to_have_text(words["status.open"])
    expect(panel.get_by_test_id("consult-list")).to_contain_text(words["consult.status.answered"])
    history = page.locator("li[data-event=external_answer]")
    expect(history).to_contain_text(words["event.external_answer_phone"])
    expect(history).to_contain_text("Ja, i går (per telefon)")
    problems["answered"] = _serious(page)
    assert {k: v for k, v in problems.items() if v} == {}
    assert _untranslated(s, lang) == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_open_consultations_list_and_cancel(
    sessions: Callable[..., Session], lang: str
) -> None:
    words = catalogue(lang)
    s = sessions("agent1", lang=lang)
    title = f"Väntar på leverantör {uuid.uuid4().hex[:6]}"
    ticket_id = _ticket(s.client, title)
    s.client.call("POST", f"/api/tickets/{ticket_id}/consultations", {
        "to": "expert@labb.example", "text": "Vad visar provet?", "remind_after_hours": 8,
    })  # fmt: skip

    page = s.goto("consultations")
    expect(page.get_by_role("link", name=words["nav.consultations"])).to_have_attribute(
        "aria-current", "page"
    )
    table = page.get_by_test_id("consult-table")
    expect(table).to_contain_text(title)
    expect(table).to_contain_text("expert@labb.example")
    page.get_by_test_id("consult-scope").select_option("kt-forsta")
    expect(page.get_by_test_id("consult-table")).to_contain_text(title)
    s.shot(f"consultations-{lang}")
    assert _serious(page) == []
    assert _untranslated(s, lang) == []

    page.get_by_role(
        "link", name=f"#{s.client.call('GET', f'/api/tickets/{ticket_id}')['number']}"
    ).click()
    panel = page.get_by_test_id("consult-panel")
    panel.get_by_role(
        "button", name=words["consult.cancelLabel"].replace("{to}", "expert@labb.example")
    ).click()  # the confirm() is accepted by the session

    expect(panel.get_by_test_id("consult-list")).to_contain_text(words["consult.status.cancelled"])
    expect(page.get_by_test_id("ticket-status")).to_have_text(words["status.open"])
