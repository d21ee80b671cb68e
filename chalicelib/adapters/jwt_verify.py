"""JWT verification in our own code, against a JWKS (Cognito's or the local signer's).

API Gateway's Cognito authorizer is not enforced by ``chalice local``, so we
verify every token ourselves: signature, expiry, audience, issuer.
"""

from __future__ import annotations

import json
from typing import Any

import jwt

from chalicelib.domain.errors import AuthenticationError
from chalicelib.services.ports import Claims

ALGORITHMS = ["RS256"]


def verify_jwt(token: str, jwks: dict[str, Any], *, issuer: str, audience: str) -> Claims:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AuthenticationError("the token is not a JWT") from None
    key_data = next((k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")), None)
    if key_data is None:
        raise AuthenticationError("the token is signed by an unknown key")
    key = jwt.PyJWK.from_json(json.dumps(key_data))
    try:
        payload = jwt.decode(
            token,
            key.key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iss", "aud"]},
            leeway=30,  # seconds of clock skew between the token's issuer and us
        )
    except jwt.ExpiredSignatureError:
        raise AuthenticationError("the session has expired; log in again", code="expired") from None
    except jwt.PyJWTError as error:
        raise AuthenticationError(f"the token is not valid: {error}") from None
    if payload.get("token_use") not in (None, "id"):
        raise AuthenticationError("an id token is needed")
    user_id = payload.get("cognito:username") or payload.get("sub")
    if not isinstance(user_id, str):
        raise AuthenticationError("the token names no user")
    groups = payload.get("cognito:groups") or []
    return Claims(
        user_id=user_id,
        email=str(payload.get("email", "")),
        roles=tuple(groups),
        token_id=str(payload.get("jti") or ""),
        issued_at=_seconds(payload.get("iat")),
        expires_at=_seconds(payload.get("exp")),
    )


def _seconds(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0
