"""Error answers: every status code in its JSON shape, and input that must not break us."""

from __future__ import annotations

import json

import pytest

from tests.api.apiclient import Api, assert_error


def test_400_for_a_body_that_is_not_json(api: Api) -> None:
    assert_error(api.as_user("agent1").post("/api/tickets", raw=b"title=hej"), 400, "bad_request")


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"title": "\\ud800"}',
        b'{"title": "ok", "description": "\\udfff tail"}',
        b'{"title": "x", "custom_fields": {"amount": NaN}}',
        b'{"title": "x", "priority": Infinity}',
        b"\xff\xfe\x00garbage",
        b'{"title": "x"',
        b"1" * 5000,
    ],
    ids=[
        "deep-array",
        "deep-object",
        "lone-surrogate",
        "low-surrogate",
        "nan",
        "infinity",
        "not-utf8",
        "truncated",
        "huge-number",
    ],
)
def test_bodies_no_json_parser_should_accept_are_400(api: Api, raw: bytes) -> None:
    agent = api.as_user("agent1")

    assert_error(agent.post("/api/tickets", raw=raw), 400, "bad_request")
    assert agent.get("/api/tickets?response_point=kundtjanst").body["items"] == []


def test_a_lone_surrogate_cannot_slip_into_a_password_check(api: Api) -> None:
    reply = api.post(
        "/api/auth/login", raw=b'{"email": "agent1@example.com", "password": "\\ud800"}'
    )

    assert_error(reply, 400)


def test_a_proper_surrogate_pair_is_an_ordinary_character(api: Api) -> None:
    agent = api.as_user("agent1")

    reply = agent.post("/api/tickets", raw=b'{"title": "Printer \\ud83d\\udda8"}')

    assert reply.status == 201
    assert reply.body["title"] == "Printer \U0001f5a8"


def test_401_without_a_token(api: Api) -> None:
    assert_error(api.get("/api/inboxes"), 401, "unauthenticated")


def test_403_for_a_role_that_may_not(api: Api) -> None:
    assert_error(api.as_user("agent1").get("/api/admin/users"), 403, "forbidden")


def test_404_for_something_that_is_not_there(api: Api) -> None:
    assert_error(api.as_user("agent1").get("/api/contacts/nothing"), 404, "not_found")


def test_409_for_a_uniqueness_clash(api: Api) -> None:
    agent = api.as_user("agent1")
    agent.post("/api/contacts", {"emails": ["a@example.com"]})

    assert_error(agent.post("/api/contacts", {"emails": ["a@example.com"]}), 409)


def test_413_for_a_body_over_one_megabyte_and_nothing_is_written(api: Api) -> None:
    agent = api.as_user("agent1")
    body = json.dumps({"title": "Stor", "description": "x" * 1_000_001}).encode()

    assert_error(agent.post("/api/tickets", raw=body), 413, "too_large")
    assert agent.get("/api/tickets?response_point=kundtjanst").body["items"] == []


def test_a_body_of_exactly_the_limit_is_read(api: Api) -> None:
    agent = api.as_user("agent1")
    head = b'{"title": "Gr\xc3\xa4ns", "description": "'
    tail = b'"}'
    raw = head + b"x" * (1_000_000 - len(head) - len(tail)) + tail

    # Read, then refused for its meaning: the description is over 100 000 characters.
    assert_error(agent.post("/api/tickets", raw=raw), 422)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/api/tickets/{id}"),
        ("POST", "/api/tickets/{id}/notes"),
        ("PATCH", "/api/me"),
        ("POST", "/api/contacts"),
        ("PUT", "/api/admin/settings"),
    ],
    ids=["patch-ticket", "note", "me", "contact", "settings"],
)
def test_413_on_every_route_that_takes_a_body(api: Api, method: str, path: str) -> None:
    admin = api.as_user("admin")
    ticket = admin.post("/api/tickets", {"title": "T"}).body

    reply = admin.request(method, path.format(id=ticket["id"]), raw=b" " * 1_000_001)

    assert_error(reply, 413, "too_large")


def test_422_for_a_value_that_means_nothing(api: Api) -> None:
    assert_error(api.as_user("agent1").post("/api/tickets", {"title": "x", "priority": "max"}), 422)


def test_errors_are_json_with_a_content_type(api: Api) -> None:
    reply = api.get("/api/me")

    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.headers.get("WWW-Authenticate") == "Bearer"
