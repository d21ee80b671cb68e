"""GDPR in the browser (issue 14), sv and en, axe clean: on a contact card the admin
downloads the export (a zip holding the contact's ticket) and anonymises the contact after
a confirmation naming the consequences; on the response point's admin page the retention
setting is saved and shows the preview number the API gives."""

from __future__ import annotations

import json
import time
import uuid
import zipfile
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_export_and_anonymise_a_contact(
    lang: str, sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    session = sessions("admin", lang)
    page = session.page
    name = f"Gunvor Gdpr {SUFFIX} {lang}"
    email = f"gunvor.{SUFFIX}.{lang}@gdpr.example.se"
    title = f"Registerutdrag {SUFFIX} {lang}"
    ticket = api_as("dispatcher").call(
        "POST",
        "/api/tickets",
        {
            "title": title,
            "response_point_id": "kundtjanst",
            "contact": {"email": email, "name": name},
        },
    )
    contact_id = ticket["contact_id"]

    session.goto(f"contacts/{contact_id}")
    panel = page.get_by_test_id("contact-gdpr")
    expect(panel).to_be_visible()
    assert _serious(page) == [], "contact card with the GDPR panel"
    with page.expect_download() as waiting:
        panel.get_by_test_id("gdpr-export").click()
    archive = zipfile.ZipFile(waiting.value.path())
    assert "README.txt" in archive.namelist()
    assert json.loads(archive.read("contact.json"))["emails"] == [email]
    tickets = [n for n in archive.namelist() if n.endswith("/ticket.json")]
    assert [json.loads(archive.read(n))["title"] for n in tickets] == [title]

    panel.get_by_test_id("gdpr-anonymise").click()
    expect(page.get_by_test_id("contact-anonymised")).to_be_visible()
    assert session.dialogs and name in session.dialogs[0]
    card = api_as("admin").call("GET", f"/api/contacts/{contact_id}")
    assert (card["name"], card["emails"]) == ("[anonymised]", [])
    assert _serious(page) == [], "anonymised contact card"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_retention_setting_is_saved_with_its_preview(
    lang: str, sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    session = sessions("admin", lang)
    page = session.page
    admin = api_as("admin")
    try:
        page = session.goto("admin/response-points")
        page.locator("table.tickets tr", has_text="kundtjanst").get_by_role("button").first.click()
        form = page.get_by_test_id("rp-retention")
        expect(form).to_be_visible()
        # Loaded (the stored setting and its preview) before the admin types.
        expect(form.get_by_test_id("retention-preview")).not_to_be_empty()
        form.get_by_test_id("retention-months").fill("1")
        form.get_by_test_id("retention-action").select_option("anonymise")
        form.get_by_role("button").click()
        expect(page.locator("[role=status], .notice").first).to_be_attached()
        for _ in range(100):  # the save is on its way: wait for it to land
            expected = admin.call("GET", "/api/admin/retention/preview?response_point=kundtjanst")
            if expected["months"] == 1:
                break
            time.sleep(0.1)
        assert expected["months"] == 1
        expect(form.get_by_test_id("retention-preview")).to_contain_text(str(expected["tickets"]))
        assert _serious(page) == [], "response point with retention"
    finally:
        admin.call("PUT", "/api/admin/retention/kundtjanst", {"months": 0, "action": "anonymise"})
