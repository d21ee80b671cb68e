"""Health, login and the caller's own profile."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import user_json
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import auth

bp = Blueprint(__name__)


@endpoint(bp, "/api/health", ["GET"], auth=False)
def health(call: Call) -> dict[str, Any]:
    return {"status": "ok"}


@endpoint(bp, "/api/auth/login", ["POST"], auth=False)
def login(call: Call) -> dict[str, Any]:
    token, user = auth.login(call.svc, call.body())
    return {"token": token, "user": user_json(user)}


@endpoint(bp, "/api/me", ["GET"])
def me(call: Call) -> dict[str, Any]:
    return user_json(call.actor)


@endpoint(bp, "/api/me", ["PATCH"])
def update_me(call: Call) -> dict[str, Any]:
    user = auth.update_me(call.svc, call.actor, call.body())
    user.roles = call.actor.roles
    return user_json(user)
