"""The multi-user level (S16) through the API: hidden tickets are 404, never 403."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.apiclient import Api, assert_error


@pytest.fixture
def hidden(api: Api) -> dict[str, Any]:
    """A kt-second ticket at kundtjanst (level own_groups): agent1 and agent2 may not see it."""
    reply = api.as_user("dispatcher").post(
        "/api/tickets",
        {"title": "Andra linjen", "group_id": "kt-second", "contact": {"email": "k@example.com"}},
    )
    assert reply.status == 201
    return reply.body  # type: ignore[no-any-return]


def every_ticket_route(ticket_id: str) -> list[tuple[str, str, Any]]:
    path = f"/api/tickets/{ticket_id}"
    return [
        ("GET", path, None),
        ("PATCH", path, {"title": "Mitt nu"}),
        ("POST", f"{path}/notes", {"text": "Tittar"}),
        ("POST", f"{path}/pick", None),
        ("POST", f"{path}/release", None),
        ("POST", f"{path}/reopen", None),
    ]


@pytest.mark.parametrize(
    "index", range(6), ids=["get", "patch", "note", "pick", "release", "reopen"]
)
def test_an_agent_outside_the_group_gets_404_for_every_read_and_write(
    api: Api, hidden: dict[str, Any], index: int
) -> None:
    method, path, body = every_ticket_route(hidden["id"])[index]
    admin = api.as_user("admin")
    before = admin.get(f"/api/tickets/{hidden['id']}").body

    reply = api.as_user("agent1").request(method, path, body if body is not None else {})

    assert_error(reply, 404, "not_found")
    assert admin.get(f"/api/tickets/{hidden['id']}").body == before


def test_a_hidden_ticket_looks_exactly_like_a_missing_one(api: Api, hidden: dict[str, Any]) -> None:
    agent = api.as_user("agent1")

    seen = agent.get(f"/api/tickets/{hidden['id']}")
    missing = agent.get("/api/tickets/01NOSUCHTICKET0000000000000")

    assert (seen.status, seen.body["error"]) == (missing.status, missing.body["error"])


@pytest.mark.parametrize("who", ["agent3", "admin", "dispatcher"])
def test_the_groups_own_agents_admins_and_dispatchers_see_it(
    api: Api, hidden: dict[str, Any], who: str
) -> None:
    assert api.as_user(who).get(f"/api/tickets/{hidden['id']}").status == 200


def test_an_agent_sees_the_ticket_once_it_is_theirs(api: Api, hidden: dict[str, Any]) -> None:
    api.as_user("dispatcher").patch(f"/api/tickets/{hidden['id']}", {"agent_id": "agent1"})

    assert api.as_user("agent1").get(f"/api/tickets/{hidden['id']}").status == 200


def test_an_agent_sees_and_works_on_any_ticket_of_a_point_with_level_all(api: Api) -> None:
    ticket = (
        api.as_user("agent3")
        .post(
            "/api/tickets",
            {"title": "Nätverket", "response_point_id": "it-support", "group_id": "it-desk"},
        )
        .body
    )
    agent1 = api.as_user("agent1")

    assert agent1.get(f"/api/tickets/{ticket['id']}").status == 200
    assert agent1.post(f"/api/tickets/{ticket['id']}/notes", {"text": "Jag kollar"}).status == 201
    assert agent1.post(f"/api/tickets/{ticket['id']}/pick").status == 200


def test_lists_leave_out_hidden_tickets(api: Api, hidden: dict[str, Any]) -> None:
    agent = api.as_user("agent1")

    by_rp = agent.get("/api/tickets?response_point=kundtjanst").body["items"]
    by_group = agent.get("/api/tickets?group=kt-second").body["items"]
    by_agent = agent.get("/api/tickets?agent=agent3").body["items"]
    by_contact = agent.get(f"/api/tickets?contact={hidden['contact_id']}").body["items"]
    card = agent.get(f"/api/contacts/{hidden['contact_id']}").body["tickets"]

    assert by_rp == by_group == by_agent == by_contact == card == []


def test_pick_next_never_hands_out_a_hidden_ticket(api: Api, hidden: dict[str, Any]) -> None:
    assert api.as_user("agent1").post("/api/tickets/pick-next").body == {"ticket": None}
    assert api.as_user("agent3").post("/api/tickets/pick-next").body["ticket"]["id"] == hidden["id"]


def test_a_hidden_ticket_answers_a_parent_link_like_a_missing_one(
    api: Api, hidden: dict[str, Any]
) -> None:
    agent = api.as_user("agent1")
    mine = agent.post("/api/tickets", {"title": "Min", "group_id": "kt-first"}).body

    to_hidden = agent.patch(f"/api/tickets/{mine['id']}", {"parent_id": hidden["id"]})
    to_missing = agent.patch(f"/api/tickets/{mine['id']}", {"parent_id": "01NOSUCHTICKET"})

    assert_error(to_hidden, 422)
    assert_error(to_missing, 422)
    assert to_hidden.body["error"] == to_missing.body["error"]
