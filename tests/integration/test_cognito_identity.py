"""The Cognito identity adapter under moto: the same login and token checks as in AWS."""

from __future__ import annotations

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
from chalicelib.domain.errors import AuthenticationError

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
    token = cognito.login("agent1", "Very-Secret-1")
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
    claims = cognito.verify(cognito.login("agent1", "Very-Secret-1"))
    assert claims.roles == ("admin",)


def test_a_token_for_another_app_client_is_refused(cognito: CognitoIdentity) -> None:
    cognito.register("agent1", "agent1@example.com", ["agent"], "Very-Secret-1")
    token = cognito.login("agent1", "Very-Secret-1")
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
    header, payload, signature = cognito.login("agent1", "Very-Secret-1").split(".")
    forged = f"{header}.{payload[:-4]}AAAA.{signature}"
    with pytest.raises(AuthenticationError):
        cognito.verify(forged)
