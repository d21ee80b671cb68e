"""Signed, expiring links for customers (S16 "notify by link").

A token names one ticket, one contact, the contact's addresses when it was mailed
(as a keyed hash) and the ticket's link generation, and an expiry; it is an HMAC over those,
so it cannot be altered, and it says nothing secret if read. The signature only
proves that we issued the token: whether it still opens the ticket (address
still the contact's, generation not revoked, ticket not closed for good) is for
``services/portal`` to decide against the stored state.

Tokens of the first format (ticket, contact and expiry only, bound to no
address) still verify as ours, so that the loop guard recognises them in quoted
mail, but carry ``legacy=True``; the portal refuses them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.domain.errors import AuthenticationError

VERSION = "2"


@dataclass(frozen=True)
class PortalGrant:
    ticket_id: str
    contact_id: str
    expires: datetime
    address_hash: str = ""  # address_hash(the contact's addresses when mailed, secret)
    generation: int = 0  # the ticket's portal_generation when issued
    legacy: bool = False  # a first-format token: bound to no address


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def address_hash(addresses: Iterable[str], secret: bytes) -> str:
    """A keyed hash of the contact's addresses when the link was mailed (the one it went
    to among them): binds a token to them without showing them. Any change to the set,
    an address added, removed or replaced, gives another hash and the link dies."""
    canonical = "\n".join(sorted({a.strip().lower() for a in addresses}))
    digest = hmac.new(secret, b"portal-addresses:" + canonical.encode(), hashlib.sha256)
    return _b64(digest.digest()[:12])


def issue(grant: PortalGrant, secret: bytes) -> str:
    body = "|".join(
        (
            VERSION,
            grant.ticket_id,
            grant.contact_id,
            str(int(grant.expires.timestamp())),
            grant.address_hash,
            str(grant.generation),
        )
    ).encode()
    signature = hmac.new(secret, b"portal:" + body, hashlib.sha256).digest()[:18]
    return f"{_b64(body)}.{_b64(signature)}"


def signature_key(token: str) -> str:
    """A short stable name of a token (for per-link counters), not the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def verify(token: str, secret: bytes, now: datetime) -> PortalGrant:
    """The grant a token carries; AuthenticationError when wrong, altered or expired."""
    try:
        body_part, signature_part = token.split(".")
        body, signature = _unb64(body_part), _unb64(signature_part)
        fields = body.decode().split("|")
        if len(fields) == 3:  # the first format
            ticket_id, contact_id, expires = fields
            address, generation, legacy = "", 0, True
        else:
            version, ticket_id, contact_id, expires, address, gen_text = fields
            if version != VERSION or not address or not gen_text.isdigit():
                raise ValueError("unknown token format")
            generation, legacy = int(gen_text), False
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
    return PortalGrant(ticket_id, contact_id, expiry, address, generation, legacy)
