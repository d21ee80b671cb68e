"""A web form end to end in the local stack (issue 13, "done when"): an admin publishes a
form over the API; a customer fills it in in Chromium with JavaScript turned off; the
answer page names the new ticket, the ticket is there for the agents with the channel
webform, and the confirmation mail with the portal link is in the local outbox."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import call, login
from tests.e2e.test_mail_flow import mails_to, tickets_of, wait_for

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")


def test_a_form_filled_in_without_javascript_makes_a_ticket_and_a_confirmation_mail(
    stack: Stack,
) -> None:
    from playwright.sync_api import sync_playwright

    admin = login(stack, "admin@example.com")
    form_id = f"it-hjalp-{uuid.uuid4().hex[:6]}"
    created = call(stack, "POST", "/api/admin/forms", admin, json={
        "id": form_id, "name": "IT-hjälp", "response_point_id": "it-support",
        "fields": ["name", "email", "subject", "description", "attachments"],
        "required": ["email", "description"], "group_id": "it-servicedesk",
        "thank_you": {"sv": "Vi svarar inom en arbetsdag.", "en": "We answer within a day."},
    })  # fmt: skip
    assert created.status_code == 201, created.text
    customer = f"kund-{uuid.uuid4().hex[:6]}@example.se"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(java_script_enabled=False, locale="sv-SE")
        page = context.new_page()
        page.goto(f"{stack.url}/forms/{form_id}")
        page.get_by_label("Namn").fill("Karl Kund")
        page.get_by_label("E-postadress").fill(customer)
        page.get_by_label("Ämne").fill("Skrivaren skriver inte ut")
        page.get_by_label("Beskriv ärendet").fill("Skrivaren på plan 3 blinkar rött.")
        time.sleep(3.5)  # a person takes a while: a post within 3 s is a robot's
        page.get_by_role("button", name="Skicka").click()
        page.wait_for_selector("[data-testid=ticket-number]")
        number = page.get_by_test_id("ticket-number").inner_text()
        assert "Vi svarar inom en arbetsdag." in page.content()
        browser.close()

    [ticket] = wait_for(lambda: tickets_of(stack, admin, customer))
    assert f"#{ticket['number']}" == number
    assert ticket["channel"] == "webform" and ticket["title"] == "Skrivaren skriver inte ut"
    shown = call(stack, "GET", f"/api/tickets/{ticket['id']}", admin).json()
    assert shown["group_id"] == "it-servicedesk"
    [message] = [e for e in shown["events"] if e["type"] == "message_in"]
    assert "blinkar rött" in message["data"]["text"]

    [mail] = wait_for(lambda: mails_to(stack, admin, customer), timeout=30)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert number in str(mail["Subject"]) + body
    assert re.search(r"/portal/t/\S+", body), body
