"""Random input at every route: whatever arrives, the answer is never a 500, and every
error is JSON of the shape {"error": code, "message": text}."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.services.contacts import CONTACT_KEYS
from chalicelib.services.context import Services
from chalicelib.services.tickets import CREATE_KEYS, UPDATE_KEYS
from tests.api.apiclient import Api

ROUTES = [
    ("GET", "/api/health"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/challenge"),
    ("POST", "/api/me/mfa/setup"),
    ("POST", "/api/me/mfa/confirm"),
    ("POST", "/api/me/mfa/disable"),
    ("GET", "/api/me"),
    ("PATCH", "/api/me"),
    ("POST", "/api/tickets"),
    ("GET", "/api/tickets"),
    ("POST", "/api/tickets/pick-next"),
    ("GET", "/api/tickets/{ticket_id}"),
    ("PATCH", "/api/tickets/{ticket_id}"),
    ("POST", "/api/tickets/{ticket_id}/notes"),
    ("POST", "/api/tickets/{ticket_id}/pick"),
    ("POST", "/api/tickets/{ticket_id}/release"),
    ("POST", "/api/tickets/{ticket_id}/reopen"),
    ("POST", "/api/dispatcher/assign"),
    ("GET", "/api/inboxes"),
    ("GET", "/api/inboxes/{inbox_id}/tickets"),
    ("GET", "/api/contacts"),
    ("POST", "/api/contacts"),
    ("GET", "/api/contacts/{contact_id}"),
    ("PATCH", "/api/contacts/{contact_id}"),
    ("GET", "/api/admin/{collection}"),
    ("POST", "/api/admin/{collection}"),
    ("PUT", "/api/admin/{collection}"),
    ("GET", "/api/admin/{collection}/{item_id}"),
    ("PUT", "/api/admin/{collection}/{item_id}"),
    ("DELETE", "/api/admin/{collection}/{item_id}"),
]

KEYS = [
    "title", "description", "status", "priority", "itil_process", "ticket_type", "group_id",
    "agent_id", "response_point_id", "parent_id", "contact", "contact_id", "custom_fields", "cc",
    "bcc", "dormant_until", "template_id", "kind", "text", "reason", "ticket_ids", "email",
    "password", "language", "view", "name", "emails", "phones", "phone", "organisation", "notes",
    "id", "label", "type", "options", "required", "roles", "groups", "active", "name_sv",
    "name_en", "visibility_level", "reopen_window_days", "lock_minutes",
    "default_response_point_id", "hidden_fields",
]  # fmt: skip
VALUES = [
    "kundtjanst", "it-support", "kt-first", "kt-second", "it-desk", "agent1", "admin", "open",
    "closed", "resolved", "dormant_until", "new", "high", "low", "incident", "fault", "solution",
    "2999-01-01T00:00:00Z", "2000-01-01", "a@example.com", "agent2@example.com", "+46701234567",
    "select", "number", "date", "text", "own_groups", "all", "sv", "en", "pro", "secret-pw",
]  # fmt: skip
QUERY_KEYS = [
    "status", "response_point", "group", "agent", "type", "priority", "contact", "parent",
    "cursor", "limit", "email", "phone", "name",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.text(st.characters(categories=["Cs"]) | st.characters(), max_size=4)  # lone surrogates
    | st.sampled_from(VALUES)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=15,
)
# The keys each route reads, so that most random bodies get past the check for unknown
# keys and reach the deeper validation.
ROUTE_KEYS = {
    "/api/auth/login": ["email", "password"],
    "/api/auth/challenge": ["challenge", "session", "code", "new_password"],
    "/api/me/mfa/setup": ["password"],
    "/api/me/mfa/confirm": ["session", "code"],
    "/api/me/mfa/disable": ["password", "code"],
    "/api/me": ["language", "view"],
    "/api/tickets": sorted(CREATE_KEYS),
    "/api/tickets/{ticket_id}": sorted(UPDATE_KEYS),
    "/api/tickets/{ticket_id}/notes": ["kind", "text"],
    "/api/tickets/{ticket_id}/reopen": ["reason"],
    "/api/dispatcher/assign": ["ticket_ids", "agent_id", "group_id"],
    "/api/contacts": sorted(CONTACT_KEYS),
    "/api/contacts/{contact_id}": sorted(CONTACT_KEYS),
}


# A valid body per route: random changes of one or two of its keys probe each check alone.
VALID = {
    "/api/auth/login": {"email": "agent1@example.com", "password": "secret-pw"},
    "/api/me": {"language": "en"},
    "/api/tickets": {"title": "T", "group_id": "kt-first"},
    "/api/tickets/{ticket_id}": {"title": "T2"},
    "/api/tickets/{ticket_id}/notes": {"text": "n"},
    "/api/contacts": {"name": "K"},
    "/api/contacts/{contact_id}": {"name": "K"},
}


def bodies(template: str, ids: list[str]) -> st.SearchStrategy[bytes]:
    keys = st.sampled_from(ROUTE_KEYS.get(template, KEYS))
    values = (
        json_values | st.sampled_from(ids) | st.lists(st.sampled_from(VALUES + ids), max_size=3)
    )
    valid = VALID.get(template, {})
    near_valid = st.dictionaries(keys, values, max_size=2).map(
        lambda d: json.dumps({**valid, **d}).encode()
    )
    return (
        near_valid
        | near_valid
        | st.dictionaries(keys, values, max_size=6).map(lambda d: json.dumps(d).encode())
        | st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6).map(
            lambda d: json.dumps(d).encode()
        )
        | json_values.map(lambda v: json.dumps(v).encode())
        | st.binary(max_size=40)
    )


path_texts = st.sampled_from(VALUES) | st.text(min_size=1, max_size=20)
queries = st.dictionaries(
    st.sampled_from(QUERY_KEYS) | st.text(min_size=1, max_size=6),
    st.sampled_from(VALUES) | st.text(max_size=12) | st.sampled_from(["0", "1", "201", "²", "-1"]),
    max_size=4,
)


@pytest.fixture
def world(api: Api, svc: Services) -> dict[str, Any]:
    """A ticket and a contact that real ids can point at, and callers of each kind."""
    admin = api.as_user("admin")
    ticket = admin.post(
        "/api/tickets",
        {"title": "T", "group_id": "kt-second", "contact": {"email": "k@example.com"}},
    ).body
    return {
        "ticket_id": [ticket["id"]],
        "contact_id": [ticket["contact_id"]],
        "inbox_id": ["group:kt-first", "rp:kundtjanst", "agent:agent1", "pool-rp:it-support"],
        "collection": [
            "users",
            "groups",
            "response-points",
            "ticket-types",
            "custom-fields",
            "settings",
        ],
        "item_id": ["agent1", "kt-first", "kundtjanst", "fault"],
        "callers": {
            "admin": admin,
            "agent1": api.as_user("agent1"),
            "agent2": api.as_user("agent2"),
            "dispatcher": api.as_user("dispatcher"),
            "nobody": api,
            "garbage": api.with_token("x.y.z"),
        },
    }


def fill(path: str, world: dict[str, Any], draw: st.DrawFn) -> str:
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        name = path[start + 1 : end]
        value = draw(st.sampled_from(world[name]) | path_texts)
        path = path[:start] + quote(value, safe=":@") + path[end + 1 :]
    return path


def check(reply: Any, what: str) -> None:
    assert reply.status != 500, f"{what} -> 500 {reply.body}"
    assert reply.status < 500, f"{what} -> {reply.status}"
    if reply.status >= 400:
        assert isinstance(reply.body, dict), f"{what} -> {reply.status} {reply.body!r}"
        assert isinstance(reply.body.get("error"), str), f"{what} -> {reply.body}"
        assert isinstance(reply.body.get("message"), str), f"{what} -> {reply.body}"


FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_random_bodies_and_paths_never_cause_a_500(
    world: dict[str, Any], data: st.DataObject
) -> None:
    method, template = data.draw(st.sampled_from(ROUTES))
    caller = data.draw(st.sampled_from(["admin", "admin", "agent1", "agent1", "dispatcher",
                                        "nobody", "garbage"]))  # fmt: skip
    path = fill(template, world, data.draw)
    body = data.draw(bodies(template, world["ticket_id"] + world["contact_id"]))
    headers = data.draw(st.sampled_from([{}, {"If-Match": "1"}, {"If-Match": "zz"}]))

    reply = world["callers"][caller].request(method, path, raw=body, headers=headers)

    check(reply, f"{caller} {method} {path} {body[:200]!r}")


@FUZZ
@given(data=st.data())
def test_random_query_strings_never_cause_a_500(world: dict[str, Any], data: st.DataObject) -> None:
    _, template = data.draw(st.sampled_from([r for r in ROUTES if r[0] == "GET"]))
    caller = data.draw(st.sampled_from(["admin", "agent1", "dispatcher"]))
    path = fill(template, world, data.draw)
    query = urlencode(data.draw(queries))

    reply = world["callers"][caller].get(f"{path}?{query}" if query else path)

    check(reply, f"{caller} GET {path}?{query}")


STATUSES = ["new", "open", "with_contact", "with_external", "dormant", "dormant_until",
            "resolved", "closed", "bogus"]  # fmt: skip
WAKE_UPS = ["2999-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "soon", None]
ticket_steps = st.one_of(
    st.tuples(
        st.just("PATCH"),
        st.just(""),
        st.fixed_dictionaries(
            {},
            optional={
                "status": st.sampled_from(STATUSES),
                "dormant_until": st.sampled_from(WAKE_UPS),
                "priority": st.sampled_from(["low", "medium", "high", "max"]),
                "title": st.sampled_from(["Ny", "", None]) | st.text(max_size=5),
                "group_id": st.sampled_from(["kt-first", "kt-second", "it-desk", None]),
                "agent_id": st.sampled_from(["agent1", "agent2", "ghost", None]),
                "cc": st.lists(st.sampled_from(["a@example.com", "nope"]), max_size=2),
            },
        ),
    ),
    st.tuples(
        st.just("POST"), st.just("/notes"), st.fixed_dictionaries({"text": st.text(max_size=5)})
    ),
    st.tuples(
        st.sampled_from(["POST"]), st.sampled_from(["/pick", "/release", "/reopen"]), st.just({})
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["agent1", "agent2", "dispatcher"]), ticket_steps), max_size=6
    )
)
def test_any_sequence_of_ticket_writes_keeps_the_ticket_consistent(
    world: dict[str, Any], steps: list[Any]
) -> None:
    callers = world["callers"]
    ticket = callers["agent1"].post("/api/tickets", {"title": "T", "group_id": "kt-first"}).body
    path = f"/api/tickets/{ticket['id']}"
    for who, (method, suffix, body) in steps:
        before = callers["admin"].get(path).body
        reply = callers[who].request(method, path + suffix, body)
        check(reply, f"{who} {method} {path}{suffix} {body}")
        after = callers["admin"].get(path).body
        if reply.status >= 400:
            assert after == before, f"{who} {method} {suffix} {body} -> {reply.status} but wrote"
        status = after["status"]
        assert (after["closed_at"] is not None) == (status == "closed")
        assert (after["resolved_at"] is not None) == (status in ("resolved", "closed"))
        assert (after["dormant_until"] is not None) == (status == "dormant_until")
        if status in ("resolved", "closed"):
            assert after["lock"] is None
        times = [e["at"] for e in after["events"]]
        assert times == sorted(times)
