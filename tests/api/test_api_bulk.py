"""POST /api/tickets/bulk and /api/tickets/bulk/undo (issue 15): bulk work from any list."""

from __future__ import annotations

from typing import Any

from tests.api.apiclient import Api, assert_error


def pool_tickets(api: Api, count: int, title: str = "Bulk") -> list[str]:
    agent = api.as_user("agent1")
    ids = []
    for n in range(count):
        reply = agent.post("/api/tickets", {"title": f"{title} {n}", "group_id": "kt-first"})
        assert reply.status == 201, reply.body
        ids.append(reply.body["id"])
    return ids


def undo_items(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"id": r["id"], "version": r["version"], "changes": r["before"]} for r in results if r["ok"]
    ]


def test_bulk_assign_answers_per_ticket_and_undo_puts_them_back(api: Api) -> None:
    # Given three tickets in the first line's pool
    ids = pool_tickets(api, 3)
    dispatcher = api.as_user("dispatcher")

    # When the dispatcher assigns them to agent2 in one request
    done = dispatcher.post("/api/tickets/bulk", {"ids": ids, "changes": {"agent_id": "agent2"}})

    # Then each ticket is reported done, with its new version and earlier values
    assert done.status == 200, done.body
    assert (done.body["done"], done.body["refused"]) == (3, 0)
    first = done.body["results"][0]
    assert first["ok"] and first["before"] == {"agent_id": None, "group_id": "kt-first"}
    assert (
        first["ticket"]["agent_id"] == "agent2" and first["version"] == first["ticket"]["version"]
    )
    assert {api.as_user("admin").get(f"/api/tickets/{i}").body["agent_id"] for i in ids} == {
        "agent2"
    }

    # And an undo puts each back in the pool
    undone = dispatcher.post("/api/tickets/bulk/undo", {"items": undo_items(done.body["results"])})
    assert undone.status == 200 and undone.body["done"] == 3, undone.body
    back = [api.as_user("admin").get(f"/api/tickets/{i}").body for i in ids]
    assert {(t["agent_id"], t["group_id"]) for t in back} == {(None, "kt-first")}


def test_refusals_name_the_reason_and_the_lock_holder(api: Api) -> None:
    ids = pool_tickets(api, 2, "Låst")
    assert api.as_user("agent2").post(f"/api/tickets/{ids[0]}/pick").status == 200

    reply = api.as_user("agent1").post(
        "/api/tickets/bulk", {"ids": [*ids, "no-such-ticket"], "changes": {"priority": "high"}}
    )

    assert reply.status == 200
    results = {r["id"]: r for r in reply.body["results"]}
    assert results[ids[0]]["error"] == "locked" and results[ids[0]]["locked_by"] == "agent2"
    assert results[ids[1]]["ok"] is True
    assert results["no-such-ticket"] == {
        "id": "no-such-ticket", "ok": False, "error": "not_found",
        "message": "no ticket 'no-such-ticket'",
    }  # fmt: skip
    locked = api.as_user("admin").get(f"/api/tickets/{ids[0]}").body
    assert locked["priority"] == "medium"


def test_undo_of_a_ticket_changed_since_is_refused_and_said(api: Api) -> None:
    ids = pool_tickets(api, 2, "Ändrad")
    agent = api.as_user("agent1")
    done = agent.post("/api/tickets/bulk", {"ids": ids, "changes": {"priority": "low"}})
    assert agent.patch(f"/api/tickets/{ids[1]}", {"status": "open"}).status == 200

    undone = agent.post("/api/tickets/bulk/undo", {"items": undo_items(done.body["results"])})

    assert [(r["ok"], r.get("error")) for r in undone.body["results"]] == [
        (True, None),
        (False, "changed"),
    ]
    now = [api.as_user("admin").get(f"/api/tickets/{i}").body for i in ids]
    assert [(t["priority"], t["status"]) for t in now] == [("medium", "new"), ("low", "open")]


def test_over_a_hundred_ids_is_a_400_and_nothing_changes(api: Api) -> None:
    ids = pool_tickets(api, 1, "Gräns")

    reply = api.as_user("admin").post(
        "/api/tickets/bulk",
        {"ids": ids + [f"x{i}" for i in range(100)], "changes": {"priority": "low"}},
    )

    assert_error(reply, 400, "too_many_ids")
    assert api.as_user("admin").get(f"/api/tickets/{ids[0]}").body["priority"] == "medium"


def test_a_bad_change_is_a_422_with_json(api: Api) -> None:
    ids = pool_tickets(api, 1, "Fel")
    agent = api.as_user("agent1")

    assert_error(
        agent.post("/api/tickets/bulk", {"ids": ids, "changes": {"status": "done"}}), 422, "invalid"
    )
    assert_error(agent.post("/api/tickets/bulk", {"ids": "all", "changes": {}}), 400)
    assert_error(
        agent.post("/api/tickets/bulk/undo", {"items": [{"id": ids[0], "changes": {}}]}), 422
    )
