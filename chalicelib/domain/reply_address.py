"""Signed reply addresses (threading rule 1, S5).

Our outgoing mail carries ``Reply-To: <local>+t<number>.<sig>@<domain>``; a
reply to it names the ticket, and the signature stops anyone from steering
mail into a ticket by guessing numbers. Lower-case hex, because some mail
systems lower-case local parts.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_TOKEN = re.compile(r"^t(\d{1,12})\.([0-9a-f]{12})$")


def _signature(number: int, secret: bytes) -> str:
    return hmac.new(secret, f"reply:{number}".encode(), hashlib.sha256).hexdigest()[:12]


def reply_token(number: int, secret: bytes) -> str:
    return f"t{number}.{_signature(number, secret)}"


def reply_address(base_address: str, number: int, secret: bytes) -> str:
    local, _, domain = base_address.partition("@")
    return f"{local}+{reply_token(number, secret)}@{domain}"


def ticket_number_from_address(address: str, secret: bytes) -> int | None:
    """The ticket number a reply address names, if its signature is right."""
    local = address.strip().lower().rpartition("@")[0]
    # The token is the last plus tag: the response point's own address may have one too.
    _, plus, token = local.rpartition("+")
    match = _TOKEN.match(token) if plus else None
    if match is None:
        return None
    number = int(match.group(1))
    if not hmac.compare_digest(_signature(number, secret), match.group(2)):
        return None
    return number
