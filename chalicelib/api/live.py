"""Live lists (issue 15): where the browser connects, and the WebSocket API's $connect and
$disconnect in AWS (Chalice makes the API Gateway WebSocket API and one function each;
infra/gen_resources.py wires them). Locally the front door upgrades /live itself
(local/live.py) and calls the same services.

The two WebSocket handlers are registered in app.py: Chalice 1.34 wraps WebSocket handlers
only when they are registered on the app itself (a Blueprint has no ``websocket_api``, so
its handler would get Lambda's raw arguments)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, WebsocketEvent

from chalicelib import bootstrap
from chalicelib.api.routing import Call, endpoint
from chalicelib.domain.errors import AuthenticationError
from chalicelib.services.live import connections

bp = Blueprint(__name__)


@endpoint(bp, "/api/live", ["GET"])
def live(call: Call) -> dict[str, Any]:
    """Where to open the live connection ("" : none; the UI then refreshes by ETag)."""
    return {"url": call.svc.live.url if call.svc.live else ""}


def ws_connect(event: WebsocketEvent) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.to_dict().get("headers") or {}).items()}
    offered = connections.parse_subprotocols(headers.get("sec-websocket-protocol"))
    try:
        connections.connect(bootstrap.services(), event.connection_id, offered)
    except AuthenticationError:
        return {"statusCode": 401}
    # A browser that offered subprotocols closes the socket unless one is chosen.
    return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": connections.SUBPROTOCOL}}


def ws_disconnect(event: WebsocketEvent) -> None:
    connections.disconnect(bootstrap.services(), event.connection_id)
