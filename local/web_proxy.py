"""The local stack's front door on SERVIT_PORT: the agent UI's static files from
web/dist, and /api and /portal passed through to Chalice's local server.

In AWS, CloudFront serves the UI from S3 and API Gateway serves /api; this is
the same split on one port so the browser sees one origin, as it does there.
"""

from __future__ import annotations

import http.client
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PASS_THROUGH = ("/api/", "/portal/")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "host", "content-length"}  # fmt: skip
# The agent UI: no inline script, nothing from elsewhere; message HTML is shown sandboxed.
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
NO_UI = b"""<!doctype html><meta charset="utf-8"><title>ServIT</title>
<p>The agent UI is not built. Run <code>make run</code> (it builds web/dist),
or use the API under /api.</p>"""


def make_handler(backend_port: int, web_root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the API logs its own requests

        def _proxy(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
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
            passed = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
            self._send(response.status, payload, passed)

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
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _route(self) -> None:
            if self.path.startswith(PASS_THROUGH):
                self._proxy()
            elif self.command in ("GET", "HEAD"):
                self._static()
            else:
                self._send(405, b"", {})

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route  # noqa: N815

    return Handler


def start(host: str, port: int, backend_port: int, web_root: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(backend_port, web_root))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="web-proxy", daemon=True).start()
    return server
