"""Calendars and template prefill in the browser (S12): an admin makes a calendar in the UI
(a bad one is refused in words), builds a template that names it and prefills a custom
field, applies the template to a ticket and sees the value there; a stored choice the field
no longer offers is refused in words; a calendar in use is not deleted; the forms pass axe."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]
CALENDAR = f"kontor-{SUFFIX}"
CALENDAR_NAME = f"Kontorstid {SUFFIX}"
TEMPLATE = f"avtal-{SUFFIX}"
FIELD = f"avtalsniva-{SUFFIX}"
FIELD_LABEL = f"Avtalsnivå {SUFFIX}"


@pytest.fixture
def level_field(api_as: Callable[[str], ApiClient]) -> Iterator[None]:
    """A choice field for the test, removed afterwards so other forms are as they were."""
    admin = api_as("admin")
    admin.call("POST", "/api/admin/custom-fields", {
        "id": FIELD, "label": FIELD_LABEL, "type": "select", "options": ["Guld", "Silver"],
    })  # fmt: skip
    yield
    admin.call("DELETE", f"/api/admin/custom-fields/{FIELD}")


def _open(s: Session, route: str) -> Page:
    """The route on a freshly loaded page: the directory (custom fields) is read anew, and no
    form is left open from an earlier test of the shared session."""
    page = s.goto(route)
    page.reload()
    page.wait_for_selector("header.topbar")
    return page


def _add_calendar(page: Page) -> None:
    page.locator(".list-head button.primary").click()
    form = page.get_by_test_id("calendar-form")
    form.locator("[name=cal-id]").fill(CALENDAR)
    form.locator("[name=cal-name]").fill(CALENDAR_NAME)
    form.locator("[name=cal-tz]").select_option("Europe/Stockholm")
    # Saturday opens 10-14; Friday is given an end before its start first
    form.get_by_label("Stängt på lördag").uncheck()
    form.get_by_label("Öppnar på lördag").fill("10:00")
    form.get_by_label("Stänger på lördag").fill("14:00")
    form.get_by_label("Stänger på fredag").fill("07:00")
    form.locator("[name=cal-country]").select_option("SE")
    form.get_by_role("button", name="Lägg till stängd dag").click()
    form.get_by_label("Stängd dag 1").fill("2026-12-24")
    form.get_by_role("button", name="Spara").click()
    error = form.get_by_test_id("calendar-error")
    expect(error).to_contain_text("Kalendern sparades inte")
    expect(error).to_contain_text("hours.fri: the end 07:00 must be after the start 08:00")

    form.get_by_label("Stänger på fredag").fill("16:00")
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()
    row = page.get_by_test_id("calendar-list").locator(f"tr[data-calendar='{CALENDAR}']")
    expect(row).to_contain_text(CALENDAR_NAME)
    expect(row).to_contain_text("fredag 08:00–16:00")
    expect(row).to_contain_text("lördag 10:00–14:00")
    expect(row).to_contain_text("Sverige (SE)")


def _add_template(page: Page) -> None:
    page.locator(".list-head button.primary").click()
    form = page.get_by_test_id("template-form")
    form.locator("[name=tpl-id]").fill(TEMPLATE)
    form.locator("[name=tpl-title]").fill("Avtalsfrågor")
    form.locator("[name=tpl-rp]").select_option("kundtjanst")
    calendar = form.locator("[name=tpl-calendar]")
    expect(calendar.locator("option", has_text=CALENDAR_NAME)).to_have_count(1)
    expect(calendar.locator("option", has_text="Dygnet runt")).to_have_count(1)  # seeded
    calendar.select_option(label=CALENDAR_NAME)
    prefill = form.get_by_test_id("tpl-prefill")
    prefill.get_by_label(FIELD_LABEL).select_option("Guld")
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()
    row = page.get_by_test_id("template-list").locator("tr", has_text=TEMPLATE)
    expect(row).to_contain_text("Avtalsfrågor")


def test_a_calendar_and_a_prefilled_template_built_in_the_ui_reach_the_ticket(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], level_field: None
) -> None:
    s = sessions("admin")
    admin = s.client
    page = _open(s, "admin/calendars")
    expect(page.get_by_test_id("calendar-list")).to_contain_text("Kontorstid Sverige")  # seeded
    _add_calendar(page)
    stored = admin.call("GET", f"/api/admin/calendars/{CALENDAR}")
    assert stored["hours"]["fri"] == {"closed": False, "start": "08:00", "end": "16:00"}
    assert stored["hours"]["sat"] == {"closed": False, "start": "10:00", "end": "14:00"}
    assert stored["hours"]["sun"] == {"closed": True}
    assert (stored["holiday_country"], stored["closed_dates"]) == ("SE", ["2026-12-24"])

    page = _open(s, "admin/templates")
    _add_template(page)
    template = admin.call("GET", f"/api/admin/templates/{TEMPLATE}")
    assert template["calendar_id"] == CALENDAR
    assert template["custom_fields"] == {FIELD: "Guld"}
    # Editing shows what was chosen
    page.get_by_role("button", name=f"Ändra {TEMPLATE}", exact=True).click()
    form = page.get_by_test_id("template-form")
    expect(form.locator("[name=tpl-calendar]")).to_have_value(CALENDAR)
    expect(form.get_by_test_id("tpl-prefill").get_by_label(FIELD_LABEL)).to_have_value("Guld")
    form.get_by_role("button", name="Avbryt").click()

    # An agent's ticket gets the value when the template is applied in the ticket view
    ticket = api_as("agent1").call("POST", "/api/tickets", {"title": f"Avtal {SUFFIX}"})
    page = _open(s, f"ticket/{ticket['id']}")
    panel = page.get_by_test_id("template-panel")
    panel.locator("[name=apply-template]").select_option(TEMPLATE)
    panel.locator("form.apply-template button[type=submit]").click()
    expect(panel.get_by_test_id("ticket-template")).to_contain_text("Avtalsfrågor")
    assert admin.call("GET", f"/api/tickets/{ticket['id']}")["custom_fields"] == {FIELD: "Guld"}
    page = _open(s, f"ticket/{ticket['id']}")
    expect(page.locator(f"form.fields [data-field='cf-{FIELD}']")).to_have_value("Guld")

    # The calendar a template names is not deleted, and the notice says which template
    page = _open(s, "admin/calendars")
    page.get_by_role("button", name=f"Ta bort {CALENDAR}").click()
    expect(page.get_by_test_id("notice")).to_contain_text(
        f"Kalendern används av mallarna {TEMPLATE}"
    )
    expect(
        page.get_by_test_id("calendar-list").locator(f"tr[data-calendar='{CALENDAR}']")
    ).to_be_visible()


def test_a_prefilled_choice_the_field_no_longer_offers_is_refused_in_words(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], level_field: None
) -> None:
    admin = api_as("admin")
    tid = f"{TEMPLATE}-2"
    admin.call("POST", "/api/admin/templates", {
        "id": tid, "title": "Avtal, äldre", "response_point_id": "kundtjanst",
        "custom_fields": {FIELD: "Guld"},
    })  # fmt: skip
    definition = admin.call("GET", f"/api/admin/custom-fields/{FIELD}")
    admin.call(
        "PUT", f"/api/admin/custom-fields/{FIELD}", {**definition, "options": ["Silver", "Brons"]}
    )

    s = sessions("admin")
    page = _open(s, "admin/templates")
    page.get_by_role("button", name=f"Ändra {tid}", exact=True).click()
    form = page.get_by_test_id("template-form")
    level = form.get_by_test_id("tpl-prefill").get_by_label(FIELD_LABEL)
    expect(level).to_have_value("Guld")  # still shown as stored
    form.get_by_role("button", name="Spara").click()
    error = form.get_by_test_id("template-error")
    expect(error).to_contain_text("Mallen sparades inte")
    expect(error).to_contain_text(f"custom field '{FIELD}' must be one of ['Silver', 'Brons']")

    level.select_option("Silver")
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()
    assert admin.call("GET", f"/api/admin/templates/{tid}")["custom_fields"] == {FIELD: "Silver"}
    # Emptying the choice keeps nothing for the field
    page.get_by_role("button", name=f"Ändra {tid}", exact=True).click()
    form.get_by_test_id("tpl-prefill").get_by_label(FIELD_LABEL).select_option("")
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()
    assert admin.call("GET", f"/api/admin/templates/{tid}")["custom_fields"] == {}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_calendar_and_template_forms_are_axe_clean(
    sessions: Callable[..., Session], lang: str, level_field: None
) -> None:
    """Both forms with every part shown, the template's prefill inputs among them."""
    s = sessions("admin", lang=lang)
    page = _open(s, "admin/calendars")
    page.locator(".list-head button.primary").click()
    form = page.get_by_test_id("calendar-form")
    form.locator("[name=cal-country]").select_option("DE")  # shows the region choice too
    expect(form.locator("[name=cal-subdivision]")).to_be_visible()
    form.get_by_role(
        "button", name="Lägg till stängd dag" if lang == "sv" else "Add a closed date"
    ).click()
    s.shot(f"admin-calendar-form-{lang}")
    problems = {"calendar": _serious(page)}
    page = _open(s, "admin/templates")
    page.locator(".list-head button.primary").click()
    expect(page.get_by_test_id("tpl-prefill").get_by_label(FIELD_LABEL)).to_be_visible()
    page.get_by_test_id("tpl-prefill").scroll_into_view_if_needed()
    s.shot(f"admin-template-form-{lang}")
    problems["template"] = _serious(page)
    assert problems == {"calendar": [], "template": []}
