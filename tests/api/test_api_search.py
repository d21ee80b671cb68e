"""The top-bar search through the API (issue 15): GET /api/search?q=…&limit=…"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.support import drain_stream


def search(client: Api, q: str, limit: int | None = None) -> dict[str, Any]:
    path = f"/api/search?q={quote(q)}" + (f"&limit={limit}" if limit else "")
    reply = client.get(path)
    assert reply.status == 200, reply.body
    return reply.body  # type: ignore[no-any-return]


def test_results_come_grouped_with_what_a_row_shows(api: Api, svc: Services) -> None:
    agent = api.as_user("agent1")
    org = agent.post("/api/organisations", {"name": "Ångström Fabrik AB",
                                            "domains": ["fabrik.se"]}).body  # fmt: skip
    # A contact from the organisation's domain joins it.
    contact = agent.post("/api/contacts", {"name": "Björn Ångström", "emails": ["bjorn@fabrik.se"],
                                           "phones": ["08-123 456 78"]}).body  # fmt: skip
    ticket = agent.post("/api/tickets", {"title": "Ångström-pannan läcker",
                                         "contact": {"email": "bjorn@fabrik.se"}}).body  # fmt: skip
    drain_stream(svc)

    found = search(agent, "angstr")

    assert found["tickets"] == [
        {"id": ticket["id"], "number": ticket["number"], "title": "Ångström-pannan läcker",
         "status": ticket["status"], "priority": ticket["priority"],
         "updated_at": found["tickets"][0]["updated_at"]}
    ]  # fmt: skip
    assert found["contacts"] == [
        {"id": contact["id"], "name": "Björn Ångström", "email": "bjorn@fabrik.se",
         "phone": "+46812345678", "organisation_id": org["id"], "organisation": ""}
    ]  # fmt: skip
    assert found["organisations"] == [
        {"id": org["id"], "name": "Ångström Fabrik AB", "org_number": "", "domain": "fabrik.se"}
    ]
    assert found["more"] == {"tickets": False, "contacts": False, "organisations": False}
    assert search(agent, f"#{ticket['number']}")["tickets"][0]["id"] == ticket["id"]


def test_the_limit_caps_each_group_and_says_there_is_more(api: Api, svc: Services) -> None:
    agent = api.as_user("agent1")
    for n in range(4):
        agent.post("/api/tickets", {"title": f"Kopiatorn nummer {n}"})
    drain_stream(svc)

    found = search(agent, "kopiatorn", limit=3)

    assert [t["title"] for t in found["tickets"]] == [f"Kopiatorn nummer {n}" for n in (3, 2, 1)]
    assert found["more"]["tickets"] is True


def test_an_agent_is_not_shown_tickets_they_may_not_see(api: Api, svc: Services) -> None:
    api.as_user("agent1").post("/api/tickets", {"title": "Hemlig löneutbetalning"})
    drain_stream(svc)

    assert search(api.as_user("agent3"), "löneutbetalning")["tickets"] == []
    assert len(search(api.as_user("agent2"), "löneutbetalning")["tickets"]) == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "empty_query"),
        ("q=%20%20", "empty_query"),
        ("q=" + "x" * 201, "query_too_long"),
        ("q=abc&limit=0", "bad_request"),
        ("q=abc&limit=51", "bad_request"),
        ("q=abc&limit=many", "bad_request"),
    ],
    ids=["missing", "blank", "too-long", "limit-zero", "limit-high", "limit-text"],
)
def test_a_bad_query_is_a_400_with_a_json_body(api: Api, query: str, code: str) -> None:
    reply = api.as_user("agent1").get(f"/api/search?{query}")
    assert_error(reply, 400, code)


def test_search_needs_a_login(api: Api) -> None:
    assert_error(api.get("/api/search?q=abc"), 401)
