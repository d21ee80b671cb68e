"""Calendars over HTTP (S12): admin CRUD, reasons for refusals, templates that name one,
and templates' prefilled custom field values checked like a ticket's."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.custom_fields import CustomFieldDefinition
from chalicelib.domain.records import to_record
from chalicelib.services import directory
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.calendar_data import OFFICE, office_hours

KONTOR = office_hours(name="Kontorstid Sverige", closed_dates=["2026-12-24"])
TEMPLATE: dict[str, Any] = {"title": "Avtalsfrågor", "response_point_id": "kundtjanst"}


@pytest.fixture
def admin(api: Api) -> Api:
    return api.as_user("admin")


@pytest.fixture
def fields(svc: Services) -> None:
    """Custom fields: a number, a date, a choice and a required text."""
    for definition in (
        CustomFieldDefinition("kundnummer", "Kundnummer", "number"),  # type: ignore[arg-type]
        CustomFieldDefinition("avtalsdatum", "Avtalsdatum", "date"),  # type: ignore[arg-type]
        CustomFieldDefinition("niva", "Nivå", "select", options=("Guld", "Silver")),  # type: ignore[arg-type]
        CustomFieldDefinition("referens", "Referens", "text", required=True),  # type: ignore[arg-type]
    ):
        svc.config.put(directory.CUSTOM_FIELD, definition.id, to_record(definition))


def test_an_admin_creates_reads_changes_and_deletes_a_calendar(admin: Api) -> None:
    created = admin.post("/api/admin/calendars", KONTOR)
    assert created.status == 201, created.body
    assert created.body["hours"]["sat"] == {"closed": True}
    assert created.body["hours"]["mon"] == {"closed": False, **OFFICE}

    listed = admin.get("/api/admin/calendars").body
    assert [c["id"] for c in listed["items"]] == ["kontor"]
    # The form's choices come with the list
    assert "Europe/Stockholm" in listed["time_zones"]
    assert {"code": "SE", "subdivisions": []} in listed["holiday_countries"]
    assert admin.get("/api/admin/calendars/kontor").body["used_by"] == []

    changed = admin.put(
        "/api/admin/calendars/kontor",
        {**created.body, "name": "Kontor", "hours": {"sat": {"start": "10:00", "end": "14:00"}}},
    )
    assert changed.status == 200, changed.body
    shown = admin.get("/api/admin/calendars/kontor").body
    assert shown["name"] == "Kontor" and shown["hours"]["mon"] == {"closed": True}
    assert shown["hours"]["sat"] == {"closed": False, "start": "10:00", "end": "14:00"}

    assert admin.delete("/api/admin/calendars/kontor").body == {"deleted": "kontor"}
    assert_error(admin.get("/api/admin/calendars/kontor"), 404, "not_found")
    assert admin.get("/api/admin/calendars").body["items"] == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"time_zone": "Europe/Stokholm"}, "IANA time zone"),
        ({"hours": {"mon": {"start": "17:00", "end": "08:00"}}}, "must be after the start"),
        ({"hours": {"mon": {"start": "8", "end": "17:00"}}}, "hours.mon.start"),
        ({"holiday_country": "ZZ"}, "holiday_country"),
        ({"holiday_country": "DE", "holiday_subdivision": "XX"}, "holiday_subdivision"),
        ({"closed_dates": ["2026-13-01"]}, "closed_dates"),
        ({"name": ""}, "name"),
        ({"id": "Inte Ett Id"}, "calendar id"),
    ],
)
def test_a_bad_calendar_is_refused_with_422_and_the_reason(
    admin: Api, change: dict[str, Any], reason: str
) -> None:
    reply = admin.post("/api/admin/calendars", {**KONTOR, **change})
    assert_error(reply, 422, "invalid")
    assert reason in reply.body["message"]
    assert admin.get("/api/admin/calendars").body["items"] == []


def test_unknown_and_duplicate_calendars(admin: Api) -> None:
    assert_error(admin.get("/api/admin/calendars/nope"), 404, "not_found")
    assert_error(admin.put("/api/admin/calendars/nope", KONTOR), 404, "not_found")
    assert_error(admin.delete("/api/admin/calendars/nope"), 404, "not_found")
    assert admin.post("/api/admin/calendars", KONTOR).status == 201
    assert_error(admin.post("/api/admin/calendars", KONTOR), 409, "conflict")
    assert_error(admin.post("/api/admin/calendars", {"name": "x"}), 422, "invalid")


def test_only_admins_keep_calendars(api: Api, admin: Api) -> None:
    assert admin.post("/api/admin/calendars", KONTOR).status == 201
    for user in ("agent1", "dispatcher"):
        other = api.as_user(user)
        assert_error(other.get("/api/admin/calendars"), 403, "forbidden")
        assert_error(other.get("/api/admin/calendars/kontor"), 403, "forbidden")
        assert_error(other.post("/api/admin/calendars", {**KONTOR, "id": "x"}), 403)
        assert_error(other.put("/api/admin/calendars/kontor", KONTOR), 403)
        assert_error(other.delete("/api/admin/calendars/kontor"), 403)
    assert_error(api.get("/api/admin/calendars"), 401)
    assert admin.get("/api/admin/calendars/kontor").status == 200


def test_a_template_names_only_a_calendar_that_exists(admin: Api) -> None:
    refused = admin.post(
        "/api/admin/templates", {"id": "avtal", **TEMPLATE, "calendar_id": "kontor"}
    )
    assert_error(refused, 422, "invalid")
    assert "calendar" in refused.body["message"] and "kontor" in refused.body["message"]
    assert_error(admin.get("/api/admin/templates/avtal"), 404)

    admin.post("/api/admin/calendars", KONTOR)
    made = admin.post("/api/admin/templates", {"id": "avtal", **TEMPLATE, "calendar_id": "kontor"})
    assert made.status == 201, made.body
    assert made.body["calendar_id"] == "kontor"
    # A change to another, unknown calendar is refused too, and the template stays
    moved = admin.put("/api/admin/templates/avtal", {**made.body, "calendar_id": "saknas"})
    assert_error(moved, 422, "invalid")
    assert admin.get("/api/admin/templates/avtal").body["calendar_id"] == "kontor"


def test_a_calendar_a_template_names_cannot_be_deleted(admin: Api) -> None:
    admin.post("/api/admin/calendars", KONTOR)
    admin.post("/api/admin/calendars", {**KONTOR, "id": "dygnet-runt", "name": "Dygnet runt"})
    first = admin.post("/api/admin/templates", {"id": "avtal", **TEMPLATE, "calendar_id": "kontor"})
    second = admin.post(
        "/api/admin/templates",
        {"id": "avstangd", **TEMPLATE, "calendar_id": "kontor", "enabled": False},
    )
    assert (first.status, second.status) == (201, 201)
    assert admin.get("/api/admin/calendars/kontor").body["used_by"] == ["avstangd", "avtal"]

    refused = admin.delete("/api/admin/calendars/kontor")
    assert_error(refused, 409, "in_use")
    assert "avtal" in refused.body["message"] and "avstangd" in refused.body["message"]
    assert admin.get("/api/admin/calendars/kontor").status == 200

    admin.put("/api/admin/templates/avtal", {**first.body, "calendar_id": "dygnet-runt"})
    admin.put("/api/admin/templates/avstangd", {**second.body, "calendar_id": ""})
    assert admin.delete("/api/admin/calendars/kontor").status == 200
    assert_error(admin.delete("/api/admin/calendars/dygnet-runt"), 409, "in_use")


@pytest.mark.usefixtures("fields")
@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"kundnummer": "4711"}, "'kundnummer' must be a number"),
        ({"kundnummer": True}, "'kundnummer' must be a number"),
        ({"avtalsdatum": "31/12/2026"}, "'avtalsdatum' must be a date"),
        ({"niva": "Brons"}, "'niva' must be one of"),
        ({"referens": "x" * 4001}, "'referens' must be text"),
        ({"okand": "x"}, "unknown custom fields"),
    ],
)
def test_a_template_with_a_bad_prefilled_custom_field_is_refused_with_the_reason(
    admin: Api, values: dict[str, Any], reason: str
) -> None:
    reply = admin.post("/api/admin/templates", {"id": "avtal", **TEMPLATE, "custom_fields": values})
    assert_error(reply, 422, "invalid")
    assert reason in reply.body["message"]


@pytest.mark.usefixtures("fields")
def test_prefilled_custom_fields_are_kept_as_given_and_land_on_the_ticket(
    api: Api, admin: Api
) -> None:
    body = {
        "id": "avtal",
        **TEMPLATE,
        # Only what the admin filled in is kept; a required field may stay empty here
        "custom_fields": {"kundnummer": 4711, "avtalsdatum": "2026-12-31", "niva": "Guld",
                          "referens": ""},
    }  # fmt: skip
    made = admin.post("/api/admin/templates", body)
    assert made.status == 201, made.body
    assert made.body["custom_fields"] == {
        "kundnummer": 4711,
        "avtalsdatum": "2026-12-31",
        "niva": "Guld",
    }

    agent = api.as_user("agent1")
    ticket = agent.post("/api/tickets", {"title": "Avtalet", "custom_fields": {"referens": "R1"}})
    assert ticket.status == 201, ticket.body
    applied = agent.post(f"/api/tickets/{ticket.body['id']}/template", {"template_id": "avtal"})
    assert applied.status == 200, applied.body
    assert applied.body["custom_fields"] == {
        "referens": "R1",
        "kundnummer": 4711,
        "avtalsdatum": "2026-12-31",
        "niva": "Guld",
    }
