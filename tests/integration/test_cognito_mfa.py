"""Login challenges and TOTP on the Cognito adapter under moto (issue 11).

moto 5 answers InitiateAuth with SOFTWARE_TOKEN_MFA and NEW_PASSWORD_REQUIRED, takes
RespondToAuthChallenge, AssociateSoftwareToken, VerifySoftwareToken and
SetUserMFAPreference, and checks TOTP codes when MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP
is set. Where it differs from Cognito (so not tested here): its TOTP secret is a fixed
short string (codes come from moto's own TOTP helper; pyotp wants 112 bits); it does not
resolve e-mail aliases at login (users log in by username here); a session stays good
after a wrong code, and a code may be used twice; it never expires a session.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from moto.cognitoidp.utils import cognito_totp

from chalicelib.adapters.identity_cognito import ROLE_GROUPS, CognitoIdentity
from chalicelib.domain.errors import AuthenticationError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.records import to_record
from chalicelib.services import directory, login_guard, sign_in
from chalicelib.services.context import Services
from chalicelib.services.ports import Challenge, SignInStep
from tests.integration.test_cognito_identity import REGION, moto_jwks
from tests.support import FrozenClock, fake_services

PASSWORD = "Very-Secret-1!"
STRONG = "Nytt-Lösen-2026!"
USERS = (
    User("admin", "admin@example.com", "Ada", roles=["admin"]),  # type: ignore[list-item]
    User("agent1", "agent1@example.com", "Agnes"),
)


def code(secret: str) -> str:
    return cognito_totp(secret).generate(int(time.time())).decode()


@pytest.fixture
def cognito(monkeypatch: pytest.MonkeyPatch) -> Iterator[CognitoIdentity]:
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    with mock_aws():
        client = boto3.client("cognito-idp", region_name=REGION)
        pool = client.create_user_pool(
            PoolName="servit",
            AliasAttributes=["email"],
            MfaConfiguration="OPTIONAL",
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireLowercase": True,
                    "RequireUppercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                }
            },
        )["UserPool"]["Id"]
        app_client = client.create_user_pool_client(
            UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        for group in ROLE_GROUPS:
            client.create_group(UserPoolId=pool, GroupName=group)
        identity = CognitoIdentity(
            client, user_pool_id=pool, client_id=app_client, region=REGION, jwks=moto_jwks()
        )
        for user in USERS:
            identity.register(user.id, user.email, [r.value for r in user.roles], PASSWORD)
        yield identity


@pytest.fixture
def svc(cognito: CognitoIdentity) -> Services:
    services = fake_services(FrozenClock())
    services.identity = cognito
    for user in USERS:
        services.config.put(directory.USER, user.id, to_record(user))
    return services


def enable_totp(cognito: CognitoIdentity, user: str) -> str:
    step = cognito.login(user, PASSWORD)
    secret = cognito.begin_totp(step.access)
    cognito.confirm_totp(step.access, code(secret))
    return secret


# --- the adapter ----------------------------------------------------------------


def test_a_user_with_totp_gets_the_code_challenge_and_a_token_for_the_right_code(
    cognito: CognitoIdentity,
) -> None:
    secret = enable_totp(cognito, "agent1")

    asked = cognito.login("agent1", PASSWORD)
    done = cognito.respond("agent1", asked, code(secret))

    assert (asked.challenge, asked.token, asked.access) == (Challenge.MFA_CODE, "", "")
    assert cognito.verify(done.token).user_id == done.user_id == "agent1"


def test_a_wrong_code_is_wrong_code_at_login_and_at_setup(cognito: CognitoIdentity) -> None:
    step = cognito.login("agent1", PASSWORD)
    secret = cognito.begin_totp(step.access)
    with pytest.raises(AuthenticationError) as at_setup:
        cognito.confirm_totp(step.access, "000000")
    cognito.confirm_totp(step.access, code(secret))

    with pytest.raises(AuthenticationError) as at_login:
        cognito.respond("agent1", cognito.login("agent1", PASSWORD), "000000")

    assert at_setup.value.code == at_login.value.code == "wrong_code"


def test_a_temporary_password_asks_for_a_new_one_under_the_pools_policy(
    cognito: CognitoIdentity,
) -> None:
    cognito.register("nina", "nina@example.com", ["agent"], "Temp-Pass-123!", temporary=True)

    asked = cognito.login("nina", "Temp-Pass-123!")
    with pytest.raises(ValidationError) as weak:
        cognito.respond("nina", asked, "weak")
    done = cognito.respond("nina", asked, STRONG)

    assert asked.challenge == Challenge.NEW_PASSWORD
    assert weak.value.code == "weak_password"
    assert cognito.verify(done.token).user_id == "nina"
    assert cognito.login("nina", STRONG).token


def test_an_unknown_or_used_session_is_challenge_expired(cognito: CognitoIdentity) -> None:
    cognito.register("nina", "nina@example.com", ["agent"], "Temp-Pass-123!", temporary=True)
    asked = cognito.login("nina", "Temp-Pass-123!")
    cognito.respond("nina", asked, STRONG)

    for step in (
        asked,
        SignInStep(challenge=Challenge.MFA_CODE, session="made-up-session-that-cognito-never-gave"),
    ):
        with pytest.raises(AuthenticationError) as raised:
            cognito.respond("nina", step, "123456")
        assert raised.value.code == "challenge_expired"


def test_totp_turned_off_is_no_longer_asked_for(cognito: CognitoIdentity) -> None:
    secret = enable_totp(cognito, "agent1")
    done = cognito.respond("agent1", cognito.login("agent1", PASSWORD), code(secret))

    cognito.disable_totp(done.access)

    assert cognito.login("agent1", PASSWORD).token


# --- through the login service ---------------------------------------------------


def test_an_admin_without_totp_sets_it_up_before_cognitos_token_is_handed_out(
    svc: Services,
) -> None:
    started = sign_in.login(svc, {"email": "admin", "password": PASSWORD})

    assert (started.challenge, started.token, started.user) == (Challenge.MFA_SETUP, "", None)
    assert started.secret and started.uri.startswith("otpauth://totp/ServIT:admin@example.com?")
    body = {"challenge": "MFA_SETUP", "session": started.session, "code": code(started.secret)}
    done = sign_in.answer(svc, body)
    assert done.user is not None and done.user.id == "admin"
    assert svc.identity.verify(done.token).user_id == "admin"

    again = sign_in.login(svc, {"email": "admin", "password": PASSWORD})
    assert again.challenge == Challenge.MFA_CODE
    body = {"challenge": "SOFTWARE_TOKEN_MFA", "session": again.session}
    assert sign_in.answer(svc, {**body, "code": code(started.secret)}).token


def test_wrong_codes_against_cognito_lock_the_account(
    svc: Services, cognito: CognitoIdentity
) -> None:
    from chalicelib.domain.errors import TooManyRequestsError

    secret = enable_totp(cognito, "agent1")
    started = sign_in.login(svc, {"email": "agent1", "password": PASSWORD})
    body = {"challenge": "SOFTWARE_TOKEN_MFA", "session": started.session}

    for _ in range(login_guard.ACCOUNT_FAILURES - 1):
        with pytest.raises(AuthenticationError):
            sign_in.answer(svc, {**body, "code": "000000"})
    with pytest.raises(TooManyRequestsError):
        sign_in.answer(svc, {**body, "code": code(secret)})


def test_a_new_password_through_the_service_then_a_token(
    svc: Services, cognito: CognitoIdentity
) -> None:
    svc.config.put(directory.USER, "nina", to_record(User("nina", "nina@example.com", "Nina")))
    cognito.register("nina", "nina@example.com", ["agent"], "Temp-Pass-123!", temporary=True)

    started = sign_in.login(svc, {"email": "nina", "password": "Temp-Pass-123!"})
    body = {"challenge": "NEW_PASSWORD_REQUIRED", "session": started.session}
    done = sign_in.answer(svc, {**body, "new_password": STRONG})

    assert started.challenge == Challenge.NEW_PASSWORD and not started.token
    assert done.user is not None and done.user.id == "nina"
