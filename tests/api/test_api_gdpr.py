"""GDPR routes (issue 14): export archive, anonymisation, retention setting and preview."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.support import FrozenClock


def _ticket_for(admin: Api, contact_id: str, title: str, description: str) -> dict[str, Any]:
    reply = admin.post(
        "/api/tickets",
        {"title": title, "description": description, "contact_id": contact_id},
    )
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def _contact(admin: Api, name: str = "Tove Tystberg") -> dict[str, Any]:
    reply = admin.post(
        "/api/contacts",
        {"name": name, "emails": ["tove@tyst.example"], "phones": ["070-555 12 34"]},
    )
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def _close(admin: Api, ticket_id: str) -> None:
    for status in ("resolved", "closed"):
        reply = admin.patch(f"/api/tickets/{ticket_id}", {"status": status})
        assert reply.status == 200, reply.body


def test_the_export_is_a_zip_with_the_card_the_tickets_their_history_and_a_readme(
    api: Api, svc: Services
) -> None:
    admin = api.as_user("admin")
    contact = _contact(admin)
    ticket = _ticket_for(admin, contact["id"], "Lösenordet fungerar inte", "Tove ringde i går")
    admin.post(f"/api/tickets/{ticket['id']}/notes", {"text": "Bad henne vänta"})

    reply = admin.get(
        f"/api/contacts/{contact['id']}/export", headers={"Accept": "application/zip"}
    )

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/zip"
    assert "attachment" in reply.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(reply.body))
    names = set(archive.namelist())
    folder = f"tickets/{ticket['number']}"
    assert {"README.txt", "contact.json", f"{folder}/ticket.json", f"{folder}/history.json"} <= (
        names
    )
    card = json.loads(archive.read("contact.json"))
    assert card["name"] == "Tove Tystberg" and card["emails"] == ["tove@tyst.example"]
    assert json.loads(archive.read(f"{folder}/ticket.json"))["title"] == "Lösenordet fungerar inte"
    history = json.loads(archive.read(f"{folder}/history.json"))
    assert "Bad henne vänta" in json.dumps(history, ensure_ascii=False)
    readme = archive.read("README.txt").decode()
    assert "Svenska" in readme and "English" in readme


def test_export_and_anonymise_are_for_admins_only(api: Api) -> None:
    contact = _contact(api.as_user("admin"))
    for user in ("dispatcher", "agent1"):
        client = api.as_user(user)
        assert_error(client.get(f"/api/contacts/{contact['id']}/export"), 403)
        assert_error(client.post(f"/api/contacts/{contact['id']}/anonymise"), 403)
    assert api.as_user("admin").get(f"/api/contacts/{contact['id']}").body["name"] == (
        "Tove Tystberg"
    )


def test_an_unknown_contact_is_404(api: Api) -> None:
    admin = api.as_user("admin")
    assert_error(admin.get("/api/contacts/nobody/export"), 404)
    assert_error(admin.post("/api/contacts/nobody/anonymise"), 404)


def test_anonymise_twice_the_second_time_reports_it_done_and_changes_nothing(api: Api) -> None:
    admin = api.as_user("admin")
    contact = _contact(admin)
    ticket = _ticket_for(admin, contact["id"], "Tove Tystberg vill byta adress", "070-555 12 34")

    first = admin.post(f"/api/contacts/{contact['id']}/anonymise")
    card = admin.get(f"/api/contacts/{contact['id']}").body
    events = admin.get(f"/api/tickets/{ticket['id']}").body
    second = admin.post(f"/api/contacts/{contact['id']}/anonymise")

    assert first.status == 200 and first.body["already_anonymised"] is False
    assert first.body["counts"]["tickets"] == 1
    assert second.status == 200 and second.body["already_anonymised"] is True
    assert (card["name"], card["emails"], card["phones"]) == ("[anonymised]", [], [])
    assert admin.get(f"/api/tickets/{ticket['id']}").body == events
    title = events["ticket"]["title"] if "ticket" in events else events["title"]
    assert "Tove" not in title and "Tystberg" not in title
    # The address is free again: a new card may take it.
    assert _contact(admin, "Någon Annan")["emails"] == ["tove@tyst.example"]


def test_retention_setting_and_preview_count_closed_tickets_older_than_the_months(
    api: Api, clock: FrozenClock
) -> None:
    admin = api.as_user("admin")
    contact = _contact(admin)
    old = [_ticket_for(admin, contact["id"], f"Gammalt {i}", "x")["id"] for i in range(2)]
    for ticket_id in old:
        _close(admin, ticket_id)
    clock.advance(days=200)
    young = _ticket_for(admin, contact["id"], "Nytt", "y")["id"]
    _close(admin, young)
    clock.advance(days=10)

    off = admin.get("/api/admin/retention/preview?response_point=kundtjanst")
    saved = admin.put("/api/admin/retention/kundtjanst", {"months": 6, "action": "anonymise"})
    preview = admin.get("/api/admin/retention/preview?response_point=kundtjanst")

    assert off.status == 200 and off.body["tickets"] == 0
    assert saved.status == 200 and saved.body["months"] == 6
    assert preview.body["tickets"] == 2 and preview.body["action"] == "anonymise"
    assert_error(admin.put("/api/admin/retention/kundtjanst", {"months": -1}), 422)
    assert_error(admin.put("/api/admin/retention/kundtjanst", {"months": 6, "action": "x"}), 422)
    assert_error(api.as_user("dispatcher").get("/api/admin/retention/kundtjanst"), 403)
    assert_error(admin.get("/api/admin/retention/nowhere"), 404)
