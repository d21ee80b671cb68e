"""Customer organisations and contact merging through the API (issue 14, S19)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import ConflictError
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error

NUMBER = "556036-0793"


def new_org(client: Api, **body: Any) -> dict[str, Any]:
    reply = client.post("/api/organisations", {"name": "Byggbolaget AB", **body})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def new_ticket(client: Api, email: str, **body: Any) -> dict[str, Any]:
    reply = client.post("/api/tickets", {"title": "Fakturan", "contact": {"email": email}, **body})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def test_an_organisation_is_created_found_and_edited(api: Api) -> None:
    agent = api.as_user("agent1")
    org = new_org(
        agent,
        org_number="5560360793",
        domains=["@Bygg.SE"],
        phone="08-123 456 78",
        address="Storgatan 1, Solna",
        custom_fields={"avtal": "Guld"},
    )
    assert (org["org_number"], org["domains"], org["phone"]) == (
        NUMBER,
        ["bygg.se"],
        "+46812345678",
    )
    for q in ("bygg", "BYGGBOL", NUMBER, "165560360793", "bygg.se", "anna@bygg.se"):
        found = agent.get(f"/api/organisations?q={q}").body["items"]
        assert [o["id"] for o in found] == [org["id"]], q
    assert agent.get("/api/organisations?q=nothing.se").body["items"] == []

    reply = agent.patch(
        f"/api/organisations/{org['id']}",
        {"notes": "Ring före 10", "domains": ["bygg.se", "bygg.nu"]},
        headers={"If-Match": str(org["version"])},
    )
    assert reply.status == 200, reply.body
    assert reply.body["domains"] == ["bygg.se", "bygg.nu"]
    stale = agent.patch(
        f"/api/organisations/{org['id']}",
        {"notes": "x"},
        headers={"If-Match": str(org["version"])},
    )
    assert_error(stale, 409, "stale")
    assert agent.get(f"/api/organisations/{org['id']}").body["notes"] == "Ring före 10"


def test_bad_number_is_400_and_taken_number_or_domain_409(api: Api) -> None:
    agent = api.as_user("agent2")
    reply = agent.post("/api/organisations", {"name": "Fel AB", "org_number": "556036-0794"})
    assert_error(reply, 400, "bad_org_number")
    assert "check digit" in reply.body["message"]
    new_org(agent, org_number=NUMBER, domains=["bygg.se"])
    assert_error(agent.post("/api/organisations", {"name": "B", "org_number": NUMBER}), 409)
    assert_error(agent.post("/api/organisations", {"name": "C", "domains": ["bygg.se"]}), 409)
    assert_error(agent.post("/api/organisations", {"name": ""}), 422)
    assert [o["name"] for o in agent.get("/api/organisations?q=").body["items"]] == [
        "Byggbolaget AB"
    ]


def test_a_contact_from_a_listed_domain_joins_and_its_tickets_show_on_the_card(
    api: Api,
) -> None:
    dispatcher = api.as_user("dispatcher")
    org = new_org(dispatcher, domains=["bygg.se"])
    ticket = new_ticket(dispatcher, "anna@Bygg.se", group_id="kt-first")
    hidden = new_ticket(dispatcher, "bo@bygg.se", group_id="kt-second")
    other = new_ticket(dispatcher, "someone@annat.se", group_id="kt-first")
    assert ticket["organisation_id"] == org["id"]

    card = dispatcher.get(f"/api/organisations/{org['id']}").body
    assert sorted(c["emails"][0] for c in card["contacts"]) == ["anna@bygg.se", "bo@bygg.se"]
    assert {t["id"] for t in card["tickets"]} == {ticket["id"], hidden["id"]}
    # agent1 (kt-first, level own_groups) does not see the kt-second ticket.
    seen = api.as_user("agent1").get(f"/api/organisations/{org['id']}").body["tickets"]
    assert [t["id"] for t in seen] == [ticket["id"]]
    # The ticket search filters by organisation.
    hits = dispatcher.post("/api/tickets/search", {"organisation_id": org["id"]}).body
    assert {t["id"] for t in hits["items"]} == {ticket["id"], hidden["id"]}
    assert other["id"] not in {t["id"] for t in hits["items"]}


def test_setting_a_contacts_organisation_moves_its_tickets_along(api: Api) -> None:
    dispatcher = api.as_user("dispatcher")
    org = new_org(dispatcher)
    ticket = new_ticket(dispatcher, "karin@privat.se")
    assert ticket["organisation_id"] is None
    contact_id = ticket["contact_id"]
    reply = dispatcher.patch(f"/api/contacts/{contact_id}", {"organisation_id": org["id"]})
    assert reply.status == 200 and reply.body["organisation_id"] == org["id"]
    card = dispatcher.get(f"/api/organisations/{org['id']}").body
    assert [t["id"] for t in card["tickets"]] == [ticket["id"]]
    missing = dispatcher.patch(f"/api/contacts/{contact_id}", {"organisation_id": "nope"})
    assert_error(missing, 422)


def test_several_emails_and_phones_and_duplicates_by_normalised_phone(
    api: Api, svc: Services
) -> None:
    agent = api.as_user("agent1")
    created = agent.post(
        "/api/contacts",
        {
            "name": "Karin",
            "emails": ["k@a.se", "k@b.se"],
            "phones": ["070-123 45 67", "08-123 456 78"],
        },
    ).body
    assert created["phones"] == ["+46701234567", "+46812345678"]
    # A card stored before numbers were E.164: the same number as typed then.
    old = Contact("old-card", "K. Berg", phones=["0701234567"], emails=["kb@c.se"])
    svc.contacts.add(old)
    dupes = agent.get(f"/api/contacts/{created['id']}/duplicates").body["items"]
    assert [(d["id"], d["reasons"]) for d in dupes] == [("old-card", ["phone"])]
    back = agent.get("/api/contacts/old-card/duplicates").body["items"]
    assert [d["id"] for d in back] == [created["id"]]
    # The old form still finds the card it is on; the new form finds it too.
    assert agent.get("/api/contacts?phone=070-1234567").body["items"][0]["id"] in {
        created["id"],
        "old-card",
    }


def test_merge_is_admin_only_and_moves_tickets_with_history(api: Api, svc: Services) -> None:
    dispatcher = api.as_user("dispatcher")
    first = new_ticket(dispatcher, "karin@kund.se")
    second = new_ticket(dispatcher, "karin.berg@kund.se")
    keep, gone = first["contact_id"], second["contact_id"]
    for role in ("agent1", "dispatcher"):
        assert_error(api.as_user(role).post(f"/api/contacts/{gone}/merge", {"into": keep}), 403)
    admin = api.as_user("admin")
    assert_error(admin.post(f"/api/contacts/{gone}/merge", {"into": gone}), 422)
    reply = admin.post(f"/api/contacts/{gone}/merge", {"into": keep})
    assert reply.status == 200, reply.body
    assert reply.body["moved_tickets"] == 1
    assert sorted(reply.body["kept"]["emails"]) == ["karin.berg@kund.se", "karin@kund.se"]
    assert admin.get(f"/api/contacts/{gone}").status == 404
    card = admin.get(f"/api/contacts/{keep}").body
    assert {t["id"] for t in card["tickets"]} == {first["id"], second["id"]}
    events = admin.get(f"/api/tickets/{second['id']}").body["events"]
    moved = [e for e in events if e["type"] == "field_changed"]
    assert moved[-1]["actor"] == "admin"
    assert moved[-1]["data"]["before"] == gone and moved[-1]["data"]["after"] == keep
    # Mail from the merged card's address now finds the kept card.
    again = new_ticket(dispatcher, "karin.berg@kund.se")
    assert again["contact_id"] == keep
    # Asked again: done already, nothing more to move.
    repeat = admin.post(f"/api/contacts/{gone}/merge", {"into": keep})
    assert repeat.status == 200 and repeat.body["moved_tickets"] == 0


def test_a_merge_cut_off_half_way_is_finished_by_repeating_it(
    api: Api, svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = api.as_user("dispatcher")
    keep = new_ticket(dispatcher, "a@kund.se")["contact_id"]
    tickets = [new_ticket(dispatcher, "b@kund.se")["id"] for _ in range(3)]
    gone = svc.tickets.get(tickets[0]).contact_id
    real_merge_into = type(svc.contacts).merge_into

    def cut_off(self: Any, source: Contact, kept: Contact) -> None:
        raise ConflictError("the connection dropped")

    monkeypatch.setattr(type(svc.contacts), "merge_into", cut_off)
    admin = api.as_user("admin")
    assert admin.post(f"/api/contacts/{gone}/merge", {"into": keep}).status == 409
    # The tickets moved, the card did not: the merged card still has its address.
    assert {svc.tickets.get(t).contact_id for t in tickets} == {keep}
    assert svc.contacts.get(gone).emails == ["b@kund.se"]
    monkeypatch.setattr(type(svc.contacts), "merge_into", real_merge_into)
    reply = admin.post(f"/api/contacts/{gone}/merge", {"into": keep})
    assert reply.status == 200 and reply.body["moved_tickets"] == 0
    assert svc.contacts.find_by_email("b@kund.se").id == keep  # type: ignore[union-attr]
    assert all(
        target != gone
        for target in svc.lookups.get_many(
            ["contact_email#b@kund.se", "contact_email#a@kund.se"]
        ).values()
    )
