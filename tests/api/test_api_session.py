"""Health, login, the caller's profile, and every way a token can be bad (401)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.adapters.identity_local import LocalIdentity, generate_private_key_pem
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.support import PASSWORD, FrozenClock


def test_health_needs_no_login(api: Api) -> None:
    reply = api.get("/api/health")

    assert (reply.status, reply.body) == (200, {"status": "ok"})


def test_login_returns_a_token_and_the_user(api: Api) -> None:
    reply = api.post("/api/auth/login", {"email": "agent3@example.com", "password": PASSWORD})

    assert reply.status == 200
    assert reply.body["token"].count(".") == 2
    assert reply.body["user"] == {
        "id": "agent3",
        "email": "agent3@example.com",
        "name": "Cai Agent",
        "roles": ["agent"],
        "groups": ["kt-second", "it-desk"],
        "language": "sv",
        "view": "standard",
        "notify": ["message", "assigned", "changed"],
        "notify_email": True,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"email": "agent1@example.com", "password": "wrong"},
        {"email": "nobody@example.com", "password": PASSWORD},
        {"email": "", "password": PASSWORD},
        {"email": "agent1@example.com", "password": ""},
    ],
    ids=["wrong-password", "unknown-email", "empty-email", "empty-password"],
)
def test_bad_credentials_are_401(api: Api, body: dict[str, Any]) -> None:
    reply = api.post("/api/auth/login", body)

    assert_error(reply, 401, "unauthenticated")
    assert reply.headers.get("WWW-Authenticate") == "Bearer"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{not json", 400),
        (b'["agent1@example.com", "secret-pw"]', 400),
        (b'{"email": 5, "password": "x"}', 400),
        (b'{"email": "agent1@example.com"}', 422),
    ],
    ids=["not-json", "array", "email-number", "no-password"],
)
def test_a_malformed_login_is_a_client_error(api: Api, raw: bytes, status: int) -> None:
    assert_error(api.post("/api/auth/login", raw=raw), status)


def test_me_shows_the_caller(api: Api) -> None:
    reply = api.as_user("dispatcher").get("/api/me")

    assert reply.status == 200
    assert (reply.body["id"], reply.body["roles"]) == ("dispatcher", ["dispatcher"])


def test_a_user_sets_language_and_view_and_keeps_them(api: Api) -> None:
    me = api.as_user("agent1")

    reply = me.patch("/api/me", {"language": "en", "view": "pro"})

    assert reply.status == 200
    assert (reply.body["language"], reply.body["view"], reply.body["roles"]) == (
        "en",
        "pro",
        ["agent"],
    )
    assert me.get("/api/me").body["view"] == "pro"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"language": "fi"}, 422),
        ({"view": "huge"}, 422),
        ({"roles": ["admin"]}, 422),
        ({"email": "x@example.com"}, 422),
        (["en"], 400),
    ],
    ids=["language", "view", "roles", "email", "not-object"],
)
def test_bad_preferences_are_refused(api: Api, body: Any, status: int) -> None:
    me = api.as_user("agent1")

    assert_error(me.patch("/api/me", body), status)
    assert me.get("/api/me").body["roles"] == ["agent"]


ROUTES_NEEDING_LOGIN = [
    ("GET", "/api/me"),
    ("PATCH", "/api/me"),
    ("GET", "/api/tickets?group=kt-first"),
    ("POST", "/api/tickets"),
    ("GET", "/api/tickets/x"),
    ("PATCH", "/api/tickets/x"),
    ("POST", "/api/tickets/x/notes"),
    ("POST", "/api/tickets/x/pick"),
    ("POST", "/api/tickets/x/release"),
    ("POST", "/api/tickets/x/reopen"),
    ("POST", "/api/tickets/pick-next"),
    ("GET", "/api/inboxes"),
    ("GET", "/api/inboxes/group:kt-first/tickets"),
    ("GET", "/api/contacts"),
    ("POST", "/api/contacts"),
    ("GET", "/api/contacts/x"),
    ("PATCH", "/api/contacts/x"),
    ("GET", "/api/admin/users"),
    ("POST", "/api/admin/users"),
    ("GET", "/api/admin/users/agent1"),
    ("PUT", "/api/admin/users/agent1"),
    ("DELETE", "/api/admin/ticket-types/fault"),
    ("GET", "/api/admin/settings"),
    ("PUT", "/api/admin/settings"),
]


def expired_token(svc: Services, clock: FrozenClock) -> str:
    return svc.identity.issue(
        "agent1", "agent1@example.com", ["agent"], now=clock.now - timedelta(hours=9)
    )  # type: ignore[attr-defined]


def foreign_token(svc: Services, clock: FrozenClock) -> str:
    # Signed by another key that claims the same key id.
    other = LocalIdentity(svc.config, generate_private_key_pem(), clock=clock)
    return other.issue("admin", "admin@example.com", ["admin"])


def other_issuer_token(svc: Services, clock: FrozenClock) -> str:
    signer = LocalIdentity(svc.config, _key_of(svc), clock=clock, issuer="someone-else")
    return signer.issue("admin", "admin@example.com", ["admin"])


def other_audience_token(svc: Services, clock: FrozenClock) -> str:
    signer = LocalIdentity(svc.config, _key_of(svc), clock=clock, audience="another-app")
    return signer.issue("admin", "admin@example.com", ["admin"])


def unknown_user_token(svc: Services, clock: FrozenClock) -> str:
    return svc.identity.issue("ghost", "ghost@example.com", ["admin"])  # type: ignore[attr-defined]


def tampered_token(svc: Services, clock: FrozenClock) -> str:
    token: str = svc.identity.issue("agent1", "agent1@example.com", ["agent"])  # type: ignore[attr-defined]
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    return f"{head}.{payload}.{flipped}"


def _key_of(svc: Services) -> bytes:
    from tests import support

    return support._KEY


BAD_TOKENS: dict[str, Callable[[Services, FrozenClock], str]] = {
    "garbage": lambda svc, clock: "not-a-token",
    "three-garbage-parts": lambda svc, clock: "a.b.c",
    "expired": expired_token,
    "foreign-key": foreign_token,
    "other-issuer": other_issuer_token,
    "other-audience": other_audience_token,
    "unknown-user": unknown_user_token,
    "tampered": tampered_token,
}


@pytest.mark.parametrize(("method", "path"), ROUTES_NEEDING_LOGIN, ids=lambda v: str(v))
def test_every_route_but_health_and_login_needs_a_bearer_token(
    api: Api, method: str, path: str
) -> None:
    reply = api.request(method, path, {})

    assert_error(reply, 401, "unauthenticated")


@pytest.mark.parametrize("make", list(BAD_TOKENS.values()), ids=list(BAD_TOKENS))
def test_a_bad_token_is_401(
    api: Api, svc: Services, clock: FrozenClock, make: Callable[[Services, FrozenClock], str]
) -> None:
    reply = api.with_token(make(svc, clock)).get("/api/me")

    assert_error(reply, 401)


def test_an_expired_token_says_so(api: Api, svc: Services, clock: FrozenClock) -> None:
    reply = api.with_token(expired_token(svc, clock)).get("/api/inboxes")

    assert_error(reply, 401, "expired")


@pytest.mark.parametrize(
    "header",
    ["Basic YWdlbnQxOnNlY3JldA==", "Bearer", "Bearer    ", "{token}", "Token {token}"],
    ids=["basic", "bearer-nothing", "bearer-blank", "token-alone", "other-scheme"],
)
def test_an_authorization_header_that_is_not_bearer_is_401(
    api: Api, login: Callable[[str], str], header: str
) -> None:
    token = login("agent1@example.com")

    reply = api.get("/api/me", headers={"Authorization": header.format(token=token)})

    assert_error(reply, 401, "unauthenticated")


def test_the_bearer_scheme_is_case_insensitive(api: Api, login: Callable[[str], str]) -> None:
    token = login("agent1@example.com")

    reply = api.get("/api/me", headers={"Authorization": f"bearer {token}"})

    assert reply.status == 200


def test_a_deactivated_users_token_stops_working(api: Api) -> None:
    agent = api.as_user("agent2")
    admin = api.as_user("admin")
    record = admin.get("/api/admin/users/agent2").body

    assert admin.put("/api/admin/users/agent2", {**record, "active": False}).status == 200

    assert_error(agent.get("/api/me"), 401)
    assert_error(
        api.post("/api/auth/login", {"email": "agent2@example.com", "password": PASSWORD}), 401
    )
