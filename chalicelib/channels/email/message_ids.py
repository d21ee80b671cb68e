"""Message-IDs in the one form threading compares: ``local@domain``.

Mailers differ in what they put around an id (angle brackets, folding
whitespace, comments, several ids run together without spaces); threading
must see the same string for the same id wherever it appears.
"""

from __future__ import annotations

import re

_BRACKETED = re.compile(r"<([^<>]*)>")
_WHITESPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"\([^()]*\)")


def normalise_message_id(value: str) -> str:
    """``<Local@Example.COM>`` → ``Local@example.com``; no brackets, no blanks.

    The local part keeps its case (it is case-sensitive per RFC 5322); the
    domain is lower-cased because some relays rewrite its case.
    """
    bare = _WHITESPACE.sub("", value).strip("<>")
    local, at, domain = bare.rpartition("@")
    if not at:
        return bare
    return f"{local}@{domain.lower()}"


def message_ids(value: str | None) -> tuple[str, ...]:
    """All Message-IDs in a header value (Message-ID, In-Reply-To, References).

    Order is kept and duplicates are dropped. Ids without angle brackets are
    accepted when they look like ``x@y``.
    """
    if not value:
        return ()
    found = [m for m in _BRACKETED.findall(value) if m.strip()]
    if not found:
        without_comments = _COMMENT.sub(" ", value)
        found = [t for t in re.split(r"[\s,;]+", without_comments) if "@" in t]
    ids = (normalise_message_id(m) for m in found)
    return tuple(dict.fromkeys(i for i in ids if i))
