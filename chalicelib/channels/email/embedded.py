"""Mails inside mails: ``message/rfc822`` parts (forwards, bounces, digests).

The inner mail is kept whole as an ``.eml`` attachment and its text is shown
below a short "Forwarded message" header, the way mail clients show it. Its
own files stay inside the ``.eml``; the header names them so they are found.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.message import Message
from email.parser import BytesParser

from chalicelib.channels.email.headers_in import parse_mailboxes, read_headers
from chalicelib.channels.email.part_payload import clean_filename, transfer_encoding
from chalicelib.channels.message import InboundAttachment

_FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_ONE_LINE = re.compile(r"\s+")


@dataclass(frozen=True)
class EmbeddedMessage:
    message: Message | None
    raw: bytes
    filename: str
    problems: tuple[str, ...] = ()


def embedded_message(part: Message) -> EmbeddedMessage:
    """The mail inside a ``message/*`` part, its bytes and an ``.eml`` name."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return EmbeddedMessage(None, serialise(part), "message.eml")
    problems: tuple[str, ...] = ()
    encoding = transfer_encoding(part)
    if encoding in ("base64", "quoted-printable") and not inner.keys():
        # RFC 2046 forbids encoding message/rfc822, but some clients do; the
        # parser then sees one header-less body of encoded text.
        decoded = _decode_body(str(inner.get_payload()), encoding)
        if decoded is not None:
            # The header-less placeholder's defects describe our misreading,
            # not the mail.
            inner.defects.clear()
            inner = BytesParser(policy=policy.default).parsebytes(decoded)
            problems = (f"message/rfc822 part was {encoding}-encoded",)
    subject = read_headers(inner).text("Subject")[0] or ""
    name = _FILENAME_UNSAFE.sub("_", clean_filename(subject))[:80].strip(" ._")
    return EmbeddedMessage(inner, serialise(inner), f"{name or 'forwarded-message'}.eml", problems)


def forwarded_header(
    inner: Message, files: Sequence[InboundAttachment] = (), unlisted: int = 0
) -> str:
    """The lines mail clients put above a forwarded message's text.

    ``files`` (the inner mail's attachments, which stay inside the kept
    ``.eml``) are named with their sizes; ``unlisted`` more are counted.
    """
    headers = read_headers(inner)
    lines = ["---------- Forwarded message ----------"]
    for label in ("From", "Date", "Subject", "To", "Cc"):
        if label in ("From", "To", "Cc"):
            mailboxes, _ = parse_mailboxes(headers.get_all(label))
            value = ", ".join(f"{m.name} <{m.addr}>" if m.name else m.addr for m in mailboxes)
        else:
            value = headers.text(label)[0] or ""
        if value:
            lines.append(f"{label}: {value}")
    if files or unlisted:
        names = [f"{_ONE_LINE.sub(' ', f.filename)} ({file_size(f.size)})" for f in files]
        if unlisted:
            names.append(f"and {unlisted} more")
        lines.append(f"Attachments: {', '.join(names)}")
    return "\n".join(lines)


def file_size(size: int) -> str:
    """``512 bytes``, ``12 KB``, ``3.4 MB``: as mail clients show sizes."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def serialise(msg: Message) -> bytes:
    """Bytes of a parsed (sub)message, as close to the original as we can.

    ``compat32`` writes stored header values back unchanged instead of
    refolding them; a body the generator cannot write falls back to the
    stored text.
    """
    try:
        return msg.as_bytes(policy=policy.compat32.clone(max_line_length=0))
    except (MessageError, LookupError, UnicodeError, ValueError, TypeError, AttributeError):
        body = msg.get_payload()
        text = body if isinstance(body, str) else ""
        head = "".join(f"{k}: {v}\n" for k, v in msg.raw_items())
        return (head + "\n" + text).encode("utf-8", "surrogateescape")


def _decode_body(text: str, encoding: str) -> bytes | None:
    data = text.encode("ascii", "ignore")
    try:
        return base64.b64decode(data) if encoding == "base64" else quopri.decodestring(data)
    except (binascii.Error, ValueError):
        return None
