"""Header values of a received mail, read without trusting them.

Values are taken raw from the parsed message (the stdlib's structured header
objects raise or mangle on broken input), unfolded, and 8-bit bytes decoded
(UTF-8 per RFC 6532, else the cleanest of the charsets the message declares,
else a detector's guess: ``header_bytes``); raw ISO-2022-JP escapes are read too.
Encoded words are decoded per field, after address structure is read, so a
comma inside a display name cannot split an address.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from chalicelib.channels.email.encoded_words import decode_encoded_words
from chalicelib.channels.email.header_bytes import decode_header_bytes
from chalicelib.channels.email.senders import salvage

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_STRAY_BREAK = re.compile(r"[\r\n]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Mailbox:
    """One address from an address header: lower-cased address, decoded name."""

    addr: str
    name: str = ""


@dataclass(frozen=True)
class HeaderBlock:
    """The header fields in order, as unfolded text with encoded words intact."""

    fields: tuple[tuple[str, str], ...]
    problems: tuple[str, ...] = ()

    def get_all(self, name: str) -> tuple[str, ...]:
        wanted = name.lower()
        return tuple(value for key, value in self.fields if key.lower() == wanted)

    def get(self, name: str) -> str | None:
        values = self.get_all(name)
        return values[0] if values else None

    def has(self, name: str) -> bool:
        return bool(self.get_all(name))

    def text(self, name: str) -> tuple[str | None, tuple[str, ...]]:
        """An unstructured field (Subject, Comments) with encoded words decoded."""
        raw = self.get(name)
        if raw is None:
            return None, ()
        decoded = decode_encoded_words(raw)
        return _clean_text(decoded.text), decoded.problems


def read_headers(msg: Message, declared: Sequence[str] = ()) -> HeaderBlock:
    """Every header field of ``msg``, unfolded and decoded to ``str``.

    ``declared``: the charsets the message names anywhere, in order; raw 8-bit
    header bytes are most likely in one of them.
    """
    fields: list[tuple[str, str]] = []
    problems: list[str] = []
    for name, value in msg.raw_items():
        text, problem = _decode_raw(name, str(value), declared)
        fields.append((name.strip(), text))
        if problem:
            problems.append(problem)
    return HeaderBlock(tuple(fields), tuple(problems))


def raw_header(msg: Message, name: str) -> str | None:
    """The first ``name`` field of ``msg``, unfolded, without structured parsing."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.strip().lower() == wanted:
            return _decode_raw(key, str(value), ())[0]
    return None


def parse_mailboxes(values: tuple[str, ...]) -> tuple[tuple[Mailbox, ...], tuple[str, ...]]:
    """Addresses in the given address-header values, with their display names.

    Forms RFC 5322 allows are kept as given; broken ones are salvaged
    (``senders.salvage``): a customer is never refused for the form of an address.
    """
    mailboxes: list[Mailbox] = []
    problems: list[str] = []
    for name, addr in getaddresses(list(values)):
        found = salvage(addr) if "@" in addr else None
        if found is None:
            continue
        decoded = decode_encoded_words(name or found.rest)
        problems.extend(decoded.problems)
        if found.rest and not name:
            problems.append(f"malformed address {addr[:200]!r} read as {found.addr}")
        mailboxes.append(Mailbox(found.addr, _clean_text(decoded.text)))
    if not mailboxes:
        # Unparseable structure: fall back to anything shaped like an address.
        for value in values:
            for part in re.split(r"[,;]", value):
                if (found := salvage(part)) is not None:
                    mailboxes.append(Mailbox(found.addr, _clean_text(found.rest)))
    return tuple(dict.fromkeys(mailboxes)), tuple(problems)


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime; a zone-less date (``-0000``) is read as UTC."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed


def _decode_raw(name: str, value: str, declared: Sequence[str]) -> tuple[str, str | None]:
    unfolded = _STRAY_BREAK.sub("", _FOLD.sub("", value))
    # The parser keeps 8-bit bytes as surrogate escapes; turn them back into
    # bytes and decode them properly.
    data = unfolded.encode("utf-8", "surrogateescape")
    if data.isascii() and b"\x1b" not in data:
        return unfolded, None
    return decode_header_bytes(name.strip(), data, declared)


def _clean_text(text: str) -> str:
    return _CONTROL.sub("", text).strip()
