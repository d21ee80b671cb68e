"""Issue 10, findings 2-4: sessions end when they should, and login cannot be ground down.

Each test replays the attack as reported and shows it now fails: a demoted dispatcher's
old token, a password guessed by brute force, accounts told apart by the login's answer,
a token that still works after logout or after an admin's "sign out everywhere".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters import identity_local
from chalicelib.services import login_guard
from tests.api.apiclient import Api, assert_error
from tests.support import PASSWORD, FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    # An hour in the past: the tests move the clock on by up to an hour, and the tokens
    # issued then must not carry an "iat" later than the real time (PyJWT refuses those).
    return FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))


def attempt(api: Api, email: str, password: str) -> Any:
    return Api(api.http).post("/api/auth/login", {"email": email, "password": password})


def create_ticket(client: Api) -> str:
    reply = client.post("/api/tickets", {"title": "Skrivaren strular", "group_id": "kt-first"})
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


# --- finding 2: roles come from the user record --------------------------------


def test_a_demoted_dispatchers_old_token_cannot_assign_on_the_very_next_request(
    api: Api,
) -> None:
    dispatcher = api.as_user("dispatcher")
    ticket = create_ticket(dispatcher)
    assert (
        dispatcher.post(
            "/api/dispatcher/assign", {"ticket_ids": [ticket], "agent_id": "agent2"}
        ).status
        == 200
    )
    admin = api.as_user("admin")
    record = admin.get("/api/admin/users/dispatcher").body
    assert admin.put("/api/admin/users/dispatcher", {**record, "roles": ["agent"]}).status == 200

    refused = dispatcher.post(
        "/api/dispatcher/assign", {"ticket_ids": [ticket], "agent_id": "agent2"}
    )

    assert_error(refused, 403, "forbidden")
    assert dispatcher.get("/api/me").body["roles"] == ["agent"]


def test_a_promotion_also_holds_at_once_with_the_old_token(api: Api) -> None:
    agent = api.as_user("agent1")
    ticket = create_ticket(agent)
    assert (
        agent.post("/api/dispatcher/assign", {"ticket_ids": [ticket], "agent_id": "agent2"}).status
        == 403
    )
    admin = api.as_user("admin")
    record = admin.get("/api/admin/users/agent1").body
    admin.put("/api/admin/users/agent1", {**record, "roles": ["dispatcher"]})

    assert (
        agent.post("/api/dispatcher/assign", {"ticket_ids": [ticket], "agent_id": "agent2"}).status
        == 200
    )


# --- finding 3: login throttling and no account enumeration --------------------


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    api: Api, clock: FrozenClock
) -> None:
    replies = [attempt(api, "agent2@example.com", f"guess-{n}") for n in range(6)]

    for reply in replies[:5]:
        assert_error(reply, 401, "unauthenticated")
    assert_error(replies[5], 429, "too_many_attempts")
    assert replies[5].headers["Retry-After"] == "60"
    right = attempt(api, "agent2@example.com", PASSWORD)
    assert_error(right, 429, "too_many_attempts")
    assert 1 <= int(right.headers["Retry-After"]) <= 60

    clock.advance(seconds=61)
    assert attempt(api, "agent2@example.com", PASSWORD).status == 200


def test_the_lockout_doubles_on_each_relapse_up_to_fifteen_minutes(
    api: Api, clock: FrozenClock
) -> None:
    for n in range(5):
        attempt(api, "agent2@example.com", f"guess-{n}")
    waits = []
    for _ in range(6):
        clock.advance(seconds=int(attempt(api, "agent2@example.com", "x").headers["Retry-After"]))
        # The lock is over: the next wrong password locks again at once, for twice as long.
        assert attempt(api, "agent2@example.com", "still-wrong").status == 401
        waits.append(int(attempt(api, "agent2@example.com", PASSWORD).headers["Retry-After"]))

    assert waits == [120, 240, 480, 900, 900, 900]
    clock.advance(seconds=900)
    assert attempt(api, "agent2@example.com", PASSWORD).status == 200
    # A good login forgets the strikes: four wrong passwords are again just four.
    for n in range(4):
        assert attempt(api, "agent2@example.com", f"guess-{n}").status == 401
    assert attempt(api, "agent2@example.com", PASSWORD).status == 200


def test_a_good_login_resets_the_count_of_wrong_passwords(api: Api) -> None:
    for _ in range(3):
        for n in range(4):
            assert attempt(api, "agent2@example.com", f"guess-{n}").status == 401
        assert attempt(api, "agent2@example.com", PASSWORD).status == 200


def test_thirty_failures_from_one_address_across_many_accounts_lock_the_address(
    api: Api, clock: FrozenClock
) -> None:
    # Spraying one password over many accounts stays under every account's limit ...
    for n in range(login_guard.IP_FAILURES):
        assert attempt(api, f"user{n}@example.com", "Sommar2024!").status == 401

    # ... but not under the address's: even a good login from it waits.
    refused = attempt(api, "agent3@example.com", PASSWORD)
    assert_error(refused, 429, "too_many_attempts")
    assert refused.headers["Retry-After"] == str(login_guard.IP_WINDOW)
    clock.advance(seconds=login_guard.IP_WINDOW + 1)
    assert attempt(api, "agent3@example.com", PASSWORD).status == 200


def test_an_unknown_account_gets_the_same_answer_and_the_same_hash_work(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[int] = []
    real = identity_local.hash_password

    def counting(password: str, **kw: Any) -> str:
        rounds.append(kw["rounds"])
        return real(password, **kw)

    monkeypatch.setattr(identity_local, "hash_password", counting)
    attempt(api, "nobody@example.com", "warm-up")  # the dummy hash is made once
    rounds.clear()

    known = attempt(api, "agent1@example.com", "wrong-pw")
    known_rounds, rounds[:] = list(rounds), []
    unknown = attempt(api, "nobody-else@example.com", "wrong-pw")

    assert (known.status, known.body) == (unknown.status, unknown.body)
    assert_error(unknown, 401, "unauthenticated")
    assert known_rounds == rounds == [1000]  # one PBKDF2 each, of the same cost


def test_an_unknown_account_is_locked_out_like_a_known_one(api: Api) -> None:
    known = [attempt(api, "agent1@example.com", f"g{n}").status for n in range(6)]
    unknown = [attempt(api, "ghost@example.com", f"g{n}").status for n in range(6)]

    assert known == unknown == [401] * 5 + [429]


# --- finding 4: logout and sign out everywhere ---------------------------------


def test_after_logout_the_same_token_is_refused_at_once(api: Api) -> None:
    token = api.login("agent1@example.com")
    client = api.with_token(token)
    assert client.get("/api/me").status == 200

    assert client.post("/api/auth/logout").body == {"logged_out": True}

    assert_error(client.get("/api/me"), 401, "signed_out")
    assert_error(client.post("/api/auth/logout"), 401, "signed_out")
    # Other sessions of the same user go on.
    other = attempt(api, "agent1@example.com", PASSWORD).body["token"]
    assert api.with_token(other).get("/api/me").status == 200


def test_logout_needs_a_token(api: Api) -> None:
    assert_error(Api(api.http).post("/api/auth/logout"), 401)


def test_an_admin_signs_a_user_out_everywhere_and_a_new_login_works(
    api: Api, clock: FrozenClock
) -> None:
    first = api.login("agent1@example.com")
    clock.advance(seconds=5)
    second = attempt(api, "agent1@example.com", PASSWORD).body["token"]
    bystander = api.as_user("agent2")
    clock.advance(seconds=5)

    done = api.as_user("admin").post("/api/admin/users/agent1/sign-out")

    assert done.status == 200 and done.body["user_id"] == "agent1"
    for token in (first, second):
        assert_error(api.with_token(token).get("/api/me"), 401, "signed_out")
    assert bystander.get("/api/me").status == 200
    clock.advance(seconds=1)
    fresh = attempt(api, "agent1@example.com", PASSWORD)
    assert fresh.status == 200
    assert api.with_token(fresh.body["token"]).get("/api/me").status == 200
    # Editing the user afterwards keeps the mark: the old tokens stay dead.
    admin = api.as_user("admin")
    record = admin.get("/api/admin/users/agent1").body
    assert admin.put("/api/admin/users/agent1", {**record, "name": "Agnes A"}).status == 200
    assert api.with_token(first).get("/api/me").status == 401


def test_only_an_admin_may_sign_users_out(api: Api) -> None:
    assert_error(api.as_user("dispatcher").post("/api/admin/users/agent1/sign-out"), 403)
    assert_error(api.as_user("admin").post("/api/admin/users/nobody/sign-out"), 404)


def test_deactivating_and_reactivating_a_user_does_not_revive_old_tokens(
    api: Api, clock: FrozenClock
) -> None:
    old = api.as_user("agent1")
    clock.advance(seconds=2)
    admin = api.as_user("admin")
    record = admin.get("/api/admin/users/agent1").body
    admin.put("/api/admin/users/agent1", {**record, "active": False})
    assert old.get("/api/me").status == 401
    admin.put("/api/admin/users/agent1", {**record, "active": True})

    assert old.get("/api/me").status == 401
    clock.advance(seconds=1)
    assert attempt(api, "agent1@example.com", PASSWORD).status == 200


def test_the_login_answer_allows_no_other_origin(api: Api) -> None:
    """CORS: no "Access-Control-Allow-Origin: *" (routing.py sends none unless
    SERVIT_UI_ORIGIN names the UI's one origin)."""
    for reply in (attempt(api, "agent1@example.com", PASSWORD), attempt(api, "x@example.com", "y")):
        sent = {k.lower(): v for k, v in reply.headers.items()}
        assert sent.get("access-control-allow-origin") in (None, "")


def test_lockout_and_logout_hold_on_dynamodb_as_in_memory(any_services: Any) -> None:
    """The same rules on the stored counters and lookups (DynamoDB Local) as on the fakes."""
    from chalicelib.domain.errors import AuthenticationError, TooManyRequestsError
    from chalicelib.services import auth
    from tests.support import logged_in, seed_helpdesk

    svc = any_services
    seed_helpdesk(svc)
    good = {"email": "agent1@example.com", "password": PASSWORD}
    token, _ = logged_in(svc, good, ip="192.0.2.7")
    for n in range(5):
        with pytest.raises(AuthenticationError):
            logged_in(svc, {**good, "password": f"g{n}"}, ip="192.0.2.7")
    with pytest.raises(TooManyRequestsError) as locked:
        logged_in(svc, good, ip="192.0.2.7")
    assert locked.value.retry_after == 60

    auth.logout(svc, token)
    with pytest.raises(AuthenticationError):
        auth.actor_from_token(svc, token)
