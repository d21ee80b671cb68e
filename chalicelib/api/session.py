"""Health, login (with its challenges) and the caller's own profile (with TOTP)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import notification_json, signed_in_json, user_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import auth, inputs, mfa, notifications, sign_in

bp = Blueprint(__name__)


@endpoint(bp, "/api/health", ["GET"], auth=False)
def health(call: Call) -> dict[str, Any]:
    return {"status": "ok"}


@endpoint(bp, "/api/auth/login", ["POST"], auth=False)
def login(call: Call) -> dict[str, Any]:
    """The token and user, or a challenge to answer at /api/auth/challenge first."""
    return signed_in_json(sign_in.login(call.svc, call.body(), ip=_client_ip()))


@endpoint(bp, "/api/auth/challenge", ["POST"], auth=False)
def challenge(call: Call) -> dict[str, Any]:
    return signed_in_json(sign_in.answer(call.svc, call.body(), ip=_client_ip()))


@endpoint(bp, "/api/auth/logout", ["POST"])
def logout(call: Call) -> dict[str, Any]:
    """This token stops working at once (the UI then drops it)."""
    _, _, token = call.headers.get("authorization", "").partition(" ")
    auth.logout(call.svc, token.strip())
    return {"logged_out": True}


def _client_ip() -> str:
    """The caller's address as API Gateway saw it (chalice local: 127.0.0.1).

    Never X-Forwarded-For: the client writes that header itself."""
    context = bp.current_request.context or {}
    identity = context.get("identity") or {}
    return str(identity.get("sourceIp") or "")


@endpoint(bp, "/api/me", ["GET"])
def me(call: Call) -> dict[str, Any]:
    return user_json(call.actor)


@endpoint(bp, "/api/me", ["PATCH"])
def update_me(call: Call) -> dict[str, Any]:
    user = auth.update_me(call.svc, call.actor, call.body())
    user.roles = call.actor.roles
    return user_json(user)


@endpoint(bp, "/api/me/mfa", ["GET"])
def my_mfa(call: Call) -> dict[str, Any]:
    return mfa.status(call.svc, call.actor)


@endpoint(bp, "/api/me/mfa/setup", ["POST"])
def begin_mfa(call: Call) -> dict[str, Any]:
    """Password -> the TOTP secret and a session for confirming the app's first code."""
    return mfa.begin(call.svc, call.actor, call.body(), ip=_client_ip())


@endpoint(bp, "/api/me/mfa/confirm", ["POST"])
def confirm_mfa(call: Call) -> dict[str, Any]:
    return mfa.confirm(call.svc, call.actor, call.body(), ip=_client_ip())


@endpoint(bp, "/api/me/mfa/disable", ["POST"])
def disable_mfa(call: Call) -> dict[str, Any]:
    return mfa.disable(call.svc, call.actor, call.body(), ip=_client_ip())


@endpoint(bp, "/api/me/notifications", ["GET"])
def my_notifications(call: Call) -> dict[str, Any]:
    page, unread = notifications.my_notifications(
        call.svc,
        call.actor,
        unread_only=call.query.get("unread") in ("1", "true"),
        limit=inputs.limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    return {
        "items": [notification_json(n) for n in page.items],
        "cursor": page.cursor,
        "unread": unread,
    }


@endpoint(bp, "/api/me/notifications/count", ["GET"], etag=True)
def notification_badge(call: Call) -> dict[str, Any]:
    return {"unread": notifications.unread_count(call.svc, call.actor)}


@endpoint(bp, "/api/me/notifications/read", ["POST"])
def mark_read(call: Call) -> dict[str, Any]:
    return {"marked": notifications.mark_read(call.svc, call.actor, call.body())}
