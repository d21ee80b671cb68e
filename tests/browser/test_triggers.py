"""Alarms and triggers in the browser (S7): an admin makes a trigger in the form (a bad phone
number is refused in words), sees it in the list, tries it in the dry run, sees it fire in
a ticket's history with the reason, and deletes it after a confirm; the screens pass axe in
sv and en."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]

TEXTS = {
    "sv": {"title": "Larm och triggers", "save": "Spara", "refused": "Triggern sparades inte",
           "go": "Provkör", "fires": "löser ut", "reason": "nyckelordet ”{word}” i ämnet",
           "fired": "Triggern ”{name}” löste ut", "sent": "skickat", "why": "Varför"},
    "en": {"title": "Alarms and triggers", "save": "Save", "refused": "The trigger was not saved",
           "go": "Try it", "fires": "fires", "reason": "the keyword “{word}” in the subject",
           "fired": "The trigger “{name}” fired", "sent": "sent", "why": "Why"},
}  # fmt: skip


def _open(s: Session) -> Page:
    page = s.goto("admin/triggers")
    expect(page.get_by_test_id("trigger-list")).to_be_visible()
    return page


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_admin_makes_a_trigger_tries_it_sees_it_fire_and_deletes_it(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    text = TEXTS[lang]
    word = f"larmprov{lang}{SUFFIX}"
    name = f"Jourlarm {lang} {SUFFIX}"
    s = sessions("admin", lang=lang)
    page = _open(s)
    expect(page.get_by_role("heading", level=1)).to_have_text(text["title"])

    # Given a new trigger whose phone number is wrong
    page.locator(".list-head button.primary").click()
    form = page.get_by_test_id("trigger-form")
    form.locator("[name=trig-name]").fill(name)
    form.locator("[name=trig-keywords]").fill(word)
    form.locator("[name=trig-action-to-0]").fill("123")
    form.get_by_role("button", name=text["save"]).click()
    # Then it is refused in words that name the number
    expect(form.get_by_test_id("trigger-error")).to_contain_text(text["refused"])
    expect(form.get_by_test_id("trigger-error")).to_contain_text("'123'")
    assert _serious(page) == []

    # When the on-call number is given instead
    form.locator("[name=trig-action-to-0]").fill("070-123 45 67")
    s.shot(f"admin-trigger-form-{lang}")
    form.get_by_role("button", name=text["save"]).click()
    # Then the list shows it with the number in E.164
    row = page.locator("tr", has_text=name)
    expect(row).to_contain_text("+46701234567")
    expect(row).to_contain_text(word)
    assert _serious(page) == []

    # And the dry run on a sample with the word says it fires, and why
    dry = page.get_by_test_id("trigger-dry-run")
    dry.locator("[name=dry-subject]").fill(f"Stort {word.upper()} i Lund")
    dry.get_by_role("button", name=text["go"]).click()
    verdict = page.get_by_test_id("trigger-dry-result").locator("li", has_text=name)
    expect(verdict).to_contain_text(text["fires"])
    expect(verdict).to_contain_text(text["reason"].format(word=word))
    assert _serious(page) == []

    # When a ticket with the word is made, the trigger fires and the history says why
    agent = api_as("agent1")
    ticket = agent.call("POST", "/api/tickets", {"title": f"Larm {word}"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        events = agent.call("GET", f"/api/tickets/{ticket['id']}")["events"]
        if any(e["type"] == "trigger_fired" for e in events):
            break
        time.sleep(1)
    ticket_page = s.goto(f"ticket/{ticket['id']}")
    fired = ticket_page.locator("li[data-event=trigger_fired]")
    expect(fired).to_contain_text(text["fired"].format(name=name))
    expect(fired.get_by_test_id("trigger-fired")).to_contain_text(text["why"])
    expect(fired).to_contain_text(text["reason"].format(word=word))
    expect(fired).to_contain_text(f"+46701234567: {text['sent']}")
    s.shot(f"ticket-trigger-fired-{lang}")
    assert _serious(ticket_page) == []

    # When it is deleted, after a confirm
    page = _open(s)
    page.locator("tr", has_text=name).get_by_role("button").nth(1).click()
    expect(page.locator("tr", has_text=name)).to_have_count(0)
    assert len(s.dialogs) == 1
    assert not [t for t in api_as("admin").call("GET", "/api/admin/triggers")["items"]
                if t["name"] == name]  # fmt: skip
