"""Issue 15, the composer: drafts that survive a ticket switch and a reload, Ctrl+Enter and
"Send and resolve", Esc leaving the field for j/k, a reply picking a pool ticket, and a
dispatcher or admin asked before taking a held ticket over (sv and en, axe clean).

agent3 (group it-servicedesk, which no other browser test lists) works on tickets made here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

GROUP_INBOX = "group:it-servicedesk"

WORDS = {
    "sv": {
        "reply": "Svar",
        "send": "Skicka svar",
        "send_resolve": "Skicka och lös",
        "resolved": "Löst",
        "draft_from": "Utkast från",
        "discard": "Släng utkastet",
        "discard_ask": "Släng utkastet?",
        "take_over": "har ärendet. Ta över det och skicka?",
        "help": "Kortkommandon",
        "leave": "Lämna fältet",
    },
    "en": {
        "reply": "Reply",
        "send": "Send reply",
        "send_resolve": "Send and resolve",
        "resolved": "Resolved",
        "draft_from": "Draft from",
        "discard": "Discard draft",
        "discard_ask": "Discard the draft?",
        "take_over": "holds this ticket. Take it over and send?",
        "help": "Keyboard shortcuts",
        "leave": "Leave the field",
    },
}


def pool_ticket(client: ApiClient, title: str) -> dict[str, Any]:
    """A new, unassigned ticket in it-servicedesk's pool, with a contact to reply to."""
    mark = uuid.uuid4().hex[:8]
    return client.call(
        "POST",
        "/api/tickets",
        {
            "title": f"{title} {mark}",
            "response_point_id": "it-support",
            "group_id": "it-servicedesk",
            "contact": {"email": f"composer-{mark}@example.se", "name": f"Kund {mark}"},
        },
    )  # type: ignore[no-any-return]


@pytest.fixture
def agent3_view(api_as: Callable[[str], ApiClient]) -> Iterator[Callable[[Session, str], None]]:
    """Set agent3's view (saved on the server, and in the browser's session as the view
    toggle does); the standard view on the server again after the test."""

    def use(s: Session, view: str) -> None:
        s.client.call("PATCH", "/api/me", {"view": view})
        s.goto("search")  # a screen that sends nobody elsewhere (home picks an inbox)
        s.page.evaluate(
            "v => { const k = 'servit.session'; const x = JSON.parse(localStorage.getItem(k));"
            " x.user.view = v; localStorage.setItem(k, JSON.stringify(x)); }",
            view,
        )

    yield use
    api_as("agent3").call("PATCH", "/api/me", {"view": "standard"})


def open_in(s: Session, route: str) -> Any:
    page = s.goto(route, fresh=True)
    expect(page.locator("article.ticket")).to_be_visible()
    return page


def switch_to(page: Any, ticket_id: str) -> None:
    """Choose another ticket in the PRO view (as a click on its row does: the hash changes)."""
    page.evaluate("id => { location.hash = `#/inbox/group:it-servicedesk/${id}`; }", ticket_id)
    expect(page.locator(f"article.ticket[aria-labelledby='t-{ticket_id}']")).to_be_visible()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_draft_survives_a_ticket_switch_in_the_pro_view_and_a_reload(
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
    agent3_view: Callable[[Session, str], None],
    lang: str,
) -> None:
    words = WORDS[lang]
    first = pool_ticket(api_as("agent3"), "Skrivaren")
    second = pool_ticket(api_as("agent3"), "Skärmen")
    s = sessions("agent3", lang=lang, width=1366)
    agent3_view(s, "pro")
    page = open_in(s, f"inbox/{GROUP_INBOX}/{first['id']}")
    expect(page.locator("main.pro-layout")).to_be_visible()

    # Given a reply and a note typed on the first ticket
    page.get_by_test_id("reply-text").fill("Hej! Vi byter tonern i morgon.")
    page.get_by_test_id("note-text").fill("Tonern beställd.")

    # When the agent switches to the second ticket and back
    switch_to(page, second["id"])
    expect(page.get_by_test_id("reply-text")).to_have_value("")
    switch_to(page, first["id"])

    # Then both texts are there, and the composer says they are a kept draft
    expect(page.get_by_test_id("reply-text")).to_have_value("Hej! Vi byter tonern i morgon.")
    expect(page.get_by_test_id("note-text")).to_have_value("Tonern beställd.")
    expect(page.get_by_test_id("reply-draft-from")).to_contain_text(words["draft_from"])

    # And after a reload too
    page.reload()
    expect(page.get_by_test_id("reply-text")).to_have_value("Hej! Vi byter tonern i morgon.")
    expect(page.get_by_test_id("reply-draft-from")).to_contain_text(words["draft_from"])
    assert _serious(page) == []

    # Discarding asks first, then the draft is gone for good
    page.get_by_test_id("reply-discard").click()
    expect(page.get_by_test_id("reply-text")).to_have_value("")
    assert any(words["discard_ask"] in d for d in s.dialogs)
    page.reload()
    expect(page.get_by_test_id("reply-text")).to_have_value("")
    expect(page.get_by_test_id("note-text")).to_have_value("Tonern beställd.")
    # Nothing was sent: the first ticket is still new and in the pool
    assert api_as("agent3").call("GET", f"/api/tickets/{first['id']}")["status"] == "new"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_ctrl_enter_sends_picks_the_pool_ticket_and_send_and_resolve_resolves(
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
    agent3_view: Callable[[Session, str], None],
    lang: str,
) -> None:
    words = WORDS[lang]
    ticket = pool_ticket(api_as("agent3"), "Lösenordet")
    s = sessions("agent3", lang=lang, width=1920)
    agent3_view(s, "standard")
    page = open_in(s, f"inbox/{GROUP_INBOX}/{ticket['id']}")

    # When the agent writes a reply on the pool ticket and presses Ctrl+Enter
    box = page.get_by_test_id("reply-text")
    box.fill("Hej! Vi har återställt lösenordet.")
    box.press("Control+Enter")

    # Then it is sent, and the ticket is theirs: picked, locked, out of the pool
    expect(page.locator(".timeline .event-message_out").last).to_contain_text(
        "Vi har återställt lösenordet"
    )
    expect(box).to_have_value("")
    after = api_as("agent3").call("GET", f"/api/tickets/{ticket['id']}")
    assert (after["status"], after["agent_id"], after["lock"]["by"]) == ("open", "agent3", "agent3")

    # When they answer again with "Send and resolve"
    box.fill("Återkom om det krånglar igen.")
    page.get_by_test_id("reply-after").select_option("resolved")
    send = page.get_by_test_id("reply-send")
    expect(send).to_have_text(words["send_resolve"])
    send.click()

    # Then the reply is out and the ticket resolved, in one request
    expect(page.get_by_test_id("ticket-status")).to_have_text(words["resolved"])
    done = api_as("agent3").call("GET", f"/api/tickets/{ticket['id']}")
    assert done["status"] == "resolved"
    messages = [e for e in done["events"] if e["type"] == "message_out"]
    assert len(messages) == 2
    assert _serious(page) == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_esc_leaves_the_composer_and_j_then_moves_in_the_list(
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
    agent3_view: Callable[[Session, str], None],
    lang: str,
) -> None:
    words = WORDS[lang]
    for title in ("Nätverket", "Skannern"):
        pool_ticket(api_as("agent3"), title)
    s = sessions("agent3", lang=lang, width=1366)
    agent3_view(s, "pro")
    page = s.goto(f"inbox/{GROUP_INBOX}", fresh=True)
    links = page.locator("[data-testid=ticket-list] tbody tr a[href*='/inbox/']")
    expect(links.nth(1)).to_be_visible()
    order = [re.sub(r".*/", "", h or "") for h in links.evaluate_all("as => as.map(a => a.href)")]
    page.evaluate("id => { location.hash = `#/inbox/group:it-servicedesk/${id}`; }", order[0])
    expect(page.locator(f"article.ticket[aria-labelledby='t-{order[0]}']")).to_be_visible()

    # r takes the agent to the reply; a j typed there is text, not a move
    page.locator("main").focus()
    page.keyboard.press("r")
    box = page.get_by_test_id("reply-text")
    expect(box).to_be_focused()
    page.keyboard.type("j")
    expect(box).to_have_value("j")
    assert order[0] in page.url

    # Esc leaves the field; the next j moves to the next ticket of the list
    page.keyboard.press("Escape")
    expect(box).not_to_be_focused()
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(re.escape(order[1]) + "$"))

    # The keys are listed on the ? overlay
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name=words["help"])
    for key in ("Ctrl+Enter", "Esc", "s", "Shift+S", "r", "n"):
        expect(
            dialog.locator("kbd", has_text=re.compile(f"^{re.escape(key)}$")).first
        ).to_be_visible()
    expect(dialog.get_by_role("row", name=re.compile(words["leave"]))).to_have_count(1)
    assert _serious(page) == []
    page.keyboard.press("Escape")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_admin_is_asked_before_taking_a_held_ticket_over_and_sending(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    words = WORDS[lang]
    ticket = pool_ticket(api_as("agent3"), "Behörigheten")
    api_as("agent3").call("POST", f"/api/tickets/{ticket['id']}/pick")
    s = sessions("admin", lang=lang, width=1920)
    page = open_in(s, f"inbox/rp:it-support/{ticket['id']}")

    page.get_by_test_id("reply-text").fill("Jag tar över det här.")
    page.get_by_test_id("reply-send").click()

    # The admin was asked (and said yes): the reply went out and the ticket is theirs
    expect(page.locator(".timeline .event-message_out").last).to_contain_text("Jag tar över")
    assert any(words["take_over"] in d and "Chen Wei" in d for d in s.dialogs), s.dialogs
    after = api_as("admin").call("GET", f"/api/tickets/{ticket['id']}")
    assert (after["agent_id"], after["lock"]["by"]) == ("admin", "admin")
