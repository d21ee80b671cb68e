"""Saved searches, CSV export and the quick menu over HTTP (S14, S16)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.api.apiclient import Api, assert_error


@pytest.fixture
def desk(api: Api) -> dict[str, str]:
    """Four tickets at kundtjanst by agent1 (own placement: kt-first)."""
    agent = api.as_user("agent1")
    made = {}
    for title, priority in (
        ("Faktura fel", "high"),
        ("Faktura saknas", "low"),
        ("Skrivaren", "high"),
        ('=HYPERLINK("http://evil")', "medium"),
    ):
        reply = agent.post("/api/tickets", {"title": title, "priority": priority})
        assert reply.status == 201, reply.body
        made[title] = reply.body["id"]
    return made


def test_an_ad_hoc_search_combines_criteria(api: Api, desk: dict[str, str]) -> None:
    agent = api.as_user("agent1")
    found = agent.post(
        "/api/tickets/search", {"words": "faktura", "priority": "high", "status": ["new", "open"]}
    )
    assert found.status == 200, found.body
    assert [t["title"] for t in found.body["items"]] == ["Faktura fel"]
    assert_error(agent.post("/api/tickets/search", {"colour": "red"}), 422)
    assert_error(agent.post("/api/tickets/search", {"status": ["lost"]}), 422)
    assert_error(agent.post("/api/tickets/search", {"created_from": "yesterday"}), 422)


def test_a_saved_search_opens_as_a_list_and_is_personal_unless_shared(
    api: Api, desk: dict[str, str]
) -> None:
    agent1, agent2 = api.as_user("agent1"), api.as_user("agent2")
    mine = agent1.post(
        "/api/saved-searches", {"name": "Mina fakturor", "criteria": {"words": "faktura"}}
    )
    assert mine.status == 201, mine.body
    search_id = mine.body["id"]
    listed = agent1.get(f"/api/saved-searches/{search_id}/tickets").body["items"]
    assert sorted(t["title"] for t in listed) == ["Faktura fel", "Faktura saknas"]
    assert_error(agent2.get(f"/api/saved-searches/{search_id}"), 404)

    shared = agent1.put(
        f"/api/saved-searches/{search_id}",
        {"name": "Fakturor", "shared": True, "criteria": {"words": "faktura"}},
    )
    assert shared.body["shared"] is True
    assert [s["id"] for s in agent2.get("/api/saved-searches").body["items"]] == [search_id]
    # Only the owner (or an admin) changes it
    assert_error(agent2.delete(f"/api/saved-searches/{search_id}"), 403)
    assert api.as_user("admin").delete(f"/api/saved-searches/{search_id}").status == 200


def test_me_in_a_shared_search_means_whoever_opens_it(api: Api, desk: dict[str, str]) -> None:
    admin = api.as_user("admin")
    made = admin.post(
        "/api/saved-searches", {"name": "Mina", "shared": True, "criteria": {"agent_id": "me"}}
    )
    assert made.status == 201, made.body
    agent1 = api.as_user("agent1")
    agent1.post(f"/api/tickets/{desk['Skrivaren']}/pick")
    rows = agent1.get(f"/api/saved-searches/{made.body['id']}/tickets").body["items"]
    assert [t["title"] for t in rows] == ["Skrivaren"]
    assert (
        api.as_user("agent2").get(f"/api/saved-searches/{made.body['id']}/tickets").body["items"]
        == []
    )


def test_csv_export_is_safe_against_formula_injection(api: Api, desk: dict[str, str]) -> None:
    agent = api.as_user("agent1")
    made = agent.post(
        "/api/saved-searches",
        {"name": "Allt öppet", "criteria": {"response_point_id": "kundtjanst"}},
    )
    reply = agent.get(f"/api/saved-searches/{made.body['id']}/export")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in reply.headers["Content-Disposition"]
    text = reply.body if isinstance(reply.body, str) else reply.body.decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    titles = sorted(r["title"] for r in rows)
    assert '\'=HYPERLINK("http://evil")' in titles  # neutralised: starts with a quote
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    assert {r["group"] for r in rows} == {"Första linjen"}


def test_an_ad_hoc_export_and_its_size_cap_answer_csv(api: Api, desk: dict[str, str]) -> None:
    reply = api.as_user("admin").post("/api/tickets/search/export", {"priority": "high"})
    assert reply.status == 200
    text = reply.body if isinstance(reply.body, str) else reply.body.decode()
    assert len(list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))) == 2


def test_admins_give_menu_profiles_to_users_and_roles(api: Api, desk: dict[str, str]) -> None:
    admin = api.as_user("admin")
    shared = admin.post(
        "/api/saved-searches",
        {"name": "Öppna fakturor", "shared": True, "criteria": {"words": "faktura"}},
    ).body
    personal = admin.post("/api/saved-searches", {"name": "Privat", "criteria": {}}).body
    bad = admin.post(
        "/api/admin/menu-profiles",
        {"id": "p", "name": "P", "links": [{"kind": "saved_search", "target": personal["id"]}]},
    )
    assert_error(bad, 422)  # a personal search cannot be everyone's link
    unsafe = admin.post(
        "/api/admin/menu-profiles",
        {
            "id": "p",
            "name": "P",
            "links": [{"kind": "url", "target": "javascript:alert(1)", "label": "x"}],
        },
    )
    assert_error(unsafe, 422)
    created = admin.post(
        "/api/admin/menu-profiles",
        {
            "id": "agenter",
            "name": "Agenter",
            "roles": ["agent"],
            "links": [
                {"kind": "saved_search", "target": shared["id"]},
                {"kind": "inbox", "target": "group:kt-first", "label": "Första linjen"},
                {"kind": "url", "target": "https://intranet.example.se", "label": "Intranät"},
                {"kind": "inbox", "target": "group:it-desk", "label": "IT"},
                {"kind": "inbox", "target": "group:kt-second", "label": "Andra linjen"},
            ],
        },
    )
    assert created.status == 201, created.body
    menu = api.as_user("agent1").get("/api/me/menu").body
    assert [link["label"] for link in menu["links"]] == [
        "Öppna fakturor",
        "Första linjen",
        "Intranät",
        "IT",
    ]
    assert menu["links"][0]["href"] == f"/api/saved-searches/{shared['id']}/tickets"
    # Andra linjen is left out: kundtjanst (own_groups) hides other groups' inboxes from agent1.
    assert api.as_user("admin").get("/api/me/menu").body["links"] == []  # not given to admins
