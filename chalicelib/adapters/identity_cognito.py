"""Cognito user pool as the identity provider in AWS.

Login uses USER_PASSWORD_AUTH; tokens are verified in our own code against
the pool's JWKS (fetched once per container). Roles are Cognito groups.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from chalicelib.adapters.jwt_verify import verify_jwt
from chalicelib.domain.errors import AuthenticationError
from chalicelib.services.ports import Claims, IdentityProvider

ROLE_GROUPS = ("admin", "dispatcher", "agent")


class CognitoIdentity(IdentityProvider):
    def __init__(self, client: Any, *, user_pool_id: str, client_id: str, region: str,
                 jwks: dict[str, Any] | None = None) -> None:  # fmt: skip
        self._client = client
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self._jwks = jwks

    def _keys(self) -> dict[str, Any]:
        if self._jwks is None:
            url = f"{self.issuer}/.well-known/jwks.json"  # always https, built from config
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310
                self._jwks = json.loads(resp.read())
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
        token = result.get("AuthenticationResult", {}).get("IdToken")
        if not token:
            raise AuthenticationError("the login needs a further step (e.g. a new password)")
        return str(token)

    def verify(self, token: str) -> Claims:
        return verify_jwt(token, self._keys(), issuer=self.issuer, audience=self.client_id)

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
