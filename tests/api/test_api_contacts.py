"""Contact routes (S19): cards, uniqueness, and every ticket the caller may see."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.apiclient import Api, assert_error


def new_contact(client: Api, **body: Any) -> dict[str, Any]:
    reply = client.post("/api/contacts", {"name": "Karin Kund", **body})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def test_a_contact_is_created_and_read_back(api: Api) -> None:
    agent = api.as_user("agent1")

    created = new_contact(
        agent, emails=["Karin@Example.com"], phones=["08-123 456 78"], organisation="Acme"
    )

    shown = agent.get(f"/api/contacts/{created['id']}").body
    assert shown["emails"] == ["karin@example.com"]
    assert shown["phones"] == ["+46812345678"]  # E.164 since issue 14
    assert (shown["organisation"], shown["version"]) == ("Acme", 1)
    assert (shown["tickets"], shown["tickets_cursor"]) == ([], None)


@pytest.mark.parametrize(
    "query",
    ["email=KARIN%40example.com", "phone=%2B46812345678", "name=kar"],
    ids=["email", "phone", "name-prefix"],
)
def test_contacts_are_found_by_email_phone_or_name(api: Api, query: str) -> None:
    agent = api.as_user("agent1")
    karin = new_contact(agent, emails=["karin@example.com"], phones=["+46 8 123 456 78"])
    new_contact(agent, name="Olle", emails=["olle@example.com"])

    reply = agent.get(f"/api/contacts?{query}")

    assert reply.status == 200
    assert [c["id"] for c in reply.body["items"]] == [karin["id"]]


@pytest.mark.parametrize(
    "query",
    ["email=not-an-address", "phone=abc", "limit=0", "cursor=%%%"],
    ids=["bad-email", "bad-phone", "limit-zero", "bad-cursor"],
)
def test_bad_contact_searches_are_422(api: Api, query: str) -> None:
    assert_error(api.as_user("agent1").get(f"/api/contacts?{query}"), 422)


@pytest.mark.parametrize(
    "clash",
    [{"emails": ["karin@EXAMPLE.com"]}, {"phones": ["+46812345678"]}],
    ids=["email", "phone"],
)
def test_email_and_phone_are_unique_across_contacts(api: Api, clash: dict[str, Any]) -> None:
    agent = api.as_user("agent1")
    new_contact(agent, emails=["karin@example.com"], phones=["+46812345678"])
    other = new_contact(agent, name="Olle")

    assert_error(agent.post("/api/contacts", {"name": "Kopia", **clash}), 409)
    assert_error(agent.patch(f"/api/contacts/{other['id']}", clash), 409)
    assert agent.get(f"/api/contacts/{other['id']}").body["version"] == 1


def test_a_contact_is_changed_with_if_match(api: Api) -> None:
    agent = api.as_user("agent1")
    contact = new_contact(agent)

    changed = agent.patch(
        f"/api/contacts/{contact['id']}",
        {"notes": "VIP", "language": "en"},
        headers={"If-Match": "1"},
    )
    stale = agent.patch(f"/api/contacts/{contact['id']}", {"notes": "x"}, headers={"If-Match": "1"})

    assert changed.status == 200
    assert (changed.body["notes"], changed.body["language"], changed.body["version"]) == (
        "VIP",
        "en",
        2,
    )
    assert_error(stale, 409, "stale")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"name": ""}, 422),
        ({"emails": "karin@example.com"}, 400),
        ({"emails": ["karin"]}, 422),
        ({"name": "K", "language": "de"}, 422),
        ({"name": "K", "id": "mine"}, 422),
        ([], 400),
    ],
    ids=["empty", "blank-name", "emails-text", "bad-email", "bad-language", "own-id", "array"],
)
def test_a_bad_contact_is_refused(api: Api, body: Any, status: int) -> None:
    agent = api.as_user("agent1")

    assert_error(agent.post("/api/contacts", body), status)
    assert agent.get("/api/contacts").body["items"] == []


def test_an_unknown_contact_is_404(api: Api) -> None:
    agent = api.as_user("agent1")

    assert_error(agent.get("/api/contacts/01NOSUCH"), 404)
    assert_error(agent.patch("/api/contacts/01NOSUCH", {"name": "x"}), 404)


def test_a_contact_card_lists_every_ticket_the_caller_may_see(api: Api) -> None:
    d = api.as_user("dispatcher")
    body = {"title": "T", "contact": {"email": "karin@example.com"}}
    mine = d.post("/api/tickets", {**body, "group_id": "kt-first"}).body
    hidden = d.post("/api/tickets", {**body, "group_id": "kt-second"}).body
    it = d.post("/api/tickets", {**body, "response_point_id": "it-support"}).body
    closed = d.post("/api/tickets", {**body, "group_id": "kt-first", "status": "closed"}).body
    contact_id = mine["contact_id"]

    by_agent = api.as_user("agent1").get(f"/api/contacts/{contact_id}").body["tickets"]
    by_admin = api.as_user("admin").get(f"/api/contacts/{contact_id}").body["tickets"]

    assert {t["id"] for t in by_agent} == {mine["id"], it["id"], closed["id"]}
    assert {t["id"] for t in by_admin} == {mine["id"], hidden["id"], it["id"], closed["id"]}
    searched = api.as_user("agent1").get(f"/api/tickets?contact={contact_id}").body["items"]
    assert {t["id"] for t in searched} == {mine["id"], it["id"], closed["id"]}
