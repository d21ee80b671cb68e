"""The local front door (local/web_proxy.py) over raw sockets (issue 10, finding 5): bodies it
cannot frame are 400, never a hang or a dropped connection; a chunked body reaches the API
whole; and every error, Chalice's own included, is {"error", "message"} JSON."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Stack

LOGIN = b'{"email": "agent1@example.com", "password": "demo"}'


def exchange(stack: Stack, request: bytes) -> tuple[int, dict[str, str], Any]:
    """Send ``request`` as it is; the status, headers and JSON body of the answer."""
    address = urlsplit(stack.url)
    with socket.create_connection((address.hostname, address.port), timeout=15) as conn:
        conn.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = conn.recv(65536)
            assert chunk, f"the proxy closed the connection without an answer: {received!r}"
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])
        }
        length = int(headers["content-length"])
        while len(body) < length:
            chunk = conn.recv(65536)
            assert chunk, "the answer stopped short of its Content-Length"
            body += chunk
    return int(lines[0].split()[1]), headers, json.loads(body[:length])


def post(path: str, headers: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}\r\n".encode()
        + body
    )


def is_app_error(headers: dict[str, str], body: Any) -> bool:
    return "application/json" in headers["content-type"] and set(body) == {"error", "message"}


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "5, 6"])
def test_a_content_length_that_is_not_a_number_is_400(stack: Stack, length: str) -> None:
    request = post(
        "/api/auth/login",
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n",
        LOGIN,
    )
    status, headers, body = exchange(stack, request)
    assert status == 400 and is_app_error(headers, body), body


def test_a_chunked_login_logs_in(stack: Stack) -> None:
    chunked = (
        b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (LOGIN[:10], LOGIN[10:]))
        + b"0\r\n\r\n"
    )
    request = post(
        "/api/auth/login",
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
        chunked,
    )
    status, _, body = exchange(stack, request)
    assert status == 200, body
    assert body["token"]


def test_a_broken_chunked_body_is_400(stack: Stack) -> None:
    request = post(
        "/api/auth/login",
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
        b"zz\r\n{}\r\n0\r\n\r\n",
    )
    status, headers, body = exchange(stack, request)
    assert status == 400 and is_app_error(headers, body), body


def test_a_wrong_content_type_is_415_in_the_apps_shape(stack: Stack) -> None:
    request = post(
        "/api/auth/login",
        f"Content-Type: text/plain\r\nContent-Length: {len(LOGIN)}\r\n",
        LOGIN,
    )
    status, headers, body = exchange(stack, request)
    assert status == 415 and is_app_error(headers, body), body
    assert body["error"] == "unsupported_media_type"


def test_a_login_from_a_foreign_origin_gets_no_cors_header(stack: Stack) -> None:
    request = post(
        "/api/auth/login",
        "Content-Type: application/json\r\nOrigin: https://evil.example\r\n"
        f"Content-Length: {len(LOGIN)}\r\n",
        LOGIN,
    )
    status, headers, _ = exchange(stack, request)
    assert status == 200
    assert "access-control-allow-origin" not in headers
