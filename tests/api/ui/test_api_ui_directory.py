"""GET /api/ui/directory: what the agent UI draws its forms from, for any logged-in user."""

from __future__ import annotations

from tests.api.apiclient import Api, assert_error


def test_an_agent_gets_names_of_groups_users_and_response_points(api: Api) -> None:
    reply = api.as_user("agent1").get("/api/ui/directory")

    assert reply.status == 200
    assert {g["id"] for g in reply.body["groups"]} == {"kt-first", "kt-second", "it-desk"}
    assert {"id": "agent3", "name": "Cai Agent", "roles": ["agent"],
            "groups": ["kt-second", "it-desk"], "active": True} in reply.body["users"]  # fmt: skip
    assert [rp["id"] for rp in reply.body["response_points"]] == ["it-support", "kundtjanst"] or {
        rp["id"] for rp in reply.body["response_points"]
    } == {"it-support", "kundtjanst"}


def test_the_directory_holds_no_login_e_mail_addresses(api: Api) -> None:
    reply = api.as_user("agent1").get("/api/ui/directory")

    assert "agent3@example.com" not in str(reply.body)


def test_status_moves_follow_the_domain(api: Api) -> None:
    moves = api.as_user("agent1").get("/api/ui/directory").body["status_moves"]

    assert moves["closed"] == []
    assert moves["resolved"] == ["closed"]
    assert "new" not in moves["open"] and "resolved" in moves["open"]


def test_custom_fields_added_by_an_admin_are_listed_for_agents(api: Api) -> None:
    created = api.as_user("admin").post(
        "/api/admin/custom-fields",
        {"id": "invoice", "label": "Fakturanummer", "type": "text"},
    )
    assert created.status == 201, created.body

    fields = api.as_user("agent2").get("/api/ui/directory").body["custom_fields"]

    assert fields == [
        {"id": "invoice", "label": "Fakturanummer", "type": "text", "required": False,
         "options": []}
    ]  # fmt: skip


def test_the_directory_needs_a_login(api: Api) -> None:
    assert_error(api.get("/api/ui/directory"), 401)


def test_an_inbox_page_carries_the_names_of_its_contacts(api: Api) -> None:
    agent = api.as_user("agent1")
    created = agent.post(
        "/api/tickets",
        {"title": "Fakturan", "group_id": "kt-first",
         "contact": {"name": "Karin Lindqvist", "email": "karin@example.se"}},
    )  # fmt: skip
    assert created.status == 201, created.body

    reply = agent.get("/api/ui/inboxes/group:kt-first/tickets?limit=10")

    assert reply.status == 200
    assert [t["number"] for t in reply.body["items"]] == [created.body["number"]]
    assert reply.body["contacts"] == {created.body["contact_id"]: "Karin Lindqvist"}


def test_an_inbox_page_of_a_group_outside_the_agents_level_is_not_found(api: Api) -> None:
    reply = api.as_user("agent1").get("/api/ui/inboxes/group:kt-second/tickets")

    assert_error(reply, 404, "not_found")
