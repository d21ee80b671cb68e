"""Cognito user pool as the identity provider in AWS.

Login uses USER_PASSWORD_AUTH; tokens are verified in our own code against
the pool's JWKS, fetched once per container and again when a token names a key we
do not have (Cognito rotated its keys) — at most once a minute, so junk tokens cannot
make us hammer Cognito. Roles are Cognito groups, kept in step with the user record;
the record's roles are the ones a request acts with (services/auth.py).
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import jwt
from aws_lambda_powertools import Logger

from chalicelib.adapters.jwt_verify import verify_jwt
from chalicelib.domain.errors import (
    AuthenticationError,
    TooManyRequestsError,
    UnavailableError,
)
from chalicelib.services.ports import Claims, IdentityProvider

ROLE_GROUPS = ("admin", "dispatcher", "agent")
REFETCH_INTERVAL = 60.0  # seconds between JWKS fetches prompted by an unknown key id

logger = Logger(service="servit-auth")


def fetch_jwks(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 (https, from config)
        data = json.loads(resp.read())
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError("not a JWKS document")
    return data


class CognitoIdentity(IdentityProvider):
    def __init__(self, client: Any, *, user_pool_id: str, client_id: str, region: str,
                 jwks: dict[str, Any] | None = None,
                 fetch: Callable[[str], dict[str, Any]] = fetch_jwks,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self._client = client
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self._jwks = jwks
        self._fetch = fetch
        self._clock = clock
        self._fetched_at: float | None = None  # keys given here may be refreshed at once

    def _refresh(self) -> None:
        url = f"{self.issuer}/.well-known/jwks.json"  # always https, built from config
        self._fetched_at = self._clock()
        try:
            self._jwks = self._fetch(url)
        except (OSError, ValueError) as error:
            logger.warning("JWKS fetch failed", extra={"url": url, "error": str(error)})
            if self._jwks is None:
                raise UnavailableError(
                    "the sign-in service could not be reached; try again shortly"
                ) from None

    def _keys(self, kid: object) -> dict[str, Any]:
        if self._jwks is None:
            self._refresh()
        elif kid not in {k.get("kid") for k in self._jwks.get("keys", [])}:
            last = self._fetched_at
            if last is None or self._clock() - last >= REFETCH_INTERVAL:
                self._refresh()
        assert self._jwks is not None
        return self._jwks

    def login(self, email: str, password: str) -> str:
        errors = self._client.exceptions
        try:
            result = self._client.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except (errors.NotAuthorizedException, errors.UserNotFoundException):
            raise AuthenticationError("wrong e-mail address or password") from None
        except errors.TooManyRequestsException:  # Cognito's own rate limit, not a 500
            error = TooManyRequestsError("too many logins just now; try again shortly")
            error.retry_after = 5
            raise error from None
        token = result.get("AuthenticationResult", {}).get("IdToken")
        if not token:
            raise AuthenticationError("the login needs a further step (e.g. a new password)")
        return str(token)

    def verify(self, token: str) -> Claims:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise AuthenticationError("the token is not a JWT") from None
        return verify_jwt(token, self._keys(kid), issuer=self.issuer, audience=self.client_id)

    def sign_out_everywhere(self, user_id: str) -> None:
        """AdminUserGlobalSignOut: the user's refresh tokens stop working in Cognito.

        The id tokens already out stay valid to Cognito until they expire; our own check
        (the user's ``signed_out_before``) refuses them at once."""
        # A user with no login has no session at Cognito either.
        with contextlib.suppress(self._client.exceptions.UserNotFoundException):
            self._client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=user_id)

    def register(self, user_id: str, email: str, roles: list[str], password: str | None) -> None:
        errors = self._client.exceptions
        try:
            self._client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=user_id,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
        except errors.UsernameExistsException:
            self._client.admin_update_user_attributes(
                UserPoolId=self.user_pool_id,
                Username=user_id,
                UserAttributes=[{"Name": "email", "Value": email}],
            )
        if password:
            self._client.admin_set_user_password(
                UserPoolId=self.user_pool_id, Username=user_id, Password=password, Permanent=True
            )
        for group in ROLE_GROUPS:
            call = (
                self._client.admin_add_user_to_group
                if group in roles
                else self._client.admin_remove_user_from_group
            )
            call(UserPoolId=self.user_pool_id, Username=user_id, GroupName=group)
