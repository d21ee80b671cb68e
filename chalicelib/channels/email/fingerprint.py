"""What makes two deliveries *the same mail*: a digest of its content.

Message-IDs are not unique in the wild: trackers and monitors send one notice per
change under one id, scripts reuse a fixed one, a copy is re-sent with another From.
So a mail counts as delivered again only when its id **and** this digest match.

The digest covers the fields the author wrote (From, To, Cc, Date, Subject, the
Message-ID and threading headers, the MIME type) and the body bytes. It leaves out
the transport headers relays and SES add on the way (Received, Return-Path,
X-SES-*, DKIM/ARC signatures, Authentication-Results, Delivered-To …), which differ
between two deliveries of one mail; an allow-list rather than a deny-list, because
relays keep inventing new trace headers. Line ends and trailing blanks are
normalised, as relays rewrite those too.
"""

from __future__ import annotations

import hashlib
import re

_AUTHORED = (
    *("from", "sender", "reply-to", "to", "cc", "date", "subject", "message-id"),
    *("in-reply-to", "references", "content-type", "content-transfer-encoding"),
)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:(.*)$")
_TRAILING_BLANKS = re.compile(rb"[ \t]+(?=\r?\n|$)")
_BLANKS = re.compile(rb"\s+")


def content_digest(raw: bytes) -> str:
    """Hex digest of the authored content of ``raw`` (32 characters)."""
    end = _HEADER_END.search(raw)
    head, body = (raw[: end.start()], raw[end.end() :]) if end else (raw, b"")
    digest = hashlib.sha256()
    for name, value in sorted(_authored_fields(head)):
        digest.update(name + b":" + value + b"\n")
    digest.update(b"\n")
    normalised = _TRAILING_BLANKS.sub(b"", body.replace(b"\r\n", b"\n")).rstrip(b"\n")
    digest.update(normalised)
    return digest.hexdigest()[:32]


def _authored_fields(head: bytes) -> list[tuple[bytes, bytes]]:
    fields: list[tuple[bytes, bytes]] = []
    for line in re.split(rb"\r?\n(?![ \t])", head):
        match = _FIELD.match(line)
        if match is None:
            continue
        name = match.group(1).lower()
        if name.decode("ascii", "replace") in _AUTHORED:
            # Unfolded and with runs of blanks squeezed: relays refold long headers.
            fields.append((name, _BLANKS.sub(b" ", match.group(2)).strip()))
    return fields
