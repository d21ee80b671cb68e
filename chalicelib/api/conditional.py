"""Conditional GET (issue 15): the fallback of live lists when the WebSocket is down.

The ETag is a digest of the JSON answer (weak: the same data, not necessarily the same
bytes through every proxy). An If-None-Match naming it gets 304 and no body, so a list
refreshed while nothing changed costs its Query but no transfer and no redraw; the UI
refreshes this way at a modest pace with jitter only while its live socket is down
(web/src/live/). ``Cache-Control: private, no-cache``: a browser may keep the answer but
must ask before using it; no shared cache keeps it (it is one user's view)."""

from __future__ import annotations

import hashlib

from chalice.app import Response

JSON = "application/json; charset=utf-8"
CACHE = "private, no-cache"


def tag(body: str) -> str:
    return 'W/"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def matches(header: str | None, etag: str) -> bool:
    """If-None-Match: a list of tags, or *; weak comparison (RFC 9110 13.1.2)."""
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def answer(body: str, headers: dict[str, str], status: int = 200) -> Response:
    etag = tag(body)
    if status == 200 and matches(headers.get("if-none-match"), etag):
        return Response(body="", status_code=304, headers={"ETag": etag, "Cache-Control": CACHE})
    return Response(
        body=body,
        status_code=status,
        headers={"Content-Type": JSON, "ETag": etag, "Cache-Control": CACHE},
    )
