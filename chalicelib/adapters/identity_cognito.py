"""Cognito user pool as the identity provider in AWS.

Login uses USER_PASSWORD_AUTH and answers Cognito's challenges with
RespondToAuthChallenge (a TOTP code, a new password); TOTP is set up and turned off with
the user's own access token (AssociateSoftwareToken, VerifySoftwareToken,
SetUserMFAPreference). None of these calls needs an IAM permission: Cognito authorises
them by the password, the challenge session or the access token. Tokens are verified in
our own code against the pool's JWKS, fetched once per container and again when a token
names a key we do not have (Cognito rotated its keys) — at most once a minute, so junk
tokens cannot make us hammer Cognito. Roles are Cognito groups, kept in step with the user record;
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
    ValidationError,
)
from chalicelib.domain.passwords import RULES
from chalicelib.services.ports import Challenge, Claims, IdentityProvider, SignInStep

ROLE_GROUPS = ("admin", "dispatcher", "agent")
REFETCH_INTERVAL = 60.0  # seconds between JWKS fetches prompted by an unknown key id
ANSWERED = {Challenge.MFA_CODE: "SOFTWARE_TOKEN_MFA_CODE", Challenge.NEW_PASSWORD: "NEW_PASSWORD"}

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

    def login(self, email: str, password: str) -> SignInStep:
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
            raise _busy() from None
        return self._step(result)

    def respond(self, email: str, step: SignInStep, answer: str) -> SignInStep:
        if step.challenge not in ANSWERED:
            raise AuthenticationError(
                f"no such challenge: {step.challenge}", code="challenge_expired"
            )
        errors = self._client.exceptions
        try:
            result = self._client.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName=step.challenge,
                Session=step.session,
                ChallengeResponses={
                    "USERNAME": step.user_id or email,
                    ANSWERED[step.challenge]: answer,
                },
            )
        except errors.CodeMismatchException:
            raise _wrong_code() from None
        except errors.InvalidPasswordException:
            raise ValidationError(f"the new password needs {RULES}", code="weak_password") from None
        except (
            errors.NotAuthorizedException,  # "Invalid session for the user" (expired, used)
            errors.ExpiredCodeException,
            errors.ResourceNotFoundException,
        ):
            raise _expired() from None
        except errors.TooManyRequestsException:
            raise _busy() from None
        return self._step(result)

    def _step(self, result: dict[str, Any]) -> SignInStep:
        tokens = result.get("AuthenticationResult") or {}
        if tokens.get("IdToken"):
            token = str(tokens["IdToken"])
            user_id = self.verify(token).user_id
            return SignInStep(
                user_id=user_id, token=token, access=str(tokens.get("AccessToken", ""))
            )
        challenge = result.get("ChallengeName", "")
        if challenge not in ANSWERED:
            # MFA_SETUP comes only from a pool whose MFA is ON; ours is OPTIONAL and sets
            # TOTP up after the password (services/sign_in.py). SMS and others: not enabled.
            logger.warning("unexpected Cognito challenge", extra={"challenge": challenge})
            raise AuthenticationError("this login needs a step ServIT does not offer")
        parameters = result.get("ChallengeParameters") or {}
        user_id = parameters.get("USER_ID_FOR_SRP") or parameters.get("USERNAME") or ""
        return SignInStep(user_id=str(user_id), challenge=challenge, session=str(result["Session"]))

    def begin_totp(self, access: str) -> str:
        errors = self._client.exceptions
        try:
            result = self._client.associate_software_token(AccessToken=access)
        except errors.NotAuthorizedException:
            raise _expired() from None
        return str(result["SecretCode"])

    def confirm_totp(self, access: str, code: str) -> None:
        errors = self._client.exceptions
        try:
            result = self._client.verify_software_token(
                AccessToken=access, UserCode=code, FriendlyDeviceName="ServIT"
            )
        except (errors.CodeMismatchException, errors.EnableSoftwareTokenMFAException):
            raise _wrong_code() from None
        except errors.NotAuthorizedException:
            raise _expired() from None
        if result.get("Status") != "SUCCESS":
            raise _wrong_code()
        self._set_totp(access, enabled=True)

    def disable_totp(self, access: str) -> None:
        self._set_totp(access, enabled=False)

    def _set_totp(self, access: str, *, enabled: bool) -> None:
        try:
            self._client.set_user_mfa_preference(
                AccessToken=access,
                SoftwareTokenMfaSettings={"Enabled": enabled, "PreferredMfa": enabled},
            )
        except self._client.exceptions.NotAuthorizedException:
            raise _expired() from None

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

    def register(
        self,
        user_id: str,
        email: str,
        roles: list[str],
        password: str | None,
        *,
        temporary: bool = False,
    ) -> None:
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
                UserPoolId=self.user_pool_id,
                Username=user_id,
                Password=password,
                Permanent=not temporary,  # temporary: NEW_PASSWORD_REQUIRED at the next login
            )
        for group in ROLE_GROUPS:
            call = (
                self._client.admin_add_user_to_group
                if group in roles
                else self._client.admin_remove_user_from_group
            )
            call(UserPoolId=self.user_pool_id, Username=user_id, GroupName=group)


def _busy() -> TooManyRequestsError:
    error = TooManyRequestsError("too many logins just now; try again shortly")
    error.retry_after = 5
    return error


def _wrong_code() -> AuthenticationError:
    return AuthenticationError("the code is not right; try the one now shown", code="wrong_code")


def _expired() -> AuthenticationError:
    return AuthenticationError("this login has ended; start again", code="challenge_expired")
