"""Signed, expiring links for customers (S16 "notify by link").

A token names one ticket and one contact and an expiry; it is an HMAC over
those, so it cannot be altered, and it says nothing secret if read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.domain.errors import AuthenticationError


@dataclass(frozen=True)
class PortalGrant:
    ticket_id: str
    contact_id: str
    expires: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(grant: PortalGrant, secret: bytes) -> str:
    body = f"{grant.ticket_id}|{grant.contact_id}|{int(grant.expires.timestamp())}".encode()
    signature = hmac.new(secret, b"portal:" + body, hashlib.sha256).digest()[:18]
    return f"{_b64(body)}.{_b64(signature)}"


def verify(token: str, secret: bytes, now: datetime) -> PortalGrant:
    """The grant a token carries; AuthenticationError when wrong, altered or expired."""
    try:
        body_part, signature_part = token.split(".")
        body, signature = _unb64(body_part), _unb64(signature_part)
        ticket_id, contact_id, expires = body.decode().split("|")
        expiry = datetime.fromtimestamp(int(expires), UTC)
        # Lenient base64 decodes some altered texts to the same bytes: only the exact
        # text we issued is valid.
        if f"{_b64(body)}.{_b64(signature)}" != token:
            raise ValueError("not in canonical form")
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):  # OSError: odd timestamps
        raise AuthenticationError("this link is not valid", code="bad_link") from None
    expected = hmac.new(secret, b"portal:" + body, hashlib.sha256).digest()[:18]
    if not hmac.compare_digest(expected, signature):
        raise AuthenticationError("this link is not valid", code="bad_link")
    if expiry <= now:
        raise AuthenticationError("this link has expired", code="expired_link")
    return PortalGrant(ticket_id, contact_id, expiry)
