"""Ticket routes: intake, reading with history, changes with If-Match, notes, locks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.support import FrozenClock, drain_stream


def create(client: Api, **body: Any) -> dict[str, Any]:
    reply = client.post("/api/tickets", {"title": "Skrivaren strular", **body})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


# --- create --------------------------------------------------------------------


def test_an_agent_enters_a_ticket_with_an_inline_contact(api: Api) -> None:
    agent = api.as_user("agent1")

    reply = agent.post(
        "/api/tickets",
        {
            "title": "Fakturan är fel",
            "description": "Kunden ringde.",
            "priority": "high",
            "group_id": "kt-first",
            "contact": {"email": "kund@example.com", "name": "Karin Kund"},
        },
    )

    assert reply.status == 201
    ticket = reply.body
    assert ticket["number"] == 10001
    assert (ticket["status"], ticket["priority"], ticket["channel"]) == ("new", "high", "manual")
    assert ticket["response_point_id"] == "kundtjanst"
    contact = agent.get(f"/api/contacts/{ticket['contact_id']}").body
    assert (contact["name"], contact["emails"]) == ("Karin Kund", ["kund@example.com"])


def test_numbers_count_up_from_10001_and_contacts_are_reused(api: Api) -> None:
    agent = api.as_user("agent1")
    first = create(agent, contact={"email": "kund@example.com"})

    second = create(agent, contact={"email": "KUND@example.com"})
    third = create(agent, contact_id=first["contact_id"])

    assert [first["number"], second["number"], third["number"]] == [10001, 10002, 10003]
    assert first["contact_id"] == second["contact_id"] == third["contact_id"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": ""}, 422),
        ({"title": 5}, 400),
        ({"title": "x" * 301}, 422),
        ({"priority": "urgent"}, 422),
        ({"status": "dormant_until"}, 422),
        ({"contact_id": "missing"}, 422),
        ({"contact": {"email": "not-an-address"}}, 422),
        ({"contact": "kund@example.com"}, 400),
        ({"group_id": "it-desk"}, 422),
        ({"id": "01HCHOSENBYME"}, 422),
        ({"number": 1}, 422),
    ],
    ids=[
        "blank-title",
        "title-number",
        "long-title",
        "bad-priority",
        "dormant-no-date",
        "unknown-contact",
        "bad-contact-email",
        "contact-text",
        "group-elsewhere",
        "own-id",
        "own-number",
    ],
)
def test_a_bad_ticket_is_refused_and_nothing_is_written(
    api: Api, body: dict[str, Any], status: int
) -> None:
    agent = api.as_user("agent1")

    reply = agent.post(
        "/api/tickets", {"title": "T", "contact": {"email": "ny@example.com"}, **body}
    )

    assert_error(reply, status)
    assert agent.get("/api/contacts?email=ny@example.com").body["items"] == []
    assert create(agent)["number"] == 10001


# --- read ------------------------------------------------------------------------


def test_a_ticket_is_read_with_its_history_oldest_first_and_its_version_as_etag(
    api: Api, clock: FrozenClock
) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")
    clock.advance(minutes=1)
    agent.post(f"/api/tickets/{ticket['id']}/notes", {"kind": "action", "text": "Ringde"})
    clock.advance(minutes=1)
    agent.patch(f"/api/tickets/{ticket['id']}", {"status": "open"})

    reply = agent.get(f"/api/tickets/{ticket['id']}")

    assert reply.status == 200
    assert reply.headers["ETag"] == '"3"'
    assert reply.body["version"] == 3
    assert [e["type"] for e in reply.body["events"]] == ["created", "note", "status_changed"]
    times = [e["at"] for e in reply.body["events"]]
    assert times == sorted(times)
    assert reply.body["events"][1]["data"] == {"kind": "action", "text": "Ringde"}


def test_an_unknown_ticket_is_404(api: Api) -> None:
    assert_error(api.as_user("admin").get("/api/tickets/01NOSUCHTICKET"), 404, "not_found")


def test_text_in_any_script_comes_back_unchanged(api: Api) -> None:
    agent = api.as_user("agent1")
    title = "Принтер 打印机 プリンター 🖨️ Åäö"

    ticket = create(agent, title=title, description="Ελληνικά\nעברית", group_id="kt-first")

    shown = agent.get(f"/api/tickets/{ticket['id']}").body
    assert (shown["title"], shown["description"]) == (title, "Ελληνικά\nעברית")


# --- update ----------------------------------------------------------------------


def test_a_patch_with_the_current_version_changes_the_ticket(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")

    reply = agent.patch(
        f"/api/tickets/{ticket['id']}",
        {"title": "Ny rubrik", "priority": "low", "status": "with_contact"},
        headers={"If-Match": '"1"'},
    )

    assert reply.status == 200
    assert (reply.body["title"], reply.body["priority"], reply.body["status"]) == (
        "Ny rubrik",
        "low",
        "with_contact",
    )
    assert reply.body["version"] == 2


def test_a_patch_with_a_stale_version_is_409_and_changes_nothing(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")
    agent.patch(f"/api/tickets/{ticket['id']}", {"priority": "high"})
    before = agent.get(f"/api/tickets/{ticket['id']}").body

    reply = agent.patch(
        f"/api/tickets/{ticket['id']}", {"title": "Krock"}, headers={"If-Match": "1"}
    )

    assert_error(reply, 409, "stale")
    assert agent.get(f"/api/tickets/{ticket['id']}").body == before


@pytest.mark.parametrize("value", ["abc", "1.5", '"-1"', "*"], ids=repr)
def test_an_if_match_that_is_not_a_version_is_422(api: Api, value: str) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")

    reply = agent.patch(f"/api/tickets/{ticket['id']}", {"title": "x"}, headers={"If-Match": value})

    assert_error(reply, 422)


@pytest.mark.parametrize(
    ("start", "move"),
    [("closed", "open"), ("closed", "resolved"), ("resolved", "with_contact"), ("open", "new")],
    ids=["closed->open", "closed->resolved", "resolved->with_contact", "open->new"],
)
def test_a_forbidden_status_move_is_422(api: Api, start: str, move: str) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first", status=start)

    reply = agent.patch(f"/api/tickets/{ticket['id']}", {"status": move})

    assert_error(reply, 422, "invalid_transition")
    assert agent.get(f"/api/tickets/{ticket['id']}").body["status"] == start


@pytest.mark.parametrize(
    "body",
    [
        {"status": "dormant_until"},
        {"status": "dormant_until", "dormant_until": "2026-02-30T00:00:00Z"},
        {"status": "dormant_until", "dormant_until": "next week"},
        {"status": "dormant", "dormant_until": "2999-01-01T00:00:00Z"},
        {"dormant_until": "2999-01-01T00:00:00Z"},
    ],
    ids=["no-date", "no-such-day", "not-a-date", "date-for-dormant", "date-alone-on-open"],
)
def test_dormant_until_needs_a_date_and_nothing_else_takes_one(
    api: Api, body: dict[str, Any]
) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first", status="open")

    assert_error(agent.patch(f"/api/tickets/{ticket['id']}", body), 422)
    assert agent.get(f"/api/tickets/{ticket['id']}").body["version"] == 1


def test_dormant_until_a_past_date_is_taken_and_arms_a_wakeup_at_once(
    api: Api, svc: Services, clock: FrozenClock
) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")
    past = (clock.now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    reply = agent.patch(
        f"/api/tickets/{ticket['id']}", {"status": "dormant_until", "dormant_until": past}
    )
    drain_stream(svc)

    assert reply.status == 200 and reply.body["status"] == "dormant_until"
    [wakeup] = svc.workflows.running("wakeup")  # type: ignore[attr-defined]
    assert wakeup.payload["at"] == past  # the Wait state passes at once


def test_dormant_until_a_future_date_is_kept(api: Api, clock: FrozenClock) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")
    wake = (clock.now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")

    reply = agent.patch(
        f"/api/tickets/{ticket['id']}", {"status": "dormant_until", "dormant_until": wake}
    )

    assert reply.status == 200
    assert reply.body["dormant_until"].startswith(wake[:19])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": None}, 422),
        ({"priority": 3}, 400),
        ({"cc": "a@example.com"}, 400),
        ({"custom_fields": []}, 400),
        ({"version": 9}, 422),
        ({"number": 1}, 422),
        ({"ticket_type": "nonsense"}, 422),
        ({"parent_id": "missing"}, 422),
        ([], 400),
        ("title", 400),
    ],
    ids=[
        "null-title",
        "priority-number",
        "cc-text",
        "custom-list",
        "version",
        "number",
        "unknown-type",
        "unknown-parent",
        "array-body",
        "string-body",
    ],
)
def test_a_bad_patch_is_refused_and_writes_nothing(api: Api, body: Any, status: int) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")
    before = agent.get(f"/api/tickets/{ticket['id']}").body

    assert_error(agent.patch(f"/api/tickets/{ticket['id']}", body), status)
    assert agent.get(f"/api/tickets/{ticket['id']}").body == before


def test_a_ticket_links_to_a_parent_but_not_to_itself(api: Api) -> None:
    agent = api.as_user("agent1")
    parent = create(agent, group_id="kt-first")
    child = create(agent, group_id="kt-first")

    linked = agent.patch(f"/api/tickets/{child['id']}", {"parent_id": parent["id"]})
    self_link = agent.patch(f"/api/tickets/{parent['id']}", {"parent_id": parent["id"]})

    assert linked.status == 200 and linked.body["parent_id"] == parent["id"]
    assert_error(self_link, 422)
    children = agent.get(f"/api/tickets?parent={parent['id']}").body["items"]
    assert [c["id"] for c in children] == [child["id"]]


# --- notes, pick, release, reopen --------------------------------------------------


@pytest.mark.parametrize("kind", ["solution", "action", "note"])
def test_a_note_of_each_kind_is_added_to_the_history(api: Api, kind: str) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")

    reply = agent.post(f"/api/tickets/{ticket['id']}/notes", {"kind": kind, "text": "Åtgärd"})

    assert reply.status == 201
    assert (reply.body["type"], reply.body["actor"]) == ("note", "agent1")
    assert reply.body["data"] == {"kind": kind, "text": "Åtgärd"}
    events = agent.get(f"/api/tickets/{ticket['id']}").body["events"]
    assert events[-1]["id"] == reply.body["id"]


@pytest.mark.parametrize(
    ("body", "status"),
    [({"text": ""}, 422), ({"kind": "memo", "text": "x"}, 422), ({"text": ["x"]}, 400), ({}, 422)],
    ids=["empty", "bad-kind", "text-list", "no-text"],
)
def test_a_bad_note_is_refused(api: Api, body: dict[str, Any], status: int) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")

    assert_error(agent.post(f"/api/tickets/{ticket['id']}/notes", body), status)
    assert len(agent.get(f"/api/tickets/{ticket['id']}").body["events"]) == 1


def test_pick_locks_the_ticket_and_others_get_409_locked(api: Api) -> None:
    agent1, agent2 = api.as_user("agent1"), api.as_user("agent2")
    ticket = create(agent1, group_id="kt-first")

    picked = agent1.post(f"/api/tickets/{ticket['id']}/pick")

    assert picked.status == 200
    assert picked.body["lock"]["by"] == "agent1"
    assert (picked.body["agent_id"], picked.body["status"]) == ("agent1", "open")
    path = f"/api/tickets/{ticket['id']}"
    for reply in (
        agent2.patch(path, {"title": "Mitt"}),
        agent2.post(f"{path}/notes", {"text": "Hej"}),
        agent2.post(f"{path}/pick"),
        agent2.post(f"{path}/release"),
    ):
        assert_error(reply, 409, "locked")
    assert agent1.get(path).body["version"] == picked.body["version"]


@pytest.mark.parametrize("who", ["admin", "dispatcher"])
def test_admins_and_dispatchers_override_a_lock(api: Api, who: str) -> None:
    agent1 = api.as_user("agent1")
    boss = api.as_user(who)
    ticket = create(agent1, group_id="kt-first")
    agent1.post(f"/api/tickets/{ticket['id']}/pick")

    handed = boss.patch(f"/api/tickets/{ticket['id']}", {"agent_id": "agent2"})

    assert handed.status == 200
    assert (handed.body["agent_id"], handed.body["lock"]) == ("agent2", None)


def test_a_dispatcher_releases_anothers_lock(api: Api) -> None:
    agent1 = api.as_user("agent1")
    ticket = create(agent1, group_id="kt-first")
    agent1.post(f"/api/tickets/{ticket['id']}/pick")

    released = api.as_user("dispatcher").post(f"/api/tickets/{ticket['id']}/release")

    assert released.status == 200
    assert released.body["lock"] is None
    assert released.body["agent_id"] == "agent1"


def test_releasing_an_unlocked_ticket_is_422(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")

    assert_error(agent.post(f"/api/tickets/{ticket['id']}/release"), 422)


def test_the_lock_runs_out_and_another_agent_may_pick(api: Api, clock: FrozenClock) -> None:
    agent1, agent2 = api.as_user("agent1"), api.as_user("agent2")
    ticket = create(agent1, group_id="kt-first")
    agent1.post(f"/api/tickets/{ticket['id']}/pick")
    clock.advance(minutes=31)

    reply = agent2.post(f"/api/tickets/{ticket['id']}/pick")

    assert reply.status == 200
    assert reply.body["lock"]["by"] == "agent2"


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_a_resolved_or_closed_ticket_cannot_be_picked(api: Api, status: str) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first", status=status)

    assert_error(agent.post(f"/api/tickets/{ticket['id']}/pick"), 422, "invalid_transition")


def test_a_closed_ticket_is_reopened(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first", status="closed")

    reply = agent.post(f"/api/tickets/{ticket['id']}/reopen", {"reason": "Kunden återkom"})

    assert reply.status == 200
    assert (reply.body["status"], reply.body["closed_at"], reply.body["resolved_at"]) == (
        "open",
        None,
        None,
    )


def test_reopen_works_without_a_body(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first", status="resolved")

    assert agent.post(f"/api/tickets/{ticket['id']}/reopen").status == 200


def test_an_open_ticket_cannot_be_reopened(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")

    assert_error(agent.post(f"/api/tickets/{ticket['id']}/reopen"), 422, "invalid_transition")


def test_closing_records_when_and_drops_the_ticket_from_inboxes(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create(agent, group_id="kt-first")

    closed = agent.patch(f"/api/tickets/{ticket['id']}", {"status": "closed"})

    assert closed.body["closed_at"] is not None and closed.body["resolved_at"] is not None
    assert agent.get("/api/inboxes/group:kt-first/tickets").body["items"] == []


# --- pick next -------------------------------------------------------------------


def test_pick_next_gives_the_most_urgent_oldest_ticket_then_null(
    api: Api, clock: FrozenClock
) -> None:
    dispatcher, agent1, agent2 = (api.as_user(u) for u in ("dispatcher", "agent1", "agent2"))
    old_low = create(dispatcher, group_id="kt-first", priority="low")
    clock.advance(minutes=1)
    high = create(dispatcher, group_id="kt-first", priority="high")

    first = agent1.post("/api/tickets/pick-next")
    second = agent2.post("/api/tickets/pick-next")
    third = agent1.post("/api/tickets/pick-next")

    assert first.body["ticket"]["id"] == high["id"]
    assert first.body["ticket"]["lock"]["by"] == "agent1"
    assert second.body["ticket"]["id"] == old_low["id"]
    assert third.status == 200 and third.body == {"ticket": None}


def test_pick_next_for_an_agent_without_groups_is_422(api: Api) -> None:
    admin = api.as_user("admin")

    assert_error(admin.post("/api/tickets/pick-next"), 422)


# --- search ----------------------------------------------------------------------


def test_search_without_an_indexed_filter_is_422_needs_index(api: Api) -> None:
    admin = api.as_user("admin")

    for query in ("", "?status=open", "?type=fault&priority=high", "?agent="):
        assert_error(admin.get(f"/api/tickets{query}"), 422, "needs_index")


@pytest.mark.parametrize(
    "query",
    [
        "group=kt-first&status=later",
        "group=kt-first&colour=red",
        "group=kt-first&limit=0",
        "group=kt-first&limit=abc",
        "group=kt-first&limit=%C2%B2",
        "group=kt-first&limit=500",
        "group=kt-first&cursor=not-ours",
        "group=kt-first&limit=" + "9" * 5000,
    ],
    ids=[
        "bad-status",
        "unknown-filter",
        "limit-zero",
        "limit-word",
        "limit-superscript",
        "limit-too-big",
        "bad-cursor",
        "limit-huge",
    ],
)
def test_bad_search_parameters_are_422(api: Api, query: str) -> None:
    assert_error(api.as_user("admin").get(f"/api/tickets?{query}"), 422)


def test_search_filters_by_each_field(api: Api, svc: Services) -> None:
    d = api.as_user("dispatcher")
    a = create(d, group_id="kt-first", agent_id="agent1", ticket_type="fault", priority="high")
    b = create(d, group_id="kt-first", ticket_type="order", priority="high")
    c = create(d, response_point_id="it-support", group_id="it-desk", status="closed")

    def found(query: str) -> set[str]:
        reply = d.get(f"/api/tickets?{query}")
        assert reply.status == 200, reply.body
        return {t["id"] for t in reply.body["items"]}

    assert found("agent=agent1") == {a["id"]}
    assert found("group=kt-first") == {a["id"], b["id"]}
    assert found("group=kt-first&type=order") == {b["id"]}
    assert found("response_point=kundtjanst&priority=high&type=fault") == {a["id"]}
    assert found("response_point=it-support&status=closed") == {c["id"]}
    assert found("response_point=it-support&status=open") == set()


def test_search_pages_with_a_cursor(api: Api, clock: FrozenClock) -> None:
    d = api.as_user("dispatcher")
    made = set()
    for _ in range(5):
        made.add(create(d, group_id="kt-first")["id"])
        clock.advance(seconds=1)

    seen: set[str] = set()
    page = d.get("/api/tickets?group=kt-first&limit=2").body
    pages = 1
    while True:
        seen |= {t["id"] for t in page["items"]}
        if not page["cursor"]:
            break
        page = d.get(f"/api/tickets?group=kt-first&limit=2&cursor={page['cursor']}").body
        pages += 1
    assert (seen, pages) == (made, 3)


def test_the_dispatcher_assigns_many_tickets_and_agents_may_not(api: Api) -> None:
    d = api.as_user("dispatcher")
    ids = [create(d, group_id="kt-first")["id"] for _ in range(2)]

    done = d.post("/api/dispatcher/assign", {"ticket_ids": ids, "agent_id": "agent2"})
    refused = api.as_user("agent1").post("/api/dispatcher/assign", {"ticket_ids": ids})

    assert done.status == 200
    assert {t["agent_id"] for t in done.body["items"]} == {"agent2"}
    assert_error(refused, 403, "forbidden")
