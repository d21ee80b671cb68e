"""The local stack's front door on SERVIT_PORT: the agent UI's static files from
web/dist, and /api, /portal and /forms passed through to Chalice's local server.

In AWS, CloudFront serves the UI from S3 and API Gateway serves /api; this is
the same split on one port so the browser sees one origin, as it does there
(and so the API sends no CORS headers: see chalicelib/api/routing.py).

Request bodies are read here, strictly, and passed on with a Content-Length:
a Content-Length that is not a number is 400, one above MAX_BODY 413, a
chunked body is de-chunked (what API Gateway does too), any other transfer
coding is 501, and Content-Length with Transfer-Encoding is 400 (a request
that two readers could frame differently). Every answer of the proxy's own,
and every error the backend gives in another shape (Chalice's {"Code",
"Message"}, chalice local's {"message"}), is {"error", "message"} JSON.
"""

from __future__ import annotations

import http.client
import json
import mimetypes
import re
import threading
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from pathlib import Path
from urllib.parse import urlsplit

from local.live import LiveSockets, is_upgrade

PASS_THROUGH = ("/api/", "/portal/", "/forms/", "/webhooks/")  # webhooks: Messenger and X
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "host", "content-length"}  # fmt: skip
# The agent UI: no inline script, nothing from elsewhere; message HTML is shown sandboxed.
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Above what any route takes (a synchronous Lambda's 6 MB): refused before it is read.
MAX_BODY = 16 * 1024 * 1024
MAX_CHUNK_LINE = 1024
MAX_TRAILERS = 64
_DIGITS = re.compile(rb"^[0-9]+$")
_HEX = re.compile(rb"^[0-9A-Fa-f]+$")
NO_UI = b"""<!doctype html><meta charset="utf-8"><title>ServIT</title>
<p>The agent UI is not built. Run <code>make run</code> (it builds web/dist),
or use the API under /api.</p>"""


class BodyError(Exception):
    """A request whose body cannot be framed: answered with ``status`` and closed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": code, "message": message}, ensure_ascii=False).encode()


def _code_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def app_shaped(status: int, headers: dict[str, str], payload: bytes) -> bytes:
    """An error from the backend in the app's shape, whatever shape it came in."""
    if status < 400 or "json" not in headers.get("Content-Type", headers.get("content-type", "")):
        return payload
    try:
        body = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(body, dict) or "error" in body:
        return payload
    message = body.get("Message", body.get("message", ""))
    code = _code_for(status)
    if body.get("Code") == "UnsupportedMediaType":
        code, message = "unsupported_media_type", "send the body as Content-Type: application/json"
    return error_body(code, str(message) or HTTPStatus(status).phrase)


def read_body(headers: Message, rfile: BufferedIOBase) -> bytes | None:
    """The request body, framed by Content-Length or chunked Transfer-Encoding."""
    codings = [c.strip().lower() for v in headers.get_all("Transfer-Encoding") or []
               for c in v.split(",") if c.strip()]  # fmt: skip
    lengths = {n.strip() for v in headers.get_all("Content-Length") or [] for n in v.split(",")}
    if codings:
        if lengths:
            raise BodyError(
                400, "bad_request", "send Content-Length or Transfer-Encoding, not both"
            )
        if codings != ["chunked"]:
            raise BodyError(501, "not_implemented", "only the chunked transfer coding is taken")
        return _dechunk(rfile)
    if not lengths:
        return None
    if len(lengths) > 1 or not all(_DIGITS.match(n.encode()) for n in lengths):
        raise BodyError(400, "bad_request", "Content-Length must be one number of bytes")
    length = int(lengths.pop())
    if length > MAX_BODY:
        raise BodyError(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
    body = rfile.read(length) if length else b""
    if len(body) < length:
        raise BodyError(400, "bad_request", "the body is shorter than its Content-Length")
    return body


def _dechunk(rfile: BufferedIOBase) -> bytes:
    body = bytearray()
    while True:
        line = rfile.readline(MAX_CHUNK_LINE + 1)
        if not line.endswith(b"\n"):
            raise BodyError(400, "bad_request", "a chunk size line is missing or too long")
        size_text = line.split(b";", 1)[0].strip()
        if not _HEX.match(size_text):
            raise BodyError(400, "bad_request", "a chunk size is not a hexadecimal number")
        size = int(size_text, 16)
        if len(body) + size > MAX_BODY:
            raise BodyError(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
        if size == 0:
            break
        chunk = rfile.read(size)
        if len(chunk) < size or rfile.readline(3).rstrip(b"\r\n") != b"":
            raise BodyError(400, "bad_request", "a chunk is shorter than its size")
        body += chunk
    for _ in range(MAX_TRAILERS):  # trailer fields, up to the blank line: not passed on
        trailer = rfile.readline(MAX_CHUNK_LINE + 1)
        if trailer in (b"\r\n", b"\n"):
            return bytes(body)
        if not trailer.endswith(b"\n"):
            break
    raise BodyError(400, "bad_request", "the chunked body does not end with a blank line")


def make_handler(
    backend_port: int, web_root: Path, live: LiveSockets | None = None
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # A client that stops sending mid-request frees its thread after this many seconds.
        timeout = 60

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the API logs its own requests

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """http.server's own refusals (a malformed request line, headers too long, an
            unknown method) as JSON in the app's shape, not HTML."""
            self.close_connection = True
            self._send(code, error_body(_code_for(code), message or HTTPStatus(code).phrase),
                       {"Content-Type": "application/json", "Connection": "close"})  # fmt: skip

        def _fail(self, error: BodyError) -> None:
            # The rest of the body is unread: the connection cannot carry another request.
            self.close_connection = True
            self._send(error.status, error_body(error.code, error.message),
                       {"Content-Type": "application/json", "Connection": "close"})  # fmt: skip

        def _proxy(self) -> None:
            try:
                body = read_body(self.headers, self.rfile)
            except BodyError as error:
                self._fail(error)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            connection = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=120)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except OSError:
                self._send(502, b'{"error": "bad_gateway", "message": "the API is not answering"}',
                           {"Content-Type": "application/json"})  # fmt: skip
                return
            finally:
                connection.close()
            # The backend's Server and Date would repeat our own.
            dropped = HOP_BY_HOP | {"server", "date"}
            passed = {k: v for k, v in response.getheaders() if k.lower() not in dropped}
            self._send(response.status, app_shaped(response.status, passed, payload), passed)

        def _static(self) -> None:
            path = urlsplit(self.path).path
            target = (web_root / path.lstrip("/")).resolve()
            if not target.is_file() or web_root.resolve() not in target.parents:
                target = web_root / "index.html"  # the single-page app routes on its own
            if not target.is_file():
                self._send(200, NO_UI, {"Content-Type": "text/html; charset=utf-8"})
                return
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            cache = (
                "no-cache" if target.name == "index.html" else "public, max-age=31536000, immutable"
            )
            self._send(200, target.read_bytes(), {
                "Content-Type": content_type, "Cache-Control": cache,
                "Content-Security-Policy": UI_CSP, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            })  # fmt: skip

        def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
            if status == 413 or (status >= 400 and self.command not in ("GET", "HEAD")):
                self.close_connection = True  # nothing says the body was all read
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if getattr(self, "command", "") != "HEAD":
                self.wfile.write(payload)

        def _route(self) -> None:
            if live is not None and is_upgrade(self):  # issue 15: live lists (local/live.py)
                live.serve(self)
            elif self.path.startswith(PASS_THROUGH):
                self._proxy()
            elif self.command in ("GET", "HEAD"):
                self._static()
            else:
                self._fail(BodyError(405, "method_not_allowed", "only GET and HEAD outside /api"))

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route  # noqa: N815

    return Handler


def start(
    host: str, port: int, backend_port: int, web_root: Path, live: LiveSockets | None = None
) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(backend_port, web_root, live))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="web-proxy", daemon=True).start()
    return server
