"""A robot answering our automatic mail from ever new addresses and subjects.

Robots without robot headers (no Auto-Submitted, no Precedence) that answer every
acknowledgement from ``bot+1@…``, ``bot+2@…`` with a new subject are not caught by
threading or by a per-address cap. What gives them away is that they quote us: a
new mail (one that threads to no ticket) carrying one of our signed tokens — the
reply address of an acknowledgement, or a portal link we sent — is our own
automatic mail coming back. It is filed, but treated as automatic: never answered.

A person who replies to our mail threads to the ticket and is not judged here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from chalicelib.channels.message import InboundMessage
from chalicelib.domain import portal_token
from chalicelib.domain.errors import AuthenticationError
from chalicelib.domain.reply_address import ticket_number_from_address

LOOP_REASON = "quotes our automatic mail (loop guard)"
_REPLY_TOKEN = re.compile(r"[^\s<>\"'()\[\],;:@]+\+t\d{1,12}\.[0-9a-f]{12}@[^\s<>\"'()\[\],;]+")
_PORTAL_LINK = re.compile(r"/portal/t/([A-Za-z0-9_\-.]{20,600})")
_SCANNED_CHARS = 200_000  # quotes sit near the top; a huge body is not scanned whole


def quotes_our_automatic_mail(msg: InboundMessage, secret: bytes) -> bool:
    """Does the text carry a reply token or portal link that we signed?"""
    text = f"{msg.text[:_SCANNED_CHARS]}\n{msg.html_raw[:_SCANNED_CHARS]}"
    for match in _REPLY_TOKEN.finditer(text):
        if ticket_number_from_address(match.group(0), secret) is not None:
            return True
    for match in _PORTAL_LINK.finditer(text):
        if _our_portal_token(match.group(1).rstrip("."), secret):
            return True
    return False


def as_automatic(msg: InboundMessage) -> InboundMessage:
    return replace(msg, auto_reply=True, auto_reply_reasons=(*msg.auto_reply_reasons, LOOP_REASON))


def _our_portal_token(token: str, secret: bytes) -> bool:
    # Expiry does not matter here: a signature of ours is enough to know the origin.
    try:
        portal_token.verify(token, secret, datetime(2000, 1, 1, tzinfo=UTC))
    except AuthenticationError:
        return False
    return True
