"""Field settings per response point (S10, S16): hidden fields are gone from every answer,
and a write to one is refused with 422."""

from __future__ import annotations

import pytest

from chalicelib.domain.custom_fields import CustomFieldDefinition
from chalicelib.domain.records import to_record
from chalicelib.services import directory
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error


@pytest.fixture
def hiding(api: Api, svc: Services) -> str:
    """kundtjanst hides ITIL process, cc and the custom field "kostnadsstalle"; it-support hides
    nothing. Returns the id of a kundtjanst ticket made before the fields were hidden."""
    for field_id in ("kostnadsstalle", "avtal"):
        svc.config.put(
            directory.CUSTOM_FIELD,
            field_id,
            to_record(CustomFieldDefinition(field_id, field_id, "text")),
        )  # type: ignore[arg-type]
    agent = api.as_user("agent1")
    made = agent.post(
        "/api/tickets",
        {
            "title": "Före",
            "itil_process": "incident",
            "cc": ["chef@kund.example.se"],
            "custom_fields": {"kostnadsstalle": "4711", "avtal": "A1"},
        },
    )
    assert made.status == 201, made.body
    admin = api.as_user("admin")
    rp = admin.get("/api/admin/response-points/kundtjanst").body
    changed = admin.put(
        "/api/admin/response-points/kundtjanst",
        {**rp, "hidden_fields": ["itil_process", "cc", "custom_fields.kostnadsstalle"]},
    )
    assert changed.status == 200, changed.body
    return str(made.body["id"])


def test_hidden_fields_are_gone_from_the_ticket_lists_and_history(api: Api, hiding: str) -> None:
    agent = api.as_user("agent1")
    ticket = agent.get(f"/api/tickets/{hiding}").body
    assert "itil_process" not in ticket and "cc" not in ticket
    assert ticket["custom_fields"] == {"avtal": "A1"}
    assert "bcc" in ticket and "ticket_type" in ticket  # not hidden here
    for path in (
        "/api/inboxes/group:kt-first/tickets",
        "/api/ui/inboxes/group:kt-first/tickets",
        "/api/tickets?group=kt-first",
    ):
        [row] = agent.get(path).body["items"]
        assert "itil_process" not in row and row["custom_fields"] == {"avtal": "A1"}, path


def test_a_write_to_a_hidden_field_is_refused(api: Api, hiding: str) -> None:
    agent = api.as_user("agent1")
    for body in (
        {"itil_process": "problem"},
        {"cc": []},
        {"custom_fields": {"kostnadsstalle": "1"}},
    ):
        assert_error(agent.patch(f"/api/tickets/{hiding}", body), 422, "hidden_field")
    assert agent.patch(f"/api/tickets/{hiding}", {"custom_fields": {"avtal": "B2"}}).status == 200
    refused = agent.post("/api/tickets", {"title": "Ny", "itil_process": "incident"})
    assert_error(refused, 422, "hidden_field")


def test_another_response_point_keeps_its_fields(api: Api, hiding: str) -> None:
    agent = api.as_user("agent3")
    made = agent.post(
        "/api/tickets",
        {"title": "IT", "response_point_id": "it-support", "itil_process": "change"},
    )
    assert made.status == 201 and made.body["itil_process"] == "change"


def test_everyone_can_read_the_field_settings_and_bad_names_are_refused(
    api: Api, hiding: str
) -> None:
    settings = api.as_user("agent1").get("/api/field-settings").body
    assert settings["response_points"]["kundtjanst"] == [
        "cc",
        "custom_fields.kostnadsstalle",
        "itil_process",
    ]
    assert settings["response_points"]["it-support"] == []
    admin = api.as_user("admin")
    rp = admin.get("/api/admin/response-points/it-support").body
    bad = admin.put("/api/admin/response-points/it-support", {**rp, "hidden_fields": ["title"]})
    assert_error(bad, 422)
