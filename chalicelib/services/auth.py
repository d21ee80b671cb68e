"""Log in, and turn a verified token into the acting user."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import AuthenticationError, NotFoundError
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record
from chalicelib.services import directory, inputs
from chalicelib.services.context import Services


def login(svc: Services, body: Any) -> tuple[str, User]:
    data = inputs.require_object(body)
    email = (inputs.text(data, "email", max_len=254, required=True) or "").strip().lower()
    password = inputs.text(data, "password", max_len=256, required=True) or ""
    token = svc.identity.login(email, password)
    return token, actor_from_token(svc, token)


def actor_from_token(svc: Services, token: str) -> User:
    """The user a bearer token speaks for; roles come from the token's groups."""
    claims = svc.identity.verify(token)
    try:
        user = directory.user(svc, claims.user_id)
    except NotFoundError:
        raise AuthenticationError("the token's user does not exist") from None
    if not user.active:
        raise AuthenticationError("this user is deactivated")
    user.roles = [Role(r) for r in claims.roles if r in Role._value2member_map_]
    return user


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
