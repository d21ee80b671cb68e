"""Triggers over HTTP (S7): admin CRUD, refusals that name the field (and write nothing),
the dry run on a sample, and no access for anyone but admins."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error

AVBROTT: dict[str, Any] = {
    "id": "avbrott",
    "name": "Avbrott",
    "when": ["ticket_created", "message_in"],
    "conditions": {"keywords": ["avbrott", "ingen ström"], "response_point_id": "kundtjanst"},
    "actions": [
        {"type": "sms", "to": ["070-123 45 67"]},
        {"type": "email", "to": ["jour@example.org"]},
        {"type": "notify", "group_id": "kt-first"},
        {"type": "set_priority", "priority": "high"},
    ],
}


@pytest.fixture
def admin(api: Api, svc: Services) -> Api:
    svc.sms = RecordingSmsSender()
    return api.as_user("admin")


def test_an_admin_creates_reads_changes_and_deletes_a_trigger(admin: Api) -> None:
    created = admin.post("/api/admin/triggers", AVBROTT)
    assert created.status == 201, created.body
    assert created.body["actions"][0] == {"type": "sms", "to": ["+46701234567"]}
    assert created.body["enabled"] is True and created.body["hourly_cap"] == 20

    assert [t["id"] for t in admin.get("/api/admin/triggers").body["items"]] == ["avbrott"]
    changed = admin.put(
        "/api/admin/triggers/avbrott", {**AVBROTT, "enabled": False, "hourly_cap": 3}
    )
    assert changed.status == 200, changed.body
    read = admin.get("/api/admin/triggers/avbrott").body
    assert (read["enabled"], read["hourly_cap"]) == (False, 3)

    assert admin.delete("/api/admin/triggers/avbrott").body == {"deleted": "avbrott"}
    assert_error(admin.get("/api/admin/triggers/avbrott"), 404, "not_found")
    assert_error(admin.delete("/api/admin/triggers/avbrott"), 404, "not_found")


def test_a_trigger_without_an_id_gets_one(admin: Api) -> None:
    body = {k: v for k, v in AVBROTT.items() if k != "id"}
    created = admin.post("/api/admin/triggers", body)
    assert created.status == 201, created.body
    assert admin.get(f"/api/admin/triggers/{created.body['id']}").status == 200


def test_creating_an_existing_id_is_a_conflict_and_replacing_a_missing_one_not_found(
    admin: Api,
) -> None:
    assert admin.post("/api/admin/triggers", AVBROTT).status == 201
    assert_error(admin.post("/api/admin/triggers", AVBROTT), 409)
    missing = {**AVBROTT, "id": "saknas"}
    assert_error(admin.put("/api/admin/triggers/saknas", missing), 404, "not_found")
    # a body naming another trigger than the path is refused
    assert_error(admin.put("/api/admin/triggers/avbrott", missing), 422, "invalid")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"when": ["deleted"]}, "when must be one of"),
        ({"actions": [{"type": "sms", "to": ["123"]}]}, "actions[0].to: '123' is not"),
        ({"actions": [{"type": "notify", "group_id": "saknas"}]}, "actions[0].group_id: no group"),
        ({"actions": [{"type": "notify", "agent_id": "nobody"}]}, "actions[0].agent_id: no agent"),
        ({"conditions": {"response_point_id": "saknas"}}, "conditions.response_point_id: no"),
        ({"conditions": {"ticket_type": "saknas"}}, "conditions.ticket_type: no ticket type"),
        ({"conditions": {"keywords": ["x" * 101]}}, "keywords must be words or phrases"),
        ({"colour": "red"}, "colour"),
    ],
    ids=["when", "phone", "group", "agent", "response-point", "ticket-type", "keyword", "key"],
)
def test_a_bad_trigger_is_refused_with_the_reason_and_nothing_is_stored(
    admin: Api, changes: dict[str, Any], reason: str
) -> None:
    reply = admin.post("/api/admin/triggers", {**AVBROTT, **changes})
    assert reply.status in (400, 422), reply.body
    assert reason in reply.body["message"]
    assert admin.get("/api/admin/triggers").body["items"] == []


def test_a_body_that_is_not_an_object_is_a_bad_request(admin: Api) -> None:
    assert_error(admin.post("/api/admin/triggers", ["avbrott"]), 400)
    assert_error(admin.post("/api/admin/triggers/test", "x"), 400)


def test_an_sms_alarm_is_refused_where_sms_is_not_set_up(api: Api, svc: Services) -> None:
    svc.sms = None
    reply = api.as_user("admin").post("/api/admin/triggers", AVBROTT)
    assert_error(reply, 422, "invalid")
    assert "SMS is not set up" in reply.body["message"]


def test_the_dry_run_tells_which_stored_triggers_fire_on_a_sample_and_why(admin: Api) -> None:
    admin.post("/api/admin/triggers", AVBROTT)
    admin.post(
        "/api/admin/triggers",
        {**AVBROTT, "id": "hog", "name": "Hög prioritet", "when": ["priority_changed"],
         "conditions": {"priority": "high"}},
    )  # fmt: skip
    sample = {
        "event": "message_in",
        "subject": "Hjälp",
        "body": "Vi har INGEN   ström i Lund",
        "response_point_id": "kundtjanst",
    }
    reply = admin.post("/api/admin/triggers/test", {"sample": sample})
    assert reply.status == 200, reply.body
    assert reply.body["fires"] == ["avbrott"]
    by_id = {i["id"]: i for i in reply.body["items"]}
    # in the admin's language (Swedish), each condition that held
    assert by_id["avbrott"]["why"] == (
        "vid message_in, response_point_id = kundtjanst, nyckelordet ”ingen ström” i texten"
    )
    assert by_id["hog"]["fires"] is False
    assert by_id["hog"]["why"] == "no event of the kinds in when"


def test_the_dry_run_tries_an_unsaved_trigger_and_explains_a_miss(admin: Api) -> None:
    trigger = {**AVBROTT, "conditions": {"keywords": ["avbrott"], "priority": "high"}}
    sample = {"event": "ticket_created", "subject": "Avbrott!", "priority": "medium"}
    reply = admin.post("/api/admin/triggers/test", {"sample": sample, "trigger": trigger})
    assert reply.status == 200, reply.body
    [item] = reply.body["items"]
    assert item["fires"] is False
    assert item["why"] == "priority is 'medium', not 'high'"
    assert admin.get("/api/admin/triggers").body["items"] == []  # nothing stored


def test_the_dry_run_refuses_a_bad_sample(admin: Api) -> None:
    assert_error(admin.post("/api/admin/triggers/test", {}), 422)
    assert_error(admin.post("/api/admin/triggers/test", {"sample": {"event": "deleted"}}), 422)
    assert_error(admin.post("/api/admin/triggers/test", {"sample": {"colour": 1}}), 422)


@pytest.mark.parametrize("user", ["agent1", "dispatcher"])
def test_only_admins_reach_the_triggers(api: Api, user: str) -> None:
    someone = api.as_user(user)
    assert_error(someone.get("/api/admin/triggers"), 403)
    assert_error(someone.post("/api/admin/triggers", AVBROTT), 403)
    assert_error(someone.post("/api/admin/triggers/test", {"sample": {}}), 403)
    assert_error(api.with_token(None).get("/api/admin/triggers"), 401)
