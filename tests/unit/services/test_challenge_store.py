"""Logins between their steps: sealed in Lookups, good for ten minutes and one answer."""

from __future__ import annotations

import pytest

from chalicelib.adapters.memory_mail import InMemoryLookupRepository
from chalicelib.domain.errors import AuthenticationError, ValidationError
from chalicelib.domain.passwords import MIN_LENGTH, check_new_password
from chalicelib.services import challenge_store
from chalicelib.services.challenge_store import Pending
from chalicelib.services.context import Services
from tests.support import FrozenClock

SECRET_TOKEN = "eyJhbGciOiJSUzI1NiJ9.the-id-token-of-an-admin.signature"


def pending() -> Pending:
    return Pending(email="admin@example.com", challenge="MFA_SETUP", token=SECRET_TOKEN)


def test_the_table_holds_neither_the_handle_nor_the_login_in_the_clear(svc: Services) -> None:
    handle = challenge_store.save(svc, pending())

    lookups = svc.lookups
    assert isinstance(lookups, InMemoryLookupRepository)
    ((key, value),) = [(k, v) for k, v in lookups.items.items() if k.startswith("sign-in:")]
    assert handle not in key and handle not in value
    assert "admin@example.com" not in value and "id-token" not in value
    assert challenge_store.load(svc, handle, "MFA_SETUP").token == SECRET_TOKEN


@pytest.mark.parametrize(
    "spoil",
    ["other-challenge", "expired", "dropped", "other-handle", "garbage-handle"],
)
def test_a_pending_login_opens_only_with_its_handle_challenge_and_time(
    svc: Services, clock: FrozenClock, spoil: str
) -> None:
    handle = challenge_store.save(svc, pending())
    challenge = "SOFTWARE_TOKEN_MFA" if spoil == "other-challenge" else "MFA_SETUP"
    if spoil == "expired":
        clock.advance(seconds=challenge_store.TTL)
    if spoil == "dropped":
        challenge_store.drop(svc, handle)
    if spoil == "other-handle":
        handle = challenge_store.save(svc, pending())[:-2] + "xx"
    if spoil == "garbage-handle":
        handle = "x" * 300

    with pytest.raises(AuthenticationError) as raised:
        challenge_store.load(svc, handle, challenge)
    assert raised.value.code == "challenge_expired"


@pytest.mark.parametrize(
    "password",
    ["Kort-1!", "alla-små-123!", "ALLA-STORA-123!", "Inga-Siffror-här!", "IngaTecken12345"],
    ids=["short", "no-upper", "no-lower", "no-digit", "no-symbol"],
)
def test_a_new_password_below_the_pools_policy_is_weak(password: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_new_password(password)
    assert raised.value.code == "weak_password"


def test_the_password_policy_is_the_user_pools() -> None:
    from infra.gen_resources import user_pool

    policy = user_pool()["UserPool"]["Properties"]["Policies"]["PasswordPolicy"]

    assert policy["MinimumLength"] == MIN_LENGTH
    assert all(
        policy[k]
        for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")
    )
    assert check_new_password("Nytt-Lösen-2026!") == "Nytt-Lösen-2026!"
