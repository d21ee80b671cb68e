"""Live lists (issue 15) in the browser, sv and en, at 1366x768 and 1920x1080: with an inbox
open, a mail sent over SMTP shows as a bold (unread) row within 2 s, without a reload (the
stream poller's notice over the front door's WebSocket, web/src/live); a customer's reply on
the agent's own ticket marks the row "customer replied" and raises the notification badge
the same way, and the notification names the customer, not "system:mail". Axe clean.

The desk is the test's own (a response point, its group and an agent with unique names), so
the lists hold only what the test sends, whatever other tests do to the demo data."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious
from tests.e2e.conftest import Stack
from tests.e2e.test_mail_flow import customer_mail, send

PASSWORD = "Live-Lösen-2026!"
LIVE_SECONDS = 2.0  # the promise: mail accepted to row visible
BADGE = {"sv": "Aviseringar {n} olästa", "en": "Notifications {n} unread"}
REPLIED = {"sv": "Kund svarade", "en": "Customer replied"}


@dataclass(frozen=True)
class Desk:
    response_point: str
    address: str
    group: str
    agent: str
    email: str


@pytest.fixture(scope="module")
def desk(api_as: Callable[[str], ApiClient]) -> Desk:
    admin = api_as("admin")
    tag = uuid.uuid4().hex[:6]
    rp, group, agent = f"live-{tag}", f"live-{tag}", f"live{tag}"
    address = f"live-{tag}@servit.example"
    admin.call("POST", "/api/admin/response-points",
               {"id": rp, "name": f"Live {tag}", "emails": [address], "language": "sv"})  # fmt: skip
    admin.call("POST", "/api/admin/groups",
               {"id": group, "name": f"Live {tag}", "response_point_id": rp})  # fmt: skip
    point = admin.call("GET", f"/api/admin/response-points/{rp}")
    admin.call("PUT", f"/api/admin/response-points/{rp}", {**point, "default_group_id": group})
    email = f"{agent}@example.com"
    admin.call("POST", "/api/admin/users", {
        "id": agent, "email": email, "name": f"Lina Live {tag}", "roles": ["agent"],
        "groups": [group], "language": "sv", "password": PASSWORD,
    })  # fmt: skip
    return Desk(rp, address, group, agent, email)


@pytest.fixture
def open_as_agent(
    browser: Any, stack: Stack, desk: Desk
) -> Iterator[Callable[[str, int], Session]]:
    opened: list[Session] = []

    def open_session(lang: str, width: int) -> Session:
        reply = requests.post(f"{stack.url}/api/auth/login",
                              json={"email": desk.email, "password": PASSWORD}, timeout=30)  # fmt: skip
        reply.raise_for_status()
        client = ApiClient(stack.url, reply.json()["token"], reply.json()["user"])
        client.call("PATCH", "/api/me", {"language": lang})
        session = Session(browser, stack, client, lang, width)
        session.page.set_viewport_size({"width": width, "height": 768 if width == 1366 else 1080})
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        session.close()


def _live(page: Page) -> None:
    """The socket is open (web/src/live marks <html data-live>): notices reach the page."""
    expect(page.locator("html")).to_have_attribute("data-live", "live", timeout=10_000)


def _mark_page(page: Page) -> None:
    page.evaluate("() => { window.__notReloaded = true; }")


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("() => window.__notReloaded === true"))


def _row(page: Page, subject: str) -> Any:
    return page.locator(".list-pane tr[data-ticket]", has_text=subject)


def _timed_send(stack: Stack, message: Any) -> float:
    send(stack, message)  # returns at the SMTP server's 250: the mail is stored and filed
    return time.monotonic()


@pytest.mark.parametrize("width", [1366, 1920])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_mail_shows_in_the_open_inbox_within_2_s_bold_and_a_reply_marks_it_replied(
    open_as_agent: Callable[[str, int], Session], api_as: Callable[[str], ApiClient],
    stack: Stack, desk: Desk, lang: str, width: int,
) -> None:  # fmt: skip
    session = open_as_agent(lang, width)
    page = session.goto(f"inbox/group:{desk.group}", fresh=True)
    expect(page.locator("#list-title")).to_be_visible()
    _live(page)
    _mark_page(page)
    tag = uuid.uuid4().hex[:6]
    customer, name = f"kund-{tag}@example.se", f"Karin Kund {tag}"
    subject = f"Skrivaren {tag}"

    # When a customer's mail is accepted over SMTP
    accepted = _timed_send(stack, customer_mail(f"{name} <{customer}>", subject,
                                                "Hej! Skrivaren skriver inte ut.", to=desk.address))  # fmt: skip

    # Then its row is in the open list within 2 s, bold (unread), with no reload
    row = _row(page, subject)
    expect(row).to_be_visible(timeout=LIVE_SECONDS * 1000)
    seen_after = time.monotonic() - accepted
    assert seen_after < LIVE_SECONDS, seen_after
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    assert _not_reloaded(page)
    assert _serious(page) == []

    # Given the ticket is the agent's, and the agent has answered it
    number = int(row.get_attribute("data-ticket") or 0)
    ticket_id = next(t["id"] for t in session.client.call(
        "GET", f"/api/ui/inboxes/group:{desk.group}/tickets")["items"] if t["number"] == number)  # fmt: skip
    api_as("admin").call("POST", "/api/dispatcher/assign",
                         {"ticket_ids": [ticket_id], "agent_id": desk.agent})  # fmt: skip
    session.client.call("POST", f"/api/tickets/{ticket_id}/replies", {"text": "Vi tittar på det."})
    page = session.goto(f"inbox/agent:{desk.agent}", fresh=True)
    _live(page)
    _mark_page(page)
    row = _row(page, subject)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("customer-replied")).to_have_count(0)
    unread = session.client.call("GET", "/api/me/notifications/count")["unread"]
    badge = page.get_by_test_id("notification-badge")
    expect(badge).to_have_attribute("aria-label", re.compile(rf"\b{unread}\b|^[^0-9]*$"))

    # When the customer answers the reply
    accepted = _timed_send(stack, customer_mail(
        f"{name} <{customer}>", f"Re: [#{number}] {subject}", "Nu fungerar den inte alls.",
        to=desk.address))  # fmt: skip

    # Then the row says "customer replied" within 2 s and the badge counts one more, no reload
    replied = row.get_by_test_id("customer-replied")
    expect(replied).to_be_visible(timeout=LIVE_SECONDS * 1000)
    assert time.monotonic() - accepted < LIVE_SECONDS
    expect(replied).to_have_attribute("title", REPLIED[lang])
    expect(badge).to_have_attribute("aria-label", BADGE[lang].format(n=unread + 1), timeout=3000)
    assert _not_reloaded(page)
    assert _serious(page) == []

    # ... and the notification names the customer, not the mail system
    badge.click()
    item = page.get_by_test_id("notification-list").locator("li", has_text=f"#{number}").first
    expect(item).to_contain_text(f"{name} <{customer}>")
    expect(item).not_to_contain_text("system:mail")
    assert _serious(page) == []
    assert not [c for c in session.console if "pageerror" in c], session.console
