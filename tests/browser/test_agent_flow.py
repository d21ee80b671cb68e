"""An agent's day: log in, open an inbox, pick next, note, status moves, reply (S4, S5, S10, S17)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session


def test_an_agent_logs_in_with_the_form_and_out_again(browser: Any, stack: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(stack.url + "/")

    page.get_by_label("E-postadress").fill("agent1@example.com")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("heading", name="Min inkorg")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("button", name="Logga in")).to_be_visible()
    context.close()


def test_a_wrong_password_is_said_in_words(browser: Any, stack: Any) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(stack.url + "/")
    page.get_by_label("E-postadress").fill("agent1@example.com")
    page.get_by_label("Lösenord").fill("wrong")
    page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("alert")).to_have_text("Fel e-postadress eller lösenord.")
    context.close()


def test_an_expired_session_returns_to_login_and_says_why(
    browser: Any, stack: Any, api_as: Callable[[str], ApiClient]
) -> None:
    client = api_as("agent1")
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(stack.url + "/")
    page.evaluate(
        "s => localStorage.setItem('servit.session', s)",
        '{"token": "expired.token.here", "user": ' + __import__("json").dumps(client.user) + "}",
    )
    page.reload()

    expect(page.get_by_text("Din session har gått ut. Logga in igen.")).to_be_visible()
    context.close()


def test_inboxes_show_counts_and_a_sortable_list(sessions: Callable[..., Session]) -> None:
    s = sessions("agent2")
    page = s.goto("inbox/group:kt-forsta")

    expect(page.get_by_role("heading", name="Svarsgrupp Första linjen")).to_be_visible()
    nav = page.get_by_role("navigation", name="Inkorgar")
    expect(nav.get_by_role("link", name=re.compile("Första linjen – otilldelade"))).to_be_visible()
    rows = page.locator("[data-testid=ticket-list] tbody tr")
    expect(rows.first).to_be_visible()
    page.get_by_role("button", name="Nr").click()
    numbers = (
        [int(n) for n in rows.locator("td.num >> nth=0").all_inner_texts()]
        if False
        else [int(r.locator("td.col-number").inner_text()) for r in rows.all()]
    )
    assert numbers == sorted(numbers)
    expect(page.get_by_role("columnheader", name="Nr")).to_have_attribute("aria-sort", "ascending")
    s.shot("inbox-standard")


def test_pick_next_note_status_moves_and_reply_reach_the_outbox(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    s = sessions("agent1")
    page = s.goto("")

    page.get_by_test_id("pick-next").click()
    expect(page.get_by_test_id("lock-info")).to_contain_text("Du har låst ärendet")
    ticket_id = page.url.rsplit("/", 1)[-1]

    # A note of each kind lands in the history.
    page.get_by_label("Sort").select_option("solution")
    page.get_by_label("Text", exact=True).fill("Kunden får en ny faktura.")
    page.get_by_role("button", name="Spara i historiken").click()
    expect(page.locator(".timeline .note-solution")).to_contain_text("Kunden får en ny faktura.")

    # Only the moves the domain allows are offered; walk open -> with_external -> resolved -> closed.
    status = page.get_by_test_id("status-select")
    offered = status.locator("option").all_inner_texts()
    assert "Nytt" not in offered and "Löst" in offered
    for label in ("Hos extern", "Löst"):
        status.select_option(label=label)
        page.get_by_role("button", name="Ändra status").click()
        expect(page.get_by_test_id("ticket-status")).to_have_text(label)
    assert page.get_by_test_id("status-select").locator("option").all_inner_texts() == [
        "–",
        "Stängt",
    ]
    page.get_by_role("button", name="Återöppna").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Öppet")

    # Reply with a cc; the mail is in the outbox and in the history.
    page.get_by_label("Kopia (cc)", exact=True).first.fill("chef@example.se")
    page.get_by_label("Svar", exact=True).fill("Hej! Vi har rättat fakturan.")
    page.get_by_role("button", name="Skicka svar").click()
    expect(page.locator(".timeline .event-message_out").last).to_contain_text(
        "Vi har rättat fakturan"
    )
    outbox = api_as("admin").call("GET", "/api/dev/outbox?limit=5")["items"]
    assert any("Vi har r=C3=A4ttat" in m["raw"] or "Vi har rättat" in m["raw"] for m in outbox)
    assert any("chef@example.se" in m["raw"] for m in outbox)
    assert api_as("agent1").call("GET", f"/api/tickets/{ticket_id}")["status"] == "open"
    s.shot("ticket-standard")
