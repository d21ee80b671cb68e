"""The local stack's live connections: the front door (local/web_proxy.py) upgrades
``GET /live`` to a WebSocket (RFC 6455) here, in the process that also runs the stream
poller, so the poller's notices (services/live/fanout, through LocalLiveHub) reach the
browser at once. In AWS the API Gateway WebSocket API does this; the UI cannot tell them
apart: it asks GET /api/live where to connect and offers the same subprotocols.

Server side of the protocol only, as much as a browser needs: the handshake, unmasked text
frames out, masked frames in (close, ping; anything else is ignored), a ping when the
socket was quiet for PING_SECONDS so a vanished browser is noticed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from chalicelib.adapters.live_memory import LocalLiveHub
from chalicelib.domain.errors import AuthenticationError
from chalicelib.services.context import Services
from chalicelib.services.live import connections

log = logging.getLogger("servit.live")

PATH = "/live"
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
PING_SECONDS = 25.0
MAX_FRAME = 64 * 1024  # the browser sends nothing but close and pong: anything bigger is abuse
OP_TEXT, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x8, 0x9, 0xA


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()  # noqa: S324


def frame(opcode: int, payload: bytes = b"") -> bytes:
    """A final, unmasked frame (servers never mask)."""
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


def is_upgrade(request: BaseHTTPRequestHandler) -> bool:
    path = request.path.split("?", 1)[0]
    return (
        path == PATH
        and request.command == "GET"
        and request.headers.get("Upgrade", "").lower() == "websocket"
    )


class LiveSockets:
    """Upgrades requests to /live and serves each socket on its request's thread."""

    def __init__(self, svc: Services) -> None:
        if svc.live is None or not isinstance(svc.live.pusher, LocalLiveHub):
            raise RuntimeError("the local stack wires live lists with LocalLiveHub (bootstrap)")
        self._svc = svc
        self._hub: LocalLiveHub = svc.live.pusher

    def serve(self, request: BaseHTTPRequestHandler) -> None:
        key = request.headers.get("Sec-WebSocket-Key", "")
        if request.headers.get("Sec-WebSocket-Version") != "13" or len(key) < 16:
            _refuse(request, 400, "bad_request", "a WebSocket version 13 handshake is needed")
            return
        offered = connections.parse_subprotocols(request.headers.get("Sec-WebSocket-Protocol"))
        connection_id = secrets.token_urlsafe(12)
        try:
            connections.connect(self._svc, connection_id, offered)
        except AuthenticationError as error:
            _refuse(request, 401, "unauthenticated", str(error))
            return
        request.close_connection = True
        request.send_response(101, "Switching Protocols")
        request.send_header("Upgrade", "websocket")
        request.send_header("Connection", "Upgrade")
        request.send_header("Sec-WebSocket-Accept", accept_key(key))
        request.send_header("Sec-WebSocket-Protocol", connections.SUBPROTOCOL)
        request.end_headers()
        request.wfile.flush()
        sock: socket.socket = request.connection
        lock = threading.Lock()

        def send(data: bytes, opcode: int = OP_TEXT) -> None:
            with lock:
                sock.sendall(frame(opcode, data))

        self._hub.attach(connection_id, send)
        try:
            _read_until_closed(sock, send)
        except (OSError, ValueError):
            pass  # the browser left or spoke nonsense: the socket is done either way
        finally:
            self._hub.detach(connection_id)
            connections.disconnect(self._svc, connection_id)


def _refuse(request: BaseHTTPRequestHandler, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    request.close_connection = True
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(body)))
    request.send_header("Connection", "close")
    request.end_headers()
    request.wfile.write(body)


class _Reader:
    """Bytes from the socket itself (not the handler's buffered rfile: a timed-out
    SocketIO refuses every later read, and timeouts here are how pings are timed)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = self._sock.recv(4096)
            if not chunk:
                raise ConnectionError("the browser closed the socket")
            self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _read_until_closed(sock: socket.socket, send: Callable[[bytes, int], None]) -> None:
    sock.settimeout(PING_SECONDS)
    reader = _Reader(sock)
    while True:
        try:
            head = reader.read(2)
        except TimeoutError:
            send(b"", OP_PING)  # a vanished browser fails this send (or the next)
            continue
        sock.settimeout(PING_SECONDS)  # the rest of a frame follows at once
        opcode, size = head[0] & 0x0F, head[1] & 0x7F
        if size == 126:
            size = struct.unpack("!H", reader.read(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", reader.read(8))[0]
        if size > MAX_FRAME:
            raise ValueError("frame too large")
        mask = reader.read(4) if head[1] & 0x80 else b""
        payload = bytearray(reader.read(size))
        for i in range(len(payload) if mask else 0):
            payload[i] ^= mask[i % 4]
        if opcode == OP_CLOSE:
            send(bytes(payload[:2]), OP_CLOSE)
            return
        if opcode == OP_PING:
            send(bytes(payload), OP_PONG)
