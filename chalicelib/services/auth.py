"""Turn a verified token into the acting user; log out (login itself: sign_in.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.errors import AuthenticationError, NotFoundError
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record
from chalicelib.services import directory, inputs
from chalicelib.services.context import Services
from chalicelib.services.ports import Claims
from chalicelib.services.visibility import require_role

# On the user record (Config): tokens issued at or before this epoch second are refused.
SIGNED_OUT_BEFORE = "signed_out_before"
REVOKED = "revoked-token:"  # Lookups key prefix + the token's jti -> its expiry (ISO)


def actor_from_token(svc: Services, token: str) -> User:
    """The user a bearer token speaks for, as the user record says now.

    Roles and groups come from the user record (cached per container, dropped at once on
    this container's writes), never from the token: a demotion holds from the next
    request. A token is refused if its user is deactivated, if it was issued at or before
    the user's ``signed_out_before`` (admin: sign out everywhere), or if it was revoked
    (logout): one strongly consistent Lookups read per request."""
    return _session(svc, token)[1]


def _session(svc: Services, token: str) -> tuple[Claims, User]:
    claims = svc.identity.verify(token)
    record = svc.config.get(directory.USER, claims.user_id)
    if record is None:
        raise AuthenticationError("the token's user does not exist")
    user = from_record(User, record)
    if not user.active:
        raise AuthenticationError("this user is deactivated")
    signed_out = record.get(SIGNED_OUT_BEFORE)
    if isinstance(signed_out, int | float) and claims.issued_at <= signed_out:
        raise AuthenticationError("this session has ended; log in again", code="signed_out")
    if claims.token_id and svc.lookups.get(REVOKED + claims.token_id) is not None:
        raise AuthenticationError("this session has ended; log in again", code="signed_out")
    return claims, user


def logout(svc: Services, token: str) -> None:
    """End this token's session: its jti goes on the revocation list (Lookups).

    A token without a jti (none of ours lacks one) ends all the user's sessions instead."""
    claims, user = _session(svc, token)
    if not claims.token_id:
        _sign_out(svc, user.id)
        return
    expires = datetime.fromtimestamp(claims.expires_at, UTC).isoformat()
    svc.lookups.put(REVOKED + claims.token_id, expires)


def sign_out_everywhere(svc: Services, actor: User, user_id: str) -> dict[str, Any]:
    """Admin: every token the user holds stops working now; a new login works."""
    require_role(actor, Role.ADMIN)
    try:
        directory.user(svc, user_id)
    except NotFoundError:
        raise NotFoundError(f"no user {user_id!r}") from None
    at = _sign_out(svc, user_id)
    svc.identity.sign_out_everywhere(user_id)
    return {"user_id": user_id, SIGNED_OUT_BEFORE: datetime.fromtimestamp(at, UTC).isoformat()}


def _sign_out(svc: Services, user_id: str) -> int:
    at = int(svc.clock().timestamp())
    record = svc.config.get(directory.USER, user_id) or {}
    svc.config.put(directory.USER, user_id, {**record, SIGNED_OUT_BEFORE: at})
    return at


def update_me(svc: Services, actor: User, body: Any) -> User:
    """A user's own preferences: language and view (S15, S18), notifications (S16)."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"language", "view", "notify", "notify_email"})
    record = svc.config.get(directory.USER, actor.id) or {}
    changes: dict[str, Any] = {k: v for k, v in data.items() if v is not None}
    updated = {**record, **changes}
    user = from_record(User, updated)
    svc.config.put(directory.USER, actor.id, updated)
    return user
