"""The content of one MIME leaf part: its bytes, its text, its file name.

Transfer encodings are undone by the stdlib, except where the header lies:
a body labelled base64 that is plainly not base64 is read as it stands, not
turned into noise.
"""

from __future__ import annotations

import mimetypes
import re
from email.message import Message

from chalicelib.channels.email.charsets import DecodedText, decode_bytes
from chalicelib.channels.email.headers_in import raw_header
from chalicelib.channels.email.mime_params import param

_KNOWN_ENCODINGS = frozenset(
    {"", "7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode"}
    | {"x-uue", "uue"}
)
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/=\s]*")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")
_EXTENSIONS = {"text/plain": ".txt", "image/jpeg": ".jpg", "message/rfc822": ".eml"}


def transfer_encoding(part: Message) -> str:
    return (raw_header(part, "Content-Transfer-Encoding") or "").strip().lower()


def payload_bytes(part: Message) -> tuple[bytes, tuple[str, ...]]:
    """The decoded body of a leaf part, and what was wrong with its encoding."""
    encoding = transfer_encoding(part)
    # get_payload() would re-decode 8-bit text by the charset and lose the
    # bytes; the stored value keeps them as surrogate escapes.
    payload = vars(part).get("_payload")
    if not isinstance(payload, str):
        return b"", ()
    problems: list[str] = []
    if encoding == "base64" and not _BASE64_TEXT.fullmatch(payload):
        problems.append("Content-Transfer-Encoding says base64 but the body is not base64")
        return payload.encode("utf-8", "surrogateescape"), tuple(problems)
    if encoding not in _KNOWN_ENCODINGS:
        problems.append(f"unknown Content-Transfer-Encoding {encoding!r}, body read as 8bit")
    decoded = part.get_payload(decode=True)
    if not isinstance(decoded, bytes):
        return payload.encode("utf-8", "surrogateescape"), tuple(problems)
    return decoded, tuple(problems)


def part_text(part: Message, data: bytes) -> DecodedText:
    """``data`` decoded by the part's charset parameter (or guessed)."""
    charset = param(part, "charset")
    return decode_bytes(data, charset.text if charset else None)


def declared_filename(part: Message) -> str:
    """The name the sender gave, reduced to its last path component."""
    for header, name in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        found = param(part, name, header)
        if found and found.text.strip():
            return clean_filename(found.text)
    return ""


def clean_filename(name: str) -> str:
    # Old clients send whole Windows paths; the name is all we want, and a
    # path must never reach a file system or a Content-Disposition again.
    base = re.split(r"[\\/]", name)[-1]
    return _UNSAFE_NAME.sub("", base).strip()


def generated_filename(content_type: str, number: int) -> str:
    extension = _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"
    return f"attachment-{number}{extension}"


def content_id(part: Message) -> str | None:
    value = raw_header(part, "Content-ID")
    if not value:
        return None
    return re.sub(r"\s+", "", value).strip("<>") or None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
