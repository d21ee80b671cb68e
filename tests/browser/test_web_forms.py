"""Web forms in the browser (S1): the public form in Swedish and English (by the browser's
language, and switched on the page), its refusals tied to their fields, the thank-you page
with the ticket number — and the admin's forms screen: a form made with the field picker,
listed with a link to its page. Every page passes axe."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]

PUBLIC = {
    "sv": {"locale": "sv-SE", "email": "E-postadress", "description": "Beskriv ärendet",
           "subject": "Ämne", "send": "Skicka", "summary": "Formuläret skickades inte",
           "required": "Fyll i fältet.", "bad_email": "Skriv en e-postadress",
           "thanks": "Tack! Vi har tagit emot ditt ärende", "other": "English"},
    "en": {"locale": "en-GB", "email": "E-mail address", "description": "Describe your request",
           "subject": "Subject", "send": "Send", "summary": "The form was not sent",
           "required": "Fill in this field.", "bad_email": "Enter an e-mail address",
           "thanks": "Thank you! We have received your request", "other": "Svenska"},
}  # fmt: skip


@pytest.fixture(scope="module")
def form_id(api_as: Callable[[str], ApiClient]) -> str:
    made = api_as("admin").call("POST", "/api/admin/forms", {
        "id": f"kontakt-{SUFFIX}", "name": "Kontakta oss", "response_point_id": "kundtjanst",
        "fields": ["name", "email", "subject", "description", "priority", "attachments"],
        "required": ["email", "description"], "group_id": "kt-forsta",
        "thank_you": {"sv": "Vi hör av oss snart.", "en": "We will be in touch soon."},
    })  # fmt: skip
    return str(made["id"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_customer_fills_in_the_public_form_in_their_language(
    browser: Any, stack: Any, form_id: str, lang: str
) -> None:
    text = PUBLIC[lang]
    context = browser.new_context(locale=text["locale"], viewport={"width": 900, "height": 1000})
    page: Page = context.new_page()
    try:
        page.goto(f"{stack.url}/forms/{form_id}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert _serious(page) == []

        # When sent with the required description missing and a wrong address
        page.get_by_label(text["email"]).fill("inte-en-adress")
        page.get_by_role("button", name=text["send"]).click()
        # Then a summary links each problem to its field, and each field says why
        summary = page.get_by_test_id("error-summary")
        expect(summary).to_contain_text(text["summary"])
        expect(summary.get_by_role("link")).to_have_count(2)
        email = page.get_by_label(text["email"])
        expect(email).to_have_attribute("aria-invalid", "true")
        expect(email).to_have_accessible_description(re.compile(text["bad_email"]))
        expect(page.get_by_label(text["description"])).to_have_accessible_description(
            re.compile(re.escape(text["required"]))
        )
        assert _serious(page) == []
        page.screenshot(path=str(SCREENSHOTS / f"web-form-errors-{lang}.png"))

        # When filled in properly, after a person's few seconds
        email.fill(f"kund-{lang}-{SUFFIX}@example.se")
        page.get_by_label(text["subject"]).fill(f"Fråga {lang} <b>fet</b>")
        page.get_by_label(text["description"]).fill("Hej!\nJag behöver hjälp.")
        time.sleep(3.5)
        page.get_by_role("button", name=text["send"]).click()
        # Then the thank-you page names the ticket
        expect(page.get_by_role("heading", level=1)).to_have_text(text["thanks"])
        expect(page.get_by_test_id("ticket-number")).to_have_text(re.compile(r"#\d+"))
        assert _serious(page) == []
        page.screenshot(path=str(SCREENSHOTS / f"web-form-thanks-{lang}.png"))

        # And the other language is one link away
        page.goto(f"{stack.url}/forms/{form_id}")
        page.get_by_role("link", name=text["other"]).click()
        expect(page.locator("html")).not_to_have_attribute("lang", lang)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_admin_publishes_a_form_with_the_field_picker(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    s = sessions("admin", lang=lang)
    page = s.goto("admin/forms")
    page.reload()
    page.wait_for_selector("header.topbar")
    expect(page.get_by_test_id("web-form-list")).to_be_visible()
    name = f"Felanmälan {lang} {SUFFIX}"

    page.locator(".list-head button.primary").click()
    editor = page.get_by_test_id("web-form-editor")
    editor.locator("[name=form-name]").fill(name)
    editor.locator("[name=form-id]").fill(f"fel-{lang}-{SUFFIX}")
    # An e-mail that is not required and no phone: refused in words
    editor.locator("tr[data-field=email] input[name=form-required]").uncheck()
    editor.locator("button[type=submit]").click()
    expect(editor.get_by_test_id("web-form-error")).to_contain_text("email or phone")

    # Phone asked and required, e-mail required again, routed to a group
    editor.locator("tr[data-field=phone] input[name=form-field]").check()
    editor.locator("tr[data-field=phone] input[name=form-required]").check()
    editor.locator("tr[data-field=email] input[name=form-required]").check()
    editor.locator("[name=form-group]").select_option("kt-faktura")
    editor.locator("[name=form-thanks-sv]").fill("Tack för din felanmälan.")
    assert _serious(page) == []
    s.shot(f"admin-web-form-{lang}")
    editor.locator("button[type=submit]").click()

    row = page.locator("tr", has_text=name)
    expect(row.get_by_role("link")).to_have_attribute("href", f"/forms/fel-{lang}-{SUFFIX}")
    stored = api_as("admin").call("GET", f"/api/admin/forms/fel-{lang}-{SUFFIX}")
    assert stored["required"] == ["email", "description", "phone"]
    assert stored["group_id"] == "kt-faktura"
    assert stored["fields"][-1] == "phone"

    # Opened again, it shows where it is published
    row.get_by_role("button", name=name).first.click()
    expect(page.get_by_test_id("form-links")).to_be_visible()
    assert _serious(page) == []
    s.goto("admin/forms")
    page.locator("tr", has_text=name).get_by_role("button", name=name).last.click()
    expect(page.locator("tr", has_text=name)).to_have_count(0)
    assert s.dialogs and name in s.dialogs[-1]
