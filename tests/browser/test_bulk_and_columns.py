"""Issue 15, lists: bulk work with undo, the SLA-due and last-updated columns, columns chosen
per user, the PRO list at 1366 px, and the dispatcher board opening on the team's own pool.

Each test makes its own tickets (unique titles) and sorts the list newest first, so nothing
here depends on the demo data other files change.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]
WORDS = {
    "sv": {"number": "Nr", "apply": "Ändra valda (3)", "assign": "Tilldela valda (3)",
           "done": "3 ärenden ändrade.", "undo": "Ångra", "undone": "Ångrat för 3 ärenden.",
           "columns": "Kolumner", "updated": "Uppdaterad", "sla_words": re.compile(r"^(om|snart: om|försenad) \d+ (min|tim|d)$"),
           "ago": re.compile(r"^\d+ (min|tim|d) sedan$"), "unassigned": "Första linjen – otilldelade"},
    "en": {"number": "No.", "apply": "Change chosen (3)", "assign": "Assign chosen (3)",
           "done": "3 tickets changed.", "undo": "Undo", "undone": "Undone for 3 tickets.",
           "columns": "Columns", "updated": "Updated", "sla_words": re.compile(r"^(in|soon: in|overdue) \d+ (min|h|d)$"),
           "ago": re.compile(r"^\d+ (min|h|d) ago$"), "unassigned": "Första linjen – unassigned"},
}  # fmt: skip


def _pool_tickets(admin: ApiClient, label: str, count: int = 3) -> list[dict[str, Any]]:
    return [
        admin.call(
            "POST",
            "/api/tickets",
            {
                "title": f"{label} {SUFFIX} {n}",
                "response_point_id": "kundtjanst",
                "group_id": "kt-forsta",
            },
        )
        for n in range(count)
    ]


def _newest_first(page: Any, number: str) -> None:
    header = page.get_by_role("columnheader", name=number, exact=True)
    header.get_by_role("button").click()
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    # A visible arrow, not only the attribute: the sorted column draws a solid one.
    expect(header.locator("svg.sort-descending")).to_be_visible()


@pytest.mark.parametrize(("lang", "screen"), [("sv", "inbox"), ("en", "dispatcher")])
def test_bulk_assign_three_tickets_then_undo_puts_them_back(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str, screen: str
) -> None:
    # Given three new tickets in the first line's pool
    admin = api_as("admin")
    made = _pool_tickets(admin, f"Bulk {lang}")
    w = WORDS[lang]
    s = sessions("dispatcher", lang=lang, width=1920)
    if screen == "inbox":
        page = s.goto("inbox/pool-group:kt-forsta")
    else:
        page = s.goto("dispatcher")
        # The board opens on the dispatcher's own team's pool (their first group with work)
        expect(page.locator("#pool-title")).to_have_text(w["unassigned"])
    page.wait_for_load_state("networkidle")
    _newest_first(page, w["number"])

    # When the dispatcher ticks the newest, Shift-clicks the third (a range) ...
    newest = sorted(made, key=lambda t: -t["number"])
    page.get_by_label(re.compile(f"{newest[0]['number']}$")).check()
    page.get_by_label(re.compile(f"{newest[2]['number']}$")).click(modifiers=["Shift"])
    for ticket in made:
        expect(page.get_by_label(re.compile(f"{ticket['number']}$"))).to_be_checked()
    # ... and hands the three to Anna Andersson (offered: she is in the tickets' group)
    bar = page.get_by_test_id("bulk-bar")
    bar.locator("[data-field=assign-agent]").select_option(label="Anna Andersson")
    assert "Chen Wei" not in bar.locator("[data-field=assign-agent]").inner_text()  # IT, not here
    bar.get_by_role("button", name=w["assign"] if screen == "dispatcher" else w["apply"]).click()

    # Then each is Anna's, and the list says so with an Undo button
    result = page.get_by_test_id("bulk-result")
    expect(result).to_contain_text(w["done"])
    for ticket in made:
        assert admin.call("GET", f"/api/tickets/{ticket['id']}")["agent_id"] == "agent1"
    assert _serious(page) == []
    s.shot(f"bulk-done-{screen}-{lang}")

    # And Undo puts every one back as it was: unassigned, in the first line's pool
    result.get_by_role("button", name=w["undo"]).click()
    expect(result).to_contain_text(w["undone"])
    for ticket in made:
        now = admin.call("GET", f"/api/tickets/{ticket['id']}")
        assert (now["agent_id"], now["group_id"]) == (None, "kt-forsta")
    expect(page.get_by_role("link", name=made[0]["title"])).to_be_visible()
    assert not [c for c in s.console if "pageerror" in c], s.console


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_sla_due_and_last_updated_show_and_a_chosen_column_set_survives_a_reload(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    # Given a ticket from the invoice template (it has SLA targets), in its group's pool
    admin = api_as("admin")
    ticket = admin.call("POST", "/api/tickets", {
        "title": f"SLA-kolumn {SUFFIX} {lang}", "template_id": "faktura", "priority": "high",
        "response_point_id": "kundtjanst",
    })  # fmt: skip
    assert ticket["sla"]["first_response_due"]
    w = WORDS[lang]
    s = sessions("admin", lang=lang, width=1920)
    page = s.goto(f"inbox/pool-group:{ticket['group_id']}")
    page.set_viewport_size({"width": 1920, "height": 1080})
    _newest_first(page, w["number"])

    # Then its row shows when the SLA is due, in words, and when it was last updated
    row = page.locator(f"tr[data-ticket='{ticket['number']}']")
    expect(row.locator("td.col-sla")).to_have_text(w["sla_words"])
    expect(row.locator("td.col-sla")).to_have_attribute("data-sla", re.compile("ok|warn|breached"))
    expect(row.locator("td.col-updated")).to_have_text(w["ago"])
    assert _serious(page) == []

    # When the user hides "Updated" in the column menu and reloads
    menu = page.get_by_test_id("column-menu")
    menu.locator("summary").click()
    menu.get_by_label(w["updated"]).uncheck()
    expect(page.locator("thead th.col-updated")).to_have_count(0)
    assert _serious(page) == []  # with the menu open
    page.reload()
    page.wait_for_selector("[data-testid=ticket-list]")

    # Then the list still leaves it out, and shows it again once chosen again
    expect(page.locator("thead th.col-sla")).to_have_count(1)
    expect(page.locator("thead th.col-updated")).to_have_count(0)
    page.get_by_test_id("column-menu").locator("summary").click()
    page.get_by_test_id("column-menu").get_by_label(w["updated"]).check()
    expect(page.locator("thead th.col-updated")).to_have_count(1)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366", "1920"])
def test_the_pro_list_keeps_the_title_and_contact_readable(
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
    lang: str,
    size: tuple[int, int],
) -> None:
    # Given a ticket with a long title and a named contact, in Bengt's (PRO view) pool
    admin = api_as("admin")
    title = f"Fakturan för oktober stämmer inte med ordern {SUFFIX} {lang} {size[0]}"
    ticket = admin.call("POST", "/api/tickets", {
        "title": title, "response_point_id": "kundtjanst", "group_id": "kt-forsta",
        "contact": {"email": f"pro-{SUFFIX}-{lang}-{size[0]}@example.se", "name": f"Petra Prolista {SUFFIX}"},
    })  # fmt: skip
    s = sessions("agent2", lang=lang, width=size[0])
    page = s.goto("inbox/pool-group:kt-forsta")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    expect(page.locator(".pro-layout")).to_be_visible()
    _newest_first(page, WORDS[lang]["number"])

    # Then the row shows a readable part of the title (not 2-3 letters) and the contact
    row = page.locator(f"tr[data-ticket='{ticket['number']}']")
    link = row.locator("td.col-title a")
    contact = row.locator("td.col-contact")
    expect(link).to_be_visible()
    expect(contact).to_be_visible()
    expect(contact).to_have_text(f"Petra Prolista {SUFFIX}")
    title_width = link.evaluate("a => a.getBoundingClientRect().width")
    assert title_width >= 150, title_width  # about 20 characters at the least
    contact_width = contact.evaluate("c => c.getBoundingClientRect().width")
    assert contact_width >= 100, contact_width
    # The less important columns went first: at 1366 the age is no longer drawn
    if size[0] == 1366:
        expect(page.locator("thead th.col-age")).to_be_hidden()
    assert _serious(page) == []
    s.shot(f"pro-list-{size[0]}-{lang}")


def test_switching_lists_hides_the_old_rows_until_the_new_list_is_in(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    # Given the first line's pool on screen, and the next inbox's answer held back
    _pool_tickets(api_as("admin"), "Byte", 1)
    s = sessions("dispatcher", lang="sv", width=1920)
    page = s.goto("inbox/pool-group:kt-forsta")
    expect(page.locator("[data-testid=ticket-list] tbody tr").first).to_be_visible()
    held: list[Any] = []
    page.route(re.compile(r".*/api/ui/inboxes/pool-group%3Akt-faktura/tickets.*|.*/api/ui/inboxes/pool-group:kt-faktura/tickets.*"),
               lambda route: held.append(route))  # fmt: skip

    # When the user opens another inbox
    page.get_by_role("link", name=re.compile("Fakturor – otilldelade")).click()

    # Then, while it loads, the old rows cannot be clicked and the list says it is loading
    expect(page.locator("[data-testid=ticket-list]")).to_have_attribute("aria-busy", "true")
    expect(page.locator("[data-testid=ticket-list] tbody")).to_have_attribute("inert", "")
    expect(page.get_by_role("status").filter(has_text="Laddar listan")).to_be_visible()
    page.wait_for_timeout(100)
    assert held, "the new list was asked for"
    for route in held:
        route.continue_()
    page.unroute(re.compile(".*"))
    expect(page.locator("[data-testid=ticket-list]")).not_to_have_attribute("aria-busy", "true")
