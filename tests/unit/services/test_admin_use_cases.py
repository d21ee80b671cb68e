"""Admin use cases: the helpdesk's own shape, users and their logins, settings."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from chalicelib.domain.organisation import User
from chalicelib.services import admin, auth, directory, tickets
from chalicelib.services.context import Services
from tests.support import PASSWORD, logged_in


def new_user(**fields: Any) -> dict[str, Any]:
    return {"email": "nina@example.com", "name": "Nina Ny", "password": "hemligt", **fields}


@pytest.mark.parametrize("who", ["dispatcher", "agent1"])
@pytest.mark.parametrize("kind", sorted(directory.KINDS))
def test_only_admins_read_or_change_the_configuration(
    svc: Services, people: dict[str, User], who: str, kind: str
) -> None:
    actor = people[who]

    for attempt in (
        lambda: admin.list_items(svc, actor, kind),
        lambda: admin.get_item(svc, actor, kind, "x"),
        lambda: admin.put_item(svc, actor, kind, "x", {}, create=True),
        lambda: admin.delete_item(svc, actor, kind, "x"),
        lambda: admin.get_settings(svc, actor),
        lambda: admin.put_settings(svc, actor, {"lock_minutes": 5}),
    ):
        with pytest.raises(PermissionDeniedError):
            attempt()


def test_a_new_user_can_log_in_with_their_password(svc: Services, people: dict[str, User]) -> None:
    admin.put_item(svc, people["admin"], "user", "nina", new_user(groups=["kt-first"]), create=True)

    token, user = logged_in(svc, {"email": "Nina@Example.com", "password": "hemligt"})

    assert token
    assert (user.id, user.groups) == ("nina", ["kt-first"])
    assert "password" not in admin.get_item(svc, people["admin"], "user", "nina")


def test_a_new_user_needs_a_password(svc: Services, people: dict[str, User]) -> None:
    body = new_user()
    del body["password"]

    with pytest.raises(ValidationError, match="password"):
        admin.put_item(svc, people["admin"], "user", "nina", body, create=True)

    assert svc.config.get(directory.USER, "nina") is None


def test_creating_an_existing_user_is_a_conflict_and_leaves_their_login_alone(
    svc: Services, people: dict[str, User]
) -> None:
    body = new_user(email="evil@example.com", password="taken-over")

    with pytest.raises(ConflictError):
        admin.put_item(svc, people["admin"], "user", "agent1", body, create=True)

    assert logged_in(svc, {"email": "agent1@example.com", "password": PASSWORD})[1].id == "agent1"
    with pytest.raises(AuthenticationError):
        logged_in(svc, {"email": "evil@example.com", "password": "taken-over"})


def test_a_second_user_with_the_same_email_is_refused(
    svc: Services, people: dict[str, User]
) -> None:
    with pytest.raises(ConflictError):
        admin.put_item(
            svc, people["admin"], "user", "nina", new_user(email="Agent2@example.com"), create=True
        )

    assert logged_in(svc, {"email": "agent2@example.com", "password": PASSWORD})[1].id == "agent2"
    assert svc.config.get(directory.USER, "nina") is None


def test_a_deactivated_user_can_no_longer_use_their_token(
    svc: Services, people: dict[str, User]
) -> None:
    token, _ = logged_in(svc, {"email": "agent2@example.com", "password": PASSWORD})
    record = admin.get_item(svc, people["admin"], "user", "agent2")

    admin.put_item(
        svc, people["admin"], "user", "agent2", {**record, "active": False}, create=False
    )

    with pytest.raises(AuthenticationError):
        auth.actor_from_token(svc, token)


def test_changing_a_users_email_moves_their_login(svc: Services, people: dict[str, User]) -> None:
    record = admin.get_item(svc, people["admin"], "user", "agent2")

    admin.put_item(
        svc, people["admin"], "user", "agent2", {**record, "email": "bo@example.com"}, create=False
    )

    assert logged_in(svc, {"email": "bo@example.com", "password": PASSWORD})[1].id == "agent2"
    with pytest.raises(AuthenticationError):
        logged_in(svc, {"email": "agent2@example.com", "password": PASSWORD})


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("group", {"name": "Ny", "response_point_id": "nowhere"}),
        ("user", new_user(groups=["no-group"])),
        ("user", new_user(roles=["superuser"])),
        ("user", new_user(roles=[])),
        ("user", new_user(password="abc")),
        ("response_point", {"name": "RP", "visibility_level": "some"}),
        ("response_point", {"name": ""}),
        ("custom_field", {"label": "F", "type": "select"}),
        ("ticket_type", {"name_sv": "Typ"}),
    ],
    ids=[
        "group-unknown-rp",
        "user-unknown-group",
        "user-unknown-role",
        "user-no-roles",
        "user-short-password",
        "rp-bad-level",
        "rp-blank-name",
        "select-without-options",
        "type-without-english-name",
    ],
)
def test_an_invalid_item_is_refused_and_nothing_stored(
    svc: Services, people: dict[str, User], kind: str, body: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        admin.put_item(svc, people["admin"], kind, "nytt", body, create=True)

    assert svc.config.get(kind, "nytt") is None


@pytest.mark.parametrize("item_id", ["", "Stora", "a b", "x" * 64, "-lead"], ids=repr)
def test_ids_are_slugs(svc: Services, people: dict[str, User], item_id: str) -> None:
    with pytest.raises(ValidationError):
        admin.put_item(
            svc,
            people["admin"],
            "ticket_type",
            item_id,
            {"name_sv": "a", "name_en": "a"},
            create=True,
        )


def test_replacing_a_missing_item_is_not_found(svc: Services, people: dict[str, User]) -> None:
    with pytest.raises(NotFoundError):
        admin.put_item(
            svc,
            people["admin"],
            "group",
            "nope",
            {"name": "N", "response_point_id": "kundtjanst"},
            create=False,
        )


@pytest.mark.parametrize("kind", ["user", "group", "response_point"])
def test_people_and_places_are_not_deleted(
    svc: Services, people: dict[str, User], kind: str
) -> None:
    item_id = {"user": "agent1", "group": "kt-first", "response_point": "kundtjanst"}[kind]

    with pytest.raises(ValidationError):
        admin.delete_item(svc, people["admin"], kind, item_id)

    assert svc.config.get(kind, item_id) is not None


def test_the_default_ticket_types_can_be_read_one_by_one(
    svc: Services, people: dict[str, User]
) -> None:
    listed = [t["id"] for t in admin.list_items(svc, people["admin"], "ticket_type")]

    assert listed == ["fault", "order", "other"]
    assert admin.get_item(svc, people["admin"], "ticket_type", "order")["name_sv"] == "Beställning"


def test_adding_a_ticket_type_keeps_the_defaults(svc: Services, people: dict[str, User]) -> None:
    admin.put_item(
        svc,
        people["admin"],
        "ticket_type",
        "invoice",
        {"name_sv": "Faktura", "name_en": "Invoice"},
        create=True,
    )

    listed = {t["id"] for t in admin.list_items(svc, people["admin"], "ticket_type")}
    assert listed == {"fault", "order", "other", "invoice"}
    ticket = tickets.create_ticket(svc, people["agent1"], {"title": "T", "ticket_type": "fault"})
    assert ticket.ticket_type == "fault"


def test_a_default_ticket_type_can_be_deleted_alone(svc: Services, people: dict[str, User]) -> None:
    admin.delete_item(svc, people["admin"], "ticket_type", "other")

    listed = {t["id"] for t in admin.list_items(svc, people["admin"], "ticket_type")}
    assert listed == {"fault", "order"}
    with pytest.raises(ValidationError):
        tickets.create_ticket(svc, people["agent1"], {"title": "T", "ticket_type": "other"})


def test_a_default_ticket_type_exists_already(svc: Services, people: dict[str, User]) -> None:
    with pytest.raises(ConflictError):
        admin.put_item(
            svc,
            people["admin"],
            "ticket_type",
            "fault",
            {"name_sv": "F", "name_en": "F"},
            create=True,
        )


def test_settings_merge_what_is_given(svc: Services, people: dict[str, User]) -> None:
    saved = admin.put_settings(svc, people["admin"], {"lock_minutes": 45})

    assert saved["lock_minutes"] == 45
    assert saved["default_response_point_id"] == "kundtjanst"
    assert directory.settings(svc).lock_minutes == 45


@pytest.mark.parametrize(
    "body",
    [
        {"lock_minutes": 0},
        {"lock_minutes": 1441},
        {"lock_minutes": "30"},
        {"lock_minutes": True},
        {"lock_minutes": 2.5},
        {"default_response_point_id": "nowhere"},
        {"default_response_point_id": []},
        {"default_response_point_id": 5},
        {"hidden_fields": "cc"},
        {"hidden_fields": [1]},
    ],
    ids=[
        "lock-zero",
        "lock-too-long",
        "lock-text",
        "lock-bool",
        "lock-float",
        "unknown-rp",
        "rp-list",
        "rp-number",
        "hidden-text",
        "hidden-numbers",
    ],
)
def test_bad_settings_are_refused_and_the_old_ones_kept(
    svc: Services, people: dict[str, User], body: dict[str, Any]
) -> None:
    before = admin.get_settings(svc, people["admin"])

    with pytest.raises(ValidationError):
        admin.put_settings(svc, people["admin"], body)

    assert admin.get_settings(svc, people["admin"]) == before
