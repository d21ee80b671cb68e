"""Logins between their steps, kept server-side (Lookups) and sealed.

The client holds only a random handle (the ``session`` of a challenge answer). The Lookups
key is a hash of the handle, and the record is sealed (AES-GCM) under a key derived from
it: whoever reads the table sees neither whose login an item is nor the tokens inside (an
admin who must still set up TOTP has Cognito tokens already, and they must not reach the
client before the set-up is done); whoever holds a handle has nothing without the table.
A record is good for ``TTL`` and for one answer: each answer gets a new handle.

The Lookups table has no TTL: a used or abandoned record stays as a small tombstone or as
sealed bytes nobody can open once the handle is gone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass, fields

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.domain.errors import AuthenticationError
from chalicelib.services.context import Services

PREFIX = "sign-in:"
TTL = 600  # seconds: time enough to find the phone and scan a code; Cognito's own is 3-15 min
USED = ""


@dataclass
class Pending:
    """Where a login (or a profile's TOTP set-up) stands, and what it holds until done."""

    email: str
    challenge: str  # the ports.Challenge the client must answer next
    purpose: str = "login"  # login | enable (the profile turns TOTP on)
    user_id: str = ""
    session: str = ""  # the identity provider's session for ``challenge``
    token: str = ""  # the provider is done, we are not (MFA set-up): the id token to hand out
    access: str = ""  # ... and what the TOTP set-up calls need
    mfa_met: bool = False  # a TOTP code was checked on the way here
    expires_at: int = 0  # epoch seconds


def save(svc: Services, pending: Pending) -> str:
    """Store ``pending`` for TTL seconds; the handle the client gets for it."""
    handle = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    pending.expires_at = int(svc.clock().timestamp()) + TTL
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(handle, "seal")).encrypt(
        nonce, json.dumps(asdict(pending)).encode(), None
    )
    svc.lookups.put(_key(handle), base64.b64encode(nonce + sealed).decode())
    return handle


def load(svc: Services, handle: str, challenge: str) -> Pending:
    """The pending login for ``handle`` if it is open, unexpired and at ``challenge``."""
    stored = svc.lookups.get(_key(handle)) if 20 <= len(handle) <= 100 else None
    pending = _open(handle, stored) if stored else None
    if (
        pending is None
        or pending.challenge != challenge
        or pending.expires_at <= svc.clock().timestamp()
    ):
        raise AuthenticationError("this login has ended; start again", code="challenge_expired")
    return pending


def drop(svc: Services, handle: str) -> None:
    """Used: the handle opens nothing from now (Lookups has no delete; the item is emptied)."""
    svc.lookups.put(_key(handle), USED)


def _open(handle: str, stored: str) -> Pending | None:
    try:
        raw = base64.b64decode(stored)
        data = json.loads(AESGCM(_derive(handle, "seal")).decrypt(raw[:12], raw[12:], None))
        names = {f.name for f in fields(Pending)}
        return Pending(**{k: v for k, v in data.items() if k in names})
    except (ValueError, InvalidTag, TypeError):
        return None


def _key(handle: str) -> str:
    return PREFIX + _derive(handle, "key").hex()[:40]


def _derive(handle: str, purpose: str) -> bytes:
    return hmac.new(handle.encode(), f"servit-sign-in:{purpose}".encode(), hashlib.sha256).digest()
