"""Inbox routes: the caller's inboxes with counts, and one inbox's open tickets."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.apiclient import Api, assert_error
from tests.support import FrozenClock


def create(client: Api, **body: Any) -> str:
    reply = client.post("/api/tickets", {"title": "Ärende", **body})
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def listed(client: Api, inbox: str, query: str = "") -> list[str]:
    reply = client.get(f"/api/inboxes/{inbox}/tickets{query}")
    assert reply.status == 200, reply.body
    return [t["id"] for t in reply.body["items"]]


def test_the_inbox_list_has_the_callers_inboxes_with_counts(api: Api) -> None:
    d = api.as_user("dispatcher")
    create(d, group_id="kt-first")
    create(d, group_id="kt-first", agent_id="agent1")
    create(d, group_id="kt-second")
    create(d, response_point_id="it-support", group_id="it-desk")

    reply = api.as_user("agent1").get("/api/inboxes")

    assert reply.status == 200
    counts = {i["id"]: i["count"] for i in reply.body["items"]}
    assert counts == {
        "agent:agent1": 1,
        "group:kt-first": 2,
        "pool-group:kt-first": 1,
        "rp:it-support": 1,
        "pool-rp:it-support": 1,
    }
    first = reply.body["items"][0]
    assert set(first) == {"id", "kind", "key", "name", "count"}
    assert (first["kind"], first["key"], first["name"]) == ("agent", "agent1", "Agnes Agent")


def test_an_inbox_holds_open_tickets_by_priority_then_age(api: Api, clock: FrozenClock) -> None:
    d = api.as_user("dispatcher")
    agent = api.as_user("agent1")
    low = create(d, group_id="kt-first", priority="low")
    clock.advance(minutes=1)
    high = create(d, group_id="kt-first", priority="high")
    clock.advance(minutes=1)
    medium = create(d, group_id="kt-first")
    resolved = create(d, group_id="kt-first", priority="high", status="resolved")
    closed = create(d, group_id="kt-first", priority="high")
    d.patch(f"/api/tickets/{closed}", {"status": "closed"})

    ids = listed(agent, "group:kt-first")

    assert ids == [high, medium, low]
    assert resolved not in ids and closed not in ids


def test_a_reopened_ticket_comes_back_to_the_inbox(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first", status="closed")
    assert listed(agent, "group:kt-first") == []

    agent.post(f"/api/tickets/{ticket}/reopen")

    assert listed(agent, "group:kt-first") == [ticket]


@pytest.mark.parametrize(
    ("inbox", "expected"),
    [
        ("agent:agent1", ["mine"]),
        ("group:kt-first", ["mine", "pool"]),
        ("pool-group:kt-first", ["pool"]),
        ("rp:it-support", ["it"]),
        ("pool-rp:it-support", ["it"]),
    ],
    ids=["agent", "group", "pool-group", "rp", "pool-rp"],
)
def test_each_kind_of_inbox_lists_its_tickets(
    api: Api, clock: FrozenClock, inbox: str, expected: list[str]
) -> None:
    d = api.as_user("dispatcher")
    made = {"mine": create(d, group_id="kt-first", agent_id="agent1")}
    clock.advance(seconds=1)
    made["pool"] = create(d, group_id="kt-first")
    made["it"] = create(d, response_point_id="it-support", group_id="it-desk")

    assert listed(api.as_user("agent1"), inbox) == [made[k] for k in expected]


def test_an_inbox_pages_with_a_cursor(api: Api, clock: FrozenClock) -> None:
    d = api.as_user("dispatcher")
    made = []
    for _ in range(5):
        made.append(create(d, group_id="kt-first"))
        clock.advance(seconds=1)
    agent = api.as_user("agent1")

    seen: list[str] = []
    query = "?limit=2"
    while True:
        page = agent.get(f"/api/inboxes/group:kt-first/tickets{query}").body
        seen += [t["id"] for t in page["items"]]
        if page["cursor"] is None:
            break
        query = f"?limit=2&cursor={page['cursor']}"

    assert seen == made


@pytest.mark.parametrize(
    "inbox",
    ["rp:kundtjanst", "pool-rp:kundtjanst", "group:kt-second", "pool-group:kt-second", "rp:none"],
)
def test_inboxes_hidden_by_the_level_are_404_for_agents(api: Api, inbox: str) -> None:
    api.as_user("dispatcher").post("/api/tickets", {"title": "T", "group_id": "kt-second"})

    assert_error(api.as_user("agent1").get(f"/api/inboxes/{inbox}/tickets"), 404, "not_found")


@pytest.mark.parametrize("who", ["admin", "dispatcher"])
def test_admins_and_dispatchers_open_any_inbox(api: Api, who: str) -> None:
    ticket = create(api.as_user("dispatcher"), group_id="kt-second")

    assert listed(api.as_user(who), "rp:kundtjanst") == [ticket]
    assert listed(api.as_user(who), "group:kt-second") == [ticket]


def test_another_agents_inbox_shows_only_what_the_level_allows(api: Api) -> None:
    d = api.as_user("dispatcher")
    create(d, group_id="kt-second", agent_id="agent3")
    shared = create(d, response_point_id="it-support", group_id="it-desk", agent_id="agent3")

    assert listed(api.as_user("agent1"), "agent:agent3") == [shared]


@pytest.mark.parametrize(
    ("inbox", "query"),
    [
        ("team:x", ""),
        ("agent:", ""),
        ("nonsense", ""),
        ("group:kt-first", "?limit=0"),
        ("group:kt-first", "?limit=x"),
        ("group:kt-first", "?cursor=@@@"),
    ],
    ids=["unknown-kind", "no-key", "no-colon", "limit-zero", "limit-word", "bad-cursor"],
)
def test_bad_inbox_requests_are_422(api: Api, inbox: str, query: str) -> None:
    assert_error(api.as_user("agent1").get(f"/api/inboxes/{inbox}/tickets{query}"), 422)
