"""Parent tickets in the browser (S10): children are added by searching (not by typing an
id), listed with their status, and closing the parent closes every child through the
CloseChildren machine of the local stack, with the progress on the parent. sv and en,
axe clean."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

WORDS = {
    "sv": {"title": "Underärenden", "search": "Sök", "change": "Ändra status", "done": "3 av 3"},
    "en": {"title": "Child tickets", "search": "Search", "change": "Change status",
           "done": "3 of 3"},
}  # fmt: skip


def _until(check: Callable[[], bool], seconds: float = 40) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_children_added_by_search_are_closed_with_their_parent(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    agent = api_as("agent1")
    tag = f"hiss{uuid.uuid4().hex[:6]}"  # a word only these tickets have in their title
    new = {"group_id": "kt-forsta", "agent_id": "agent1"}
    parent = agent.call("POST", "/api/tickets", {"title": f"Hissen står still ({lang})", **new})
    kids = [
        agent.call("POST", "/api/tickets", {"title": f"Fast i {tag} våning {n}", **new})
        for n in (1, 2, 3)
    ]
    s = sessions("agent1", lang)
    page = s.goto(f"ticket/{parent['id']}")
    panel = page.get_by_test_id("children-panel")
    expect(panel.get_by_role("heading", name=WORDS[lang]["title"])).to_be_visible()

    panel.get_by_test_id("children-search").fill(tag)
    panel.get_by_role("button", name=WORDS[lang]["search"], exact=True).click()
    found = panel.get_by_test_id("children-found")
    for kid in kids:
        expect(found).to_contain_text(f"#{kid['number']}")
    assert _serious(page) == []
    for kid in kids:
        found.get_by_role("button", name=f"#{kid['number']}").click()
        expect(panel.locator(f"[data-child='{kid['number']}']")).to_be_visible()
    listed = panel.get_by_test_id("children-list")
    expect(listed.locator("li")).to_have_count(3)
    expect(listed.locator(".badge.status-new")).to_have_count(3)
    assert {agent.call("GET", f"/api/tickets/{k['id']}")["parent_id"] for k in kids} == {
        parent["id"]
    }
    assert _serious(page) == []

    page.get_by_test_id("status-select").select_option("closed")
    page.get_by_role("button", name=WORDS[lang]["change"]).click()
    assert _until(
        lambda: all(
            agent.call("GET", f"/api/tickets/{k['id']}")["status"] == "closed" for k in kids
        )
    )
    expect(panel.get_by_test_id("children-progress")).to_contain_text(
        WORDS[lang]["done"], timeout=15_000
    )
    expect(listed.locator(".badge.status-closed")).to_have_count(3)
    assert agent.call("GET", f"/api/tickets/{parent['id']}")["status"] == "closed"
    assert _serious(page) == []
    assert not [c for c in s.console if c.startswith("pageerror")]


REPLY = {
    "sv": {"text": "Svar", "send": "Skicka svar", "parent": "Underärende till"},
    "en": {"text": "Reply", "send": "Send reply", "parent": "Child of ticket"},
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_reply_on_the_parent_reaches_every_childs_contact(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    agent = api_as("agent1")
    new = {"group_id": "kt-forsta", "agent_id": "agent1"}
    tag = uuid.uuid4().hex[:6]
    parent = agent.call("POST", "/api/tickets", {
        "title": f"Wifi nere ({lang})", "contact": {"email": f"chef-{tag}@example.se"}, **new,
    })  # fmt: skip
    kids = [
        agent.call(
            "POST",
            "/api/tickets",
            {
                "title": f"Inget wifi {n}",
                "contact": {"email": f"kund{n}-{tag}@example.se"},
                **new,
            },
        )
        for n in (1, 2)
    ]
    agent.call(
        "POST", f"/api/tickets/{parent['id']}/children", {"ticket_ids": [k["id"] for k in kids]}
    )
    s = sessions("agent1", lang)
    page = s.goto(f"ticket/{parent['id']}")

    page.get_by_label(REPLY[lang]["text"], exact=True).fill("Wifi fungerar igen.")
    page.get_by_test_id("reply-include-children").check()
    assert _serious(page) == []
    page.get_by_role("button", name=REPLY[lang]["send"]).click()

    def answered(ticket_id: str) -> bool:
        events = agent.call("GET", f"/api/tickets/{ticket_id}")["events"]
        return any(e["type"] == "message_out" for e in events)

    assert _until(lambda: all(answered(k["id"]) for k in kids))
    for kid in kids:
        [out] = [e for e in agent.call("GET", f"/api/tickets/{kid['id']}")["events"]
                 if e["type"] == "message_out"]  # fmt: skip
        assert f"#{kid['number']}" in out["data"]["subject"]
        assert "Wifi fungerar igen." in out["data"]["text"]
    assert agent.call("GET", f"/api/tickets/{parent['id']}")["status"] != "closed"

    child_page = s.goto(f"ticket/{kids[0]['id']}")
    expect(child_page.get_by_test_id("parent-box")).to_contain_text(
        f"{REPLY[lang]['parent']} #{parent['number']}"
    )
    assert _serious(child_page) == []
    assert not [c for c in s.console if c.startswith("pageerror")]
