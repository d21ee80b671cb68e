"""Admin settings in the browser: the organisation's time zone moves every time shown; an
admin form opened with "Add" always starts empty."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session


@pytest.fixture
def stockholm_again(api_as: Callable[[str], ApiClient]) -> Iterator[None]:
    yield
    api_as("admin").call("PUT", "/api/admin/settings", {"time_zone": "Europe/Stockholm"})


def test_the_organisations_time_zone_moves_the_times_on_the_ticket(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], stockholm_again: None
) -> None:
    admin = api_as("admin")
    ticket = admin.call(
        "POST", "/api/tickets", {"title": "Tidszonstest", "response_point_id": "kundtjanst"}
    )
    created = datetime.fromisoformat(ticket["created_at"].replace("Z", "+00:00"))
    s = sessions("admin")

    # The admin picks New York in Settings
    page = s.goto("admin/settings")
    page.get_by_label("Tidszon (tider i gränssnittet och på kundsidan)").select_option(
        "America/New_York"
    )
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Sparat.")
    assert admin.call("GET", "/api/admin/settings")["time_zone"] == "America/New_York"

    # The ticket's creation time is New York's wall clock, not Stockholm's
    page = s.goto(f"ticket/{ticket['id']}")
    meta = page.locator("article.ticket").get_by_text("Skapat", exact=False).first
    new_york = created.astimezone(ZoneInfo("America/New_York"))
    expect(meta).to_contain_text(f"{new_york:%H:%M}")
    stockholm = created.astimezone(ZoneInfo("Europe/Stockholm"))
    assert f"{stockholm:%H:%M}" not in meta.inner_text()


def test_add_opens_an_empty_template_form_even_after_typing_in_one(
    sessions: Callable[..., Session],
) -> None:
    s = sessions("admin")
    page = s.goto("admin/templates")
    add = page.locator(".list-head button.primary")
    add.click()
    form = page.get_by_test_id("template-form")
    form.locator("[name=tpl-id]").fill("halvfardig")
    form.locator("[name=tpl-title]").fill("Påbörjad men inte sparad")
    add.click()
    expect(form.locator("[name=tpl-id]")).to_have_value("")
    expect(form.locator("[name=tpl-title]")).to_have_value("")
    assert not [c for c in s.console if "pageerror" in c], s.console


def test_edit_opens_the_template_as_stored_now_and_a_stale_save_says_so(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    admin = api_as("admin")
    tid = "versionskoll"
    admin.call("POST", "/api/admin/templates", {
        "id": tid, "title": "Versionskoll", "response_point_id": "kundtjanst",
    })  # fmt: skip
    s = sessions("admin")
    page = s.goto("admin/templates")
    page.reload()  # the list as it is now, with the new template
    edit = page.get_by_role("button", name=f"Ändra {tid}", exact=True)

    # Someone else saves the template while this admin's list still shows version 1
    stored = admin.call("GET", f"/api/admin/templates/{tid}")
    admin.call("PUT", f"/api/admin/templates/{tid}", {**stored, "title": "Versionskoll 2"})
    edit.click()
    form = page.get_by_test_id("template-form")
    expect(form.get_by_test_id("template-version")).to_have_text("Version 2")
    expect(form.locator("[name=tpl-title]")).to_have_value("Versionskoll 2")

    # ... and again while the form is open: saving says the template changed, in words
    stored = admin.call("GET", f"/api/admin/templates/{tid}")
    admin.call("PUT", f"/api/admin/templates/{tid}", {**stored, "title": "Versionskoll 3"})
    form.locator("[name=tpl-description]").fill("Min ändring")
    form.get_by_role("button", name="Spara").click()
    expect(form.get_by_test_id("template-error")).to_have_text(
        "Mallen har ändrats sedan du öppnade den. Stäng formuläret och öppna mallen igen."
    )
    assert admin.call("GET", f"/api/admin/templates/{tid}")["title"] == "Versionskoll 3"
    form.get_by_role("button", name="Avbryt").click()
    admin.call("PUT", f"/api/admin/templates/{tid}", {
        **admin.call("GET", f"/api/admin/templates/{tid}"), "enabled": False,
    })  # fmt: skip


@pytest.fixture
def itil_shown_again(api_as: Callable[[str], ApiClient]) -> Iterator[None]:
    yield
    admin = api_as("admin")
    rp = admin.call("GET", "/api/admin/response-points/kundtjanst")
    admin.call("PUT", "/api/admin/response-points/kundtjanst", {**rp, "hidden_fields": []})


def test_a_field_an_admin_hides_leaves_an_open_ticket_when_the_window_is_back_in_focus(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], itil_shown_again: None
) -> None:
    admin = api_as("admin")
    ticket = admin.call(
        "POST", "/api/tickets", {"title": "Öppen hela dagen", "response_point_id": "kundtjanst"}
    )
    s = sessions("admin", width=1281)  # a second window of its own
    page = s.goto(f"ticket/{ticket['id']}")
    page.reload()
    expect(page.get_by_label("ITIL-process")).to_have_count(1)
    page.get_by_label("Rubrik").fill("Halvskriven rubrik")  # typing that must survive

    # An admin elsewhere hides ITIL process at Kundtjänst
    rp = admin.call("GET", "/api/admin/response-points/kundtjanst")
    admin.call("PUT", "/api/admin/response-points/kundtjanst", {**rp, "hidden_fields": ["itil_process"]})  # fmt: skip
    time.sleep(2.2)  # the refresh ignores focus events closer together than 2 s
    page.evaluate("window.dispatchEvent(new Event('focus'))")

    # The field leaves the open ticket without a reload, and what the agent typed stays
    expect(page.get_by_label("ITIL-process")).to_have_count(0)
    expect(page.get_by_label("Rubrik")).to_have_value("Halvskriven rubrik")
    assert not [c for c in s.console if "pageerror" in c], s.console
