"""Login challenges and TOTP on the profile (issue 11), on the local identity provider.

A login answers with a challenge (a TOTP code, a new password, the TOTP set-up an admin
must do) instead of a token; POST /api/auth/challenge answers it. No token leaves before
the last answer; wrong codes count towards the login lock as wrong passwords do.
"""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from chalicelib.services import directory, login_guard
from chalicelib.services.context import Services
from tests.api.apiclient import Api, Reply, assert_error
from tests.support import PASSWORD, FrozenClock

STRONG = "Nytt-Lösen-2026!"  # meets the pool's policy: 12+, lower, upper, digit, symbol


@pytest.fixture(autouse=True)
def clock_in_the_past(api: Api, clock: FrozenClock) -> None:
    """These tests move the clock on by 30-second TOTP steps and then log in: start half an
    hour back, so that the tokens issued then are not "issued in the future" to PyJWT,
    which checks "iat" against the real time (the fixture's tokens are issued already)."""
    clock.advance(minutes=-30)


def login(api: Api, email: str, password: str = PASSWORD) -> Reply:
    return Api(api.http).post("/api/auth/login", {"email": email, "password": password})


def answer(api: Api, reply: Reply, **fields: str) -> Reply:
    body = {"challenge": reply.body["challenge"], "session": reply.body["session"], **fields}
    return Api(api.http).post("/api/auth/challenge", body)


def code(secret: str, clock: FrozenClock, *, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock(), counter_offset=steps)


def require_admin_mfa(svc: Services, on: bool = True) -> None:
    record = svc.config.get(directory.SETTINGS, "global") or {}
    svc.config.put(directory.SETTINGS, "global", {**record, "admins_require_mfa": on})


def assert_no_token(reply: Reply, challenge: str) -> None:
    assert reply.status == 200, reply.body
    assert reply.body["challenge"] == challenge
    assert "token" not in reply.body and "user" not in reply.body
    assert reply.body["session"].count(".") != 2  # a handle, not a JWT


def enable_totp(api: Api, user: str, clock: FrozenClock) -> str:
    me = api.as_user(user)
    started = me.post("/api/me/mfa/setup", {"password": PASSWORD})
    assert started.status == 200, started.body
    secret = started.body["secret"]
    confirmed = me.post(
        "/api/me/mfa/confirm", {"session": started.body["session"], "code": code(secret, clock)}
    )
    assert confirmed.body == {"enabled": True, "required": False}
    clock.advance(seconds=30)  # the next login needs the next code: each code is good once
    return secret


# --- admins must set TOTP up ----------------------------------------------------


def test_an_admin_without_totp_gets_the_setup_challenge_and_a_token_only_after_the_first_code(
    api: Api, svc: Services, clock: FrozenClock
) -> None:
    require_admin_mfa(svc)

    started = login(api, "admin@example.com")

    assert_no_token(started, "MFA_SETUP")
    secret = started.body["secret"]
    assert started.body["otpauth_uri"] == (
        f"otpauth://totp/ServIT:admin@example.com?secret={secret}&issuer=ServIT"
    )
    assert_error(
        api.get("/api/me", headers={"Authorization": "Bearer " + started.body["session"]}), 401
    )
    done = answer(api, started, code=code(secret, clock))
    assert done.status == 200, done.body
    assert done.body["user"]["id"] == "admin"
    assert Api(api.http, token=done.body["token"]).get("/api/me/mfa").body == {
        "enabled": True,
        "required": True,
    }

    clock.advance(seconds=30)
    again = login(api, "admin@example.com")
    assert_no_token(again, "SOFTWARE_TOKEN_MFA")
    assert answer(api, again, code=code(secret, clock)).body["user"]["id"] == "admin"


def test_with_the_setting_off_an_admin_logs_in_with_the_password_alone(
    api: Api, svc: Services
) -> None:
    require_admin_mfa(svc)
    admin = api.as_user("admin")  # logged in before the setting was turned on

    saved = admin.put("/api/admin/settings", {"admins_require_mfa": False})

    assert saved.body["admins_require_mfa"] is False
    assert "token" in login(api, "admin@example.com").body
    assert_error(admin.put("/api/admin/settings", {"admins_require_mfa": "no"}), 422)


def test_admin_mfa_is_required_unless_turned_off(svc: Services) -> None:
    from chalicelib.domain.organisation import Settings

    assert Settings().admins_require_mfa is True


def test_agents_are_not_asked_to_set_totp_up(api: Api, svc: Services) -> None:
    require_admin_mfa(svc)

    assert "token" in login(api, "agent1@example.com").body


def test_a_wrong_first_code_gives_no_token_and_the_right_one_then_does(
    api: Api, svc: Services, clock: FrozenClock
) -> None:
    require_admin_mfa(svc)
    started = login(api, "admin@example.com")

    wrong = answer(api, started, code=code(started.body["secret"], clock, steps=5))

    assert_error(wrong, 401, "wrong_code")
    assert answer(api, started, code=code(started.body["secret"], clock)).status == 200


# --- a TOTP code at login -------------------------------------------------------


def test_a_user_with_totp_logs_in_with_password_and_code(api: Api, clock: FrozenClock) -> None:
    secret = enable_totp(api, "agent1", clock)

    first = login(api, "agent1@example.com")
    assert_no_token(first, "SOFTWARE_TOKEN_MFA")
    done = answer(api, first, code=code(secret, clock))

    assert done.status == 200
    assert Api(api.http, token=done.body["token"]).get("/api/me").body["id"] == "agent1"


@pytest.mark.parametrize("drift", [-1, 1], ids=["previous-step", "next-step"])
def test_a_code_one_step_off_is_still_taken(api: Api, clock: FrozenClock, drift: int) -> None:
    secret = enable_totp(api, "agent1", clock)
    clock.advance(seconds=60)  # past the set-up's step, so the previous step is unused

    assert (
        answer(api, login(api, "agent1@example.com"), code=code(secret, clock, steps=drift)).status
        == 200
    )


def test_a_code_is_good_for_one_login_only(api: Api, clock: FrozenClock) -> None:
    secret = enable_totp(api, "agent1", clock)
    now = code(secret, clock)
    assert answer(api, login(api, "agent1@example.com"), code=now).status == 200

    assert_error(answer(api, login(api, "agent1@example.com"), code=now), 401, "wrong_code")


def test_wrong_codes_lock_the_account_as_wrong_passwords_do(api: Api, clock: FrozenClock) -> None:
    secret = enable_totp(api, "agent1", clock)
    started = login(api, "agent1@example.com")  # the password is right: not a reset

    replies = [answer(api, started, code=f"{n:06d}") for n in range(4)]
    locked = answer(api, started, code=code(secret, clock))

    for reply in replies:
        assert_error(reply, 401, "wrong_code")
    assert_error(locked, 429, "too_many_attempts")
    assert_error(login(api, "agent1@example.com"), 429, "too_many_attempts")
    clock.advance(seconds=login_guard.FIRST_LOCK + 1)
    fresh = login(api, "agent1@example.com")
    assert answer(api, fresh, code=code(secret, clock)).status == 200


def test_wrong_codes_count_against_the_client_address_too(
    api: Api, svc: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(login_guard, "IP_FAILURES", 3)
    enable_totp(api, "agent1", clock)
    started = login(api, "agent1@example.com")
    for n in range(3):
        assert_error(answer(api, started, code=f"{n:06d}"), 401, "wrong_code")

    assert_error(login(api, "agent2@example.com"), 429, "too_many_attempts")


@pytest.mark.parametrize(
    ("fields", "status", "error"),
    [
        ({"code": "12ab56"}, 422, "bad_code"),
        ({"code": ""}, 422, None),
        ({"challenge": "SMS_MFA", "code": "123456"}, 422, "invalid"),
        ({"challenge": "NEW_PASSWORD_REQUIRED", "new_password": STRONG}, 401, "challenge_expired"),
        ({"session": "not-a-session-we-gave-anyone", "code": "123456"}, 401, "challenge_expired"),
        ({"code": "123456", "extra": "x"}, 422, None),
    ],
    ids=[
        "letters",
        "empty",
        "unknown-challenge",
        "other-challenge",
        "unknown-session",
        "extra-key",
    ],
)
def test_a_malformed_or_mismatched_answer_is_a_clear_client_error(
    api: Api, clock: FrozenClock, fields: dict[str, Any], status: int, error: str | None
) -> None:
    enable_totp(api, "agent1", clock)
    started = login(api, "agent1@example.com")
    body = {"challenge": "SOFTWARE_TOKEN_MFA", "session": started.body["session"], **fields}

    reply = Api(api.http).post("/api/auth/challenge", body)

    assert_error(reply, status, error) if error else assert_error(reply, status)


def test_a_challenge_session_ends_after_ten_minutes_and_after_use(
    api: Api, clock: FrozenClock
) -> None:
    secret = enable_totp(api, "agent1", clock)
    late = login(api, "agent1@example.com")
    clock.advance(seconds=601)
    assert_error(answer(api, late, code=code(secret, clock)), 401, "challenge_expired")

    used = login(api, "agent1@example.com")
    assert answer(api, used, code=code(secret, clock)).status == 200
    clock.advance(seconds=30)
    assert_error(answer(api, used, code=code(secret, clock)), 401, "challenge_expired")


# --- a new password first -------------------------------------------------------


def new_user_with_temporary_password(api: Api) -> None:
    created = api.as_user("admin").post(
        "/api/admin/users",
        {
            "id": "nina",
            "email": "nina@example.com",
            "name": "Nina Ny",
            "roles": ["agent"],
            "groups": ["kt-first"],
            "password": "tillfälligt",
            "must_change_password": True,
        },
    )
    assert created.status == 201, created.body


def test_a_temporary_password_must_be_replaced_before_a_token_is_given(api: Api) -> None:
    new_user_with_temporary_password(api)

    first = login(api, "nina@example.com", "tillfälligt")
    assert_no_token(first, "NEW_PASSWORD_REQUIRED")
    weak = answer(api, first, new_password="kort")
    done = answer(api, first, new_password=STRONG)

    assert_error(weak, 422, "weak_password")
    assert done.status == 200, done.body
    assert done.body["user"]["id"] == "nina"
    assert_error(login(api, "nina@example.com", "tillfälligt"), 401)
    assert "token" in login(api, "nina@example.com", STRONG).body


@pytest.mark.parametrize(
    "password",
    ["lowercase-only-1!", "UPPERCASE-ONLY-1!", "No-Digits-Here!", "NoSymbols12345", "Sh0rt!"],
    ids=["no-upper", "no-lower", "no-digit", "no-symbol", "short"],
)
def test_a_new_password_must_meet_the_pools_policy(api: Api, password: str) -> None:
    new_user_with_temporary_password(api)

    assert_error(
        answer(api, login(api, "nina@example.com", "tillfälligt"), new_password=password),
        422,
        "weak_password",
    )


def test_weak_new_passwords_do_not_lock_the_account(api: Api) -> None:
    new_user_with_temporary_password(api)
    first = login(api, "nina@example.com", "tillfälligt")

    for _ in range(6):
        assert_error(answer(api, first, new_password="weak"), 422, "weak_password")

    assert answer(api, first, new_password=STRONG).status == 200


def test_a_new_password_then_the_code_when_both_are_due(
    api: Api, svc: Services, clock: FrozenClock
) -> None:
    secret = enable_totp(api, "agent2", clock)
    admin = api.as_user("admin")
    record = admin.get("/api/admin/users/agent2").body
    reset = admin.put(
        "/api/admin/users/agent2", {**record, "password": "reset-pw", "must_change_password": True}
    )
    assert reset.status == 200, reset.body

    first = login(api, "agent2@example.com", "reset-pw")
    assert_no_token(first, "NEW_PASSWORD_REQUIRED")
    second = answer(api, first, new_password=STRONG)
    assert_no_token(second, "SOFTWARE_TOKEN_MFA")
    done = answer(api, second, code=code(secret, clock))

    assert done.body["user"]["id"] == "agent2"


# --- TOTP on the profile --------------------------------------------------------


def test_an_agent_turns_totp_on_and_off_from_their_profile(api: Api, clock: FrozenClock) -> None:
    me = api.as_user("agent3")
    assert me.get("/api/me/mfa").body == {"enabled": False, "required": False}

    secret = enable_totp(api, "agent3", clock)
    assert me.get("/api/me/mfa").body["enabled"] is True
    assert_no_token(login(api, "agent3@example.com"), "SOFTWARE_TOKEN_MFA")

    off = me.post("/api/me/mfa/disable", {"password": PASSWORD, "code": code(secret, clock)})
    assert off.body == {"enabled": False, "required": False}
    assert "token" in login(api, "agent3@example.com").body


@pytest.mark.parametrize(
    ("route", "body", "error"),
    [
        ("/api/me/mfa/setup", {"password": "wrong"}, "wrong_password"),
        ("/api/me/mfa/disable", {"password": "wrong", "code": "123456"}, "wrong_password"),
        ("/api/me/mfa/disable", {"password": PASSWORD, "code": "000000"}, "wrong_code"),
    ],
    ids=["setup-wrong-password", "disable-wrong-password", "disable-wrong-code"],
)
def test_profile_refusals_are_403_and_leave_the_session_alone(
    api: Api, clock: FrozenClock, route: str, body: dict[str, str], error: str
) -> None:
    enable_totp(api, "agent3", clock) if "disable" in route else None
    me = api.as_user("agent3")

    assert_error(me.post(route, body), 403, error)
    assert me.get("/api/me").status == 200


def test_a_wrong_first_code_on_the_profile_leaves_totp_off(api: Api, clock: FrozenClock) -> None:
    me = api.as_user("agent3")
    started = me.post("/api/me/mfa/setup", {"password": PASSWORD}).body

    wrong = me.post("/api/me/mfa/confirm", {"session": started["session"], "code": "000000"})

    assert_error(wrong, 403, "wrong_code")
    assert me.get("/api/me/mfa").body["enabled"] is False
    assert "token" in login(api, "agent3@example.com").body


def test_a_profile_setup_session_is_not_a_login_and_not_another_users(
    api: Api, clock: FrozenClock
) -> None:
    started = api.as_user("agent3").post("/api/me/mfa/setup", {"password": PASSWORD}).body
    right = code(started["secret"], clock)

    as_login = Api(api.http).post(
        "/api/auth/challenge",
        {"challenge": "MFA_SETUP", "session": started["session"], "code": right},
    )
    as_other = api.as_user("agent1").post(
        "/api/me/mfa/confirm", {"session": started["session"], "code": right}
    )

    assert_error(as_login, 401, "challenge_expired")
    assert_error(as_other, 403, "challenge_expired")


def test_an_admin_may_not_turn_totp_off_while_admins_must_have_it(
    api: Api, svc: Services, clock: FrozenClock
) -> None:
    secret = enable_totp(api, "admin", clock)
    require_admin_mfa(svc)

    refused = api.as_user("admin").post(
        "/api/me/mfa/disable", {"password": PASSWORD, "code": code(secret, clock)}
    )

    assert_error(refused, 403, "mfa_required")


def test_turning_totp_on_twice_is_refused(api: Api, clock: FrozenClock) -> None:
    enable_totp(api, "agent3", clock)

    assert_error(
        api.as_user("agent3").post("/api/me/mfa/setup", {"password": PASSWORD}), 422, "mfa_enabled"
    )
