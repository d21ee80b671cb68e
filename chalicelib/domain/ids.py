"""ULIDs: sortable by creation time, unique without coordination.

Monotonic within a process: two ids made in the same millisecond (a change
and its events, or a frozen clock) still sort in the order they were made.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_RANDOM_BITS = 80
_lock = threading.Lock()
_last = (-1, 0)  # (millis, random part) of the previous id


def new_ulid(at: datetime) -> str:
    """A 26-character ULID whose first 10 characters encode ``at`` in ms."""
    global _last
    millis = int(at.timestamp() * 1000)
    with _lock:
        last_millis, last_random = _last
        if millis == last_millis and last_random + 1 < (1 << _RANDOM_BITS):
            random_part = last_random + 1
        else:
            # Leave headroom so increments within one millisecond never overflow.
            random_part = int.from_bytes(os.urandom(10), "big") >> 1
        _last = (millis, random_part)
    return _encode((millis << _RANDOM_BITS) | random_part)


def _encode(value: int) -> str:
    """128 bits as 26 Crockford base-32 characters, most significant first."""
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def stable_ulid(at: datetime, seed: str) -> str:
    """A ULID-shaped id that sorts by ``at`` and is the same every time for ``seed``:
    work done again (a redelivered stream record) names the same thing twice, not two."""
    import hashlib

    millis = int(at.timestamp() * 1000)
    random_part = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:10], "big")
    return _encode((millis << _RANDOM_BITS) | random_part)
