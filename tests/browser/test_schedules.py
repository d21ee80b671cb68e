"""Scheduled activities in the browser (S1): an admin makes an activity in the form (a bad
cron is refused in words), sees it in the list with its next time, opens it to see the next
five occurrences, and deletes it after a confirm; the screen passes axe in sv and en."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]

TEXTS = {
    "sv": {"add": "Lägg till", "save": "Spara", "weekly": "Varje vecka", "advanced": "Avancerat (cron)",
           "tuesday": "tisdag", "refused": "Aktiviteten sparades inte", "next": "Nästa tillfällen",
           "title": "Schemalagda aktiviteter"},
    "en": {"add": "Add", "save": "Save", "weekly": "Every week", "advanced": "Advanced (cron)",
           "tuesday": "Tuesday", "refused": "The activity was not saved", "next": "Next occurrences",
           "title": "Scheduled activities"},
}  # fmt: skip


def _open(s: Session) -> Page:
    page = s.goto("admin/schedules")
    page.reload()
    page.wait_for_selector("header.topbar")
    expect(page.get_by_test_id("schedule-list")).to_be_visible()
    return page


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_admin_schedules_an_activity_sees_its_next_occurrences_and_deletes_it(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    text = TEXTS[lang]
    name = f"Backupkontroll {lang} {SUFFIX}"
    s = sessions("admin", lang=lang)
    page = _open(s)
    expect(page.get_by_role("heading", level=1)).to_have_text(text["title"])

    # Given a new activity whose advanced cron is wrong
    page.locator(".list-head button.primary").click()
    form = page.get_by_test_id("schedule-form")
    form.locator("[name=sched-name]").fill(name)
    form.locator("[name=sched-template]").select_option("faktura")
    form.locator("[name=sched-title]").fill("Kontrollera backup {date}")
    form.get_by_label(text["advanced"]).check()
    form.locator("[name=sched-cron]").fill("cron(0 9 * * * *)")
    form.get_by_role("button", name=text["save"]).click()
    # Then it is refused in words
    expect(form.get_by_test_id("schedule-error")).to_contain_text(text["refused"])
    expect(form.get_by_test_id("schedule-error")).to_contain_text("'?'")

    # When it is made weekly on Tuesdays at 07:30 instead
    form.get_by_label(text["weekly"]).check()
    form.locator("[name=sched-time]").fill("07:30")
    form.locator("input[name=sched-day][value=MON]").uncheck()
    form.locator("input[name=sched-day][value=TUE]").check()
    s.shot(f"admin-schedule-form-{lang}")
    assert _serious(page) == []
    form.get_by_role("button", name=text["save"]).click()

    # Then the list shows it with its AWS cron and next time
    row = page.locator("tr", has_text=name)
    expect(row).to_contain_text("cron(30 7 ? * TUE *)")
    expect(row).to_contain_text("07:30")
    stored = [a for a in api_as("admin").call("GET", "/api/admin/schedules")["items"]
              if a["name"] == name]  # fmt: skip
    assert stored and stored[0]["time_zone"] == "Europe/Stockholm"

    # And opening it shows the next five occurrences, each a Tuesday at 07:30
    row.get_by_role("button", name=name).first.click()
    shown = page.get_by_test_id("schedule-occurrences")
    expect(shown.get_by_role("heading")).to_have_text(text["next"])
    expect(shown.locator("li")).to_have_count(5)
    for item in shown.locator("li").all_inner_texts():
        assert "07:30" in item and text["tuesday"][:3].lower() in item.lower(), item
    assert _serious(page) == []

    # When it is deleted, after a confirm
    page.get_by_test_id("schedule-form").get_by_role("button", name=text["save"]).click()
    page.locator("tr", has_text=name).get_by_role("button").nth(1).click()
    expect(page.locator("tr", has_text=name)).to_have_count(0)
    assert len(s.dialogs) == 1
    assert not [a for a in api_as("admin").call("GET", "/api/admin/schedules")["items"]
                if a["name"] == name]  # fmt: skip
