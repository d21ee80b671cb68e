"""Conditional GET on the lists and counts the UI refreshes (issue 15): an ETag on each
answer, 304 with no body while nothing changed, a full answer once something did."""

from __future__ import annotations

import pytest

from tests.api.apiclient import Api

REFRESHED = [
    "/api/inboxes",
    "/api/inboxes/group:kt-first/tickets",
    "/api/ui/inboxes/group:kt-first/tickets",
    "/api/tickets?group=kt-first",
    "/api/me/notifications/count",
]


@pytest.mark.parametrize("path", REFRESHED, ids=lambda p: p.split("?")[0])
def test_an_unchanged_list_answers_304_without_a_body(api: Api, path: str) -> None:
    agent = api.as_user("agent1")
    first = agent.get(path)
    assert first.status == 200, first.body
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and "no-cache" in first.headers["Cache-Control"]

    again = agent.get(path, headers={"If-None-Match": etag})

    assert again.status == 304 and again.body is None
    assert again.headers["ETag"] == etag


def test_a_new_ticket_in_the_group_changes_the_lists_etag(api: Api) -> None:
    # Given agent1's group inbox, fetched once
    agent = api.as_user("agent1")
    first = agent.get("/api/ui/inboxes/group:kt-first/tickets")
    counts = agent.get("/api/inboxes")

    # When a dispatcher makes a ticket for that group
    made = api.as_user("dispatcher").post("/api/tickets", {"title": "Ny", "group_id": "kt-first"})
    assert made.status == 201

    # Then asking with the old ETags gets the new list and counts, with the ticket in it
    headers = {"If-None-Match": first.headers["ETag"]}
    after = agent.get("/api/ui/inboxes/group:kt-first/tickets", headers=headers)
    assert after.status == 200 and after.headers["ETag"] != first.headers["ETag"]
    assert made.body["id"] in [t["id"] for t in after.body["items"]]
    recount = agent.get("/api/inboxes", headers={"If-None-Match": counts.headers["ETag"]})
    assert recount.status == 200


def test_an_etag_from_another_list_does_not_match(api: Api) -> None:
    agent = api.as_user("agent1")
    other = agent.get("/api/inboxes").headers["ETag"]
    answer = agent.get("/api/ui/inboxes/group:kt-first/tickets", headers={"If-None-Match": other})
    assert answer.status == 200 and "items" in answer.body
