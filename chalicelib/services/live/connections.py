"""A browser opens or closes its live connection.

The browser sends the REST API's own token (as the WebSocket subprotocol ``bearer.<token>``
beside ``servit``: a browser cannot set headers on a WebSocket, and a query parameter would
land in access logs). It is verified as every request's is (``auth.actor_from_token``: the
signature, the user active, the session not ended); the connection is kept under the user's
audiences as the user record says now.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import AuthenticationError
from chalicelib.services import auth
from chalicelib.services.context import Services
from chalicelib.services.live import audience
from chalicelib.services.live.ports import LiveChannel, LiveConnection

logger = Logger(service="servit-live")

SUBPROTOCOL = "servit"  # what the server answers; the token travels beside it
TOKEN_PREFIX = "bearer."  # noqa: S105 (a prefix, not a secret)


def token_from_subprotocols(offered: Iterable[str]) -> str:
    for value in offered:
        value = value.strip()
        if value.startswith(TOKEN_PREFIX) and len(value) > len(TOKEN_PREFIX):
            return value[len(TOKEN_PREFIX) :]
    raise AuthenticationError("log in first: offer the subprotocols servit and bearer.<token>")


def parse_subprotocols(header: str | None) -> list[str]:
    return [p.strip() for p in (header or "").split(",") if p.strip()]


def connect(svc: Services, connection_id: str, offered: Iterable[str]) -> LiveConnection:
    """Keep the connection under its user's audiences; AuthenticationError refuses it."""
    channel = _channel(svc)
    user = auth.actor_from_token(svc, token_from_subprotocols(offered))
    connection = LiveConnection(
        connection_id=connection_id,
        user_id=user.id,
        audiences=audience.of_user(user.id, [str(r) for r in user.roles], user.groups),
        connected_at=int(svc.clock().timestamp()),
    )
    channel.connections.add(connection)
    logger.info("live connected", extra={"user_id": user.id, "connection_id": connection_id})
    return connection


def disconnect(svc: Services, connection_id: str) -> None:
    _channel(svc).connections.remove(connection_id)


def _channel(svc: Services) -> LiveChannel:
    channel: LiveChannel | None = getattr(svc, "live", None)
    if channel is None:
        raise RuntimeError("live lists are not wired (bootstrap)")
    return channel
