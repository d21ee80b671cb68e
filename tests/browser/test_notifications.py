"""Agent notifications end to end (S16): a change made by someone else reaches the agent's
badge and list through the TicketEvents stream (the local stack's poller feeds the same
handler the Lambda runs), and reading one opens the ticket and lowers the count."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import ApiClient, Session
from tests.e2e.conftest import Stack
from tests.e2e.test_mail_flow import customer_mail, send, tickets_of, wait_for


def _badge_label(unread: int) -> str:
    return f"Aviseringar {unread} olästa" if unread else "Aviseringar"


def _badge_reaches(page: Page, unread: int, timeout: float = 30) -> None:
    """Move between screens, as an agent does, until the badge shows ``unread``: the notice
    is written by the stream consumer a moment after the change, and the badge asks again
    on every navigation (and every 30 s, and on focus)."""
    badge = page.get_by_test_id("notification-badge")
    routes = ["#/search", "#/"]
    for step in range(int(timeout)):
        try:
            expect(badge).to_have_attribute("aria-label", _badge_label(unread), timeout=1000)
            break
        except AssertionError:
            page.evaluate("(hash) => { location.hash = hash; }", routes[step % 2])
    expect(badge).to_have_attribute("aria-label", _badge_label(unread), timeout=1000)
    if unread:
        expect(badge.locator(".count")).to_have_text(str(unread))


def _open_list(page: Page) -> Any:
    page.get_by_test_id("notification-badge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aviseringar")
    return page.get_by_test_id("notification-list")


def test_a_hand_over_and_a_customer_reply_reach_the_agents_badge_and_list(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], stack: Stack
) -> None:
    s = sessions("agent1")
    agent, dispatcher, admin = api_as("agent1"), api_as("dispatcher"), api_as("admin")
    admin_auth = {"Authorization": f"Bearer {admin.token}"}
    tag = uuid.uuid4().hex[:6]
    customer, subject = f"avisering-{tag}@example.se", f"Skrivaren krånglar {tag}"

    # Given a customer's mail, as a ticket nobody holds yet
    send(stack, customer_mail(customer, subject, "Hej! Skrivaren skriver ut tomma sidor."))
    ticket = wait_for(lambda: tickets_of(stack, admin_auth, customer))[0]
    number = ticket["number"]
    before = agent.call("GET", "/api/me/notifications/count")["unread"]
    page = s.goto("")
    _badge_reaches(page, before)

    # When the dispatcher hands it to agent1
    done = dispatcher.call(
        "POST", "/api/dispatcher/assign", {"ticket_ids": [ticket["id"]], "agent_id": "agent1"}
    )
    assert done, done

    # Then agent1's badge counts one more, and the list names the ticket and what happened
    _badge_reaches(page, before + 1)
    listed = _open_list(page)
    item = listed.locator("li", has_text=f"#{number} {subject}")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"Tilldelat dig: #{number} {subject}")
    expect(item).to_contain_text("Dan Dispatcher")
    expect(item).to_have_class(re.compile(r"\bunread\b"))

    # Opening it shows the ticket, and it is read: the badge counts one less
    item.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"#/ticket/{ticket['id']}$"))
    expect(page.locator(".ticket-title")).to_contain_text(subject)
    _badge_reaches(page, before)
    mine = agent.call("GET", "/api/me/notifications")["items"]
    (assigned,) = [n for n in mine if n["ticket_id"] == ticket["id"]]
    assert (assigned["kind"], assigned["read"]) == ("assigned", True)

    # When the customer writes again on the ticket (the tag in the subject)
    send(
        stack,
        customer_mail(customer, f"Re: [#{number}] {subject}", "Nu skriver den inte alls."),
    )

    # Then agent1 hears of a new message on their ticket
    _badge_reaches(page, before + 1)
    listed = _open_list(page)
    message = listed.locator("li.unread", has_text=f"#{number} {subject}")
    expect(message).to_have_count(1)
    expect(message).to_contain_text(f"Nytt meddelande: #{number} {subject}")
    mine = agent.call("GET", "/api/me/notifications")["items"]
    kinds = [n["kind"] for n in mine if n["ticket_id"] == ticket["id"]]
    assert kinds == ["message", "assigned"]  # newest first: one notice per change
    message.get_by_role("button", name=f"Markera som läst: aviseringen om ärende {number}").click()
    _badge_reaches(page, before)
    assert not [c for c in s.console if "pageerror" in c], s.console
