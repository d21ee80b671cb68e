"""The Cognito identity adapter under moto: the same login and token checks as in AWS."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto
import pytest
from moto import mock_aws

from chalicelib.adapters.identity_cognito import ROLE_GROUPS, CognitoIdentity
from chalicelib.api.errors import status_for
from chalicelib.domain.errors import AuthenticationError, UnavailableError

REGION = "eu-north-1"


def moto_jwks() -> dict[str, Any]:
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-public.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


@pytest.fixture
def cognito() -> Iterator[CognitoIdentity]:
    with mock_aws():
        client = boto3.client("cognito-idp", region_name=REGION)
        pool = client.create_user_pool(PoolName="servit", AliasAttributes=["email"])["UserPool"][
            "Id"
        ]
        app_client = client.create_user_pool_client(
            UserPoolId=pool,
            ClientName="web",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for group in ROLE_GROUPS:
            client.create_group(UserPoolId=pool, GroupName=group)
        yield CognitoIdentity(
            client, user_pool_id=pool, client_id=app_client, region=REGION, jwks=moto_jwks()
        )


def test_a_registered_user_logs_in_and_the_token_names_them_and_their_roles(
    cognito: CognitoIdentity,
) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent", "dispatcher"], "Very-Secret-1")
    token = cognito.login("agent1", "Very-Secret-1").token
    claims = cognito.verify(token)
    assert claims.user_id == "agent1"
    assert sorted(claims.roles) == ["agent", "dispatcher"]


def test_a_wrong_password_is_refused(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    with pytest.raises(AuthenticationError):
        cognito.login("agent1", "wrong")


def test_an_unknown_user_is_refused(cognito: CognitoIdentity) -> None:
    with pytest.raises(AuthenticationError):
        cognito.login("nobody", "whatever-1")


def test_changing_roles_moves_the_user_between_groups(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    cognito.register("agent1", "agent1@example.com", ["admin"], None)
    claims = cognito.verify(cognito.login("agent1", "Very-Secret-1").token)
    assert claims.roles == ("admin",)


def test_a_token_for_another_app_client_is_refused(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    token = cognito.login("agent1", "Very-Secret-1").token
    other = CognitoIdentity(
        cognito._client,
        user_pool_id=cognito.user_pool_id,
        client_id="another-client",
        region=REGION,
        jwks=moto_jwks(),
    )
    with pytest.raises(AuthenticationError):
        other.verify(token)


def test_a_tampered_token_is_refused(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    header, payload, signature = cognito.login("agent1", "Very-Secret-1").token.split(".")
    forged = f"{header}.{payload[:-4]}AAAA.{signature}"
    with pytest.raises(AuthenticationError):
        cognito.verify(forged)


class _Keys:
    """A JWKS endpoint whose answer the test controls, counting the fetches."""

    def __init__(self, *answers: dict[str, Any] | Exception) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, url: str) -> dict[str, Any]:
        assert url.endswith("/.well-known/jwks.json")
        self.calls += 1
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _with_kid(token: str, kid: str) -> str:
    """The token with its header naming another key (the signature no longer matters)."""
    head, *rest = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=="))
    encoded = base64.urlsafe_b64encode(json.dumps({**header, "kid": kid}).encode())
    return ".".join([encoded.rstrip(b"=").decode(), *rest])


def _identity(cognito: CognitoIdentity, keys: _Keys, clock: _Clock, **kw: Any) -> CognitoIdentity:
    return CognitoIdentity(
        cognito._client, user_pool_id=cognito.user_pool_id, client_id=cognito.client_id,
        region=REGION, fetch=keys, clock=clock, **kw,
    )  # fmt: skip


def test_rotated_keys_are_fetched_again_when_a_token_names_a_new_key(
    cognito: CognitoIdentity,
) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    token = cognito.login("agent1", "Very-Secret-1").token
    old = {"keys": [{**moto_jwks()["keys"][0], "kid": "retired-key"}]}
    keys, clock = _Keys(moto_jwks()), _Clock()
    identity = _identity(cognito, keys, clock, jwks=old)  # cached before Cognito rotated

    assert identity.verify(token).user_id == "agent1"
    assert keys.calls == 1
    identity.verify(token)  # the new key is cached now
    assert keys.calls == 1


def test_unknown_key_ids_refetch_at_most_once_a_minute(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    token = cognito.login("agent1", "Very-Secret-1").token
    junk = _with_kid(token, "made-up")
    keys, clock = _Keys(moto_jwks()), _Clock()
    identity = _identity(cognito, keys, clock)

    for _ in range(20):
        with pytest.raises(AuthenticationError, match="unknown key"):
            identity.verify(junk)
    assert keys.calls == 1  # the first fetch; the flood did not refetch
    clock.now += 61
    with pytest.raises(AuthenticationError):
        identity.verify(junk)
    assert keys.calls == 2


def test_an_unreachable_jwks_is_a_503_not_a_crash(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    token = cognito.login("agent1", "Very-Secret-1").token
    keys, clock = _Keys(OSError("connection reset"), moto_jwks()), _Clock()
    identity = _identity(cognito, keys, clock)

    with pytest.raises(UnavailableError) as raised:
        identity.verify(token)
    assert status_for(raised.value) == 503
    assert identity.verify(token).user_id == "agent1"  # the next request fetches again


def test_a_failed_refetch_keeps_the_keys_we_had(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    token = cognito.login("agent1", "Very-Secret-1").token
    keys, clock = _Keys(moto_jwks(), ValueError("not a JWKS document")), _Clock()
    identity = _identity(cognito, keys, clock)
    identity.verify(token)
    clock.now += 120
    with pytest.raises(AuthenticationError):
        identity.verify(_with_kid(token, "rotated"))
    assert keys.calls == 2
    assert identity.verify(token).user_id == "agent1"  # still verifies with the old keys


# --- issue 10: sessions end (findings 2 and 4) -----------------------------------


def test_cognito_id_tokens_carry_the_token_id_and_issue_time_we_check(
    cognito: CognitoIdentity,
) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    claims = cognito.verify(cognito.login("agent1", "Very-Secret-1").token)
    assert claims.token_id and claims.issued_at > 0 and claims.expires_at > claims.issued_at


def test_sign_out_everywhere_ends_the_users_refresh_tokens_at_cognito(
    cognito: CognitoIdentity,
) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    client = cognito._client
    refresh = client.initiate_auth(
        ClientId=cognito.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "agent1", "PASSWORD": "Very-Secret-1"},
    )["AuthenticationResult"]["RefreshToken"]

    cognito.sign_out_everywhere("agent1")
    cognito.sign_out_everywhere("nobody")  # no login, no session: nothing to do

    with pytest.raises(client.exceptions.NotAuthorizedException):
        client.initiate_auth(
            ClientId=cognito.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh},
        )


def test_with_cognito_our_own_checks_end_sessions_and_roles_come_from_the_record(
    cognito: CognitoIdentity,
) -> None:
    """Cognito keeps honouring an id token until it expires; our checks refuse it at once."""
    from datetime import timedelta

    from chalicelib.domain.organisation import Role, User
    from chalicelib.domain.records import to_record
    from chalicelib.services import auth, directory
    from tests.support import FrozenClock, fake_services, logged_in

    clock = FrozenClock()
    svc = fake_services(clock)
    svc.identity = cognito
    # This test is about sessions, not MFA: the admin logs in with a password alone.
    svc.config.put(directory.SETTINGS, "global", {"admins_require_mfa": False})
    users = [
        User("admin", "admin@example.com", "Ada", roles=["admin"]),  # type: ignore[list-item]
        User("disp", "disp@example.com", "Dag", roles=["dispatcher"]),  # type: ignore[list-item]
    ]
    for user in users:
        svc.config.put(directory.USER, user.id, to_record(user))
        cognito.register(user.id, user.email, [r.value for r in user.roles], "Very-Secret-1")
    cognito.register("disp", "disp@example.com", ["agent"], None)  # the pool lags behind
    body = {"email": "disp", "password": "Very-Secret-1"}

    token, user = logged_in(svc, body, ip="192.0.2.1")
    assert user.roles == [Role.DISPATCHER]  # the record's role, not the pool's group
    other, _ = logged_in(svc, body, ip="192.0.2.1")
    auth.logout(svc, token)
    with pytest.raises(AuthenticationError):
        auth.actor_from_token(svc, token)
    assert auth.actor_from_token(svc, other).id == "disp"

    clock.now += timedelta(seconds=1)  # past the tokens' "iat" (Cognito's: the real time)
    _, admin = logged_in(svc, {**body, "email": "admin"}, ip="192.0.2.1")
    auth.sign_out_everywhere(svc, admin, "disp")
    with pytest.raises(AuthenticationError):
        auth.actor_from_token(svc, other)


def test_cognitos_own_rate_limit_is_a_429_not_a_500(
    cognito: CognitoIdentity, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain.errors import TooManyRequestsError

    error = cognito._client.exceptions.TooManyRequestsException(
        {"Error": {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}}, "InitiateAuth"
    )

    def throttled(**_: Any) -> None:
        raise error

    monkeypatch.setattr(cognito._client, "initiate_auth", throttled)
    with pytest.raises(TooManyRequestsError) as raised:
        cognito.login("agent1", "Very-Secret-1")
    assert status_for(raised.value) == 429 and raised.value.retry_after == 5
