"""RFC 2047 encoded words (``=?charset?B?...?=``), decoded leniently.

The stdlib decoder gives up on what mailers really send: spaces inside
Q-words, missing ``?=`` at the end, bad base64 padding, unknown charsets and
multi-byte characters split across two words. This one keeps going and says
what it repaired.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from chalicelib.channels.email.charsets import decode_bytes

# A word may run to the end of the value without "?=" (truncated headers);
# Q text may hold raw spaces (a common encoder bug), but never "?".
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*?)(?:\?=|$)")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class DecodedHeader:
    text: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    charset: str
    payload: bytes
    closed: bool


def decode_encoded_words(value: str) -> DecodedHeader:
    """Replace every encoded word in ``value`` by the text it stands for.

    Whitespace between two encoded words is dropped (RFC 2047 section 6.2);
    neighbouring words in the same charset are joined as bytes before
    decoding, because encoders split multi-byte characters across words.
    """
    if "=?" not in value:
        return DecodedHeader(value)
    words = [_read_word(match) for match in _ENCODED_WORD.finditer(value)]
    if not words:
        return DecodedHeader(value)
    problems: list[str] = []
    out: list[str] = []
    position = 0
    index = 0
    while index < len(words):
        word = words[index]
        out.append(value[position : word.start])
        payload = word.payload
        closed = word.closed
        end = word.end
        index += 1
        while index < len(words) and _adjacent(value, end, words[index], word.charset):
            payload += words[index].payload
            closed = closed and words[index].closed
            end = words[index].end
            index += 1
        decoded = decode_bytes(payload, word.charset, strip_bom=False)
        out.append(decoded.text)
        if decoded.problem:
            problems.append(decoded.problem)
        if not closed:
            problems.append("encoded word without closing '?='")
        position = end
        if index < len(words) and _BETWEEN_WORDS.fullmatch(value, end, words[index].start):
            # Different charsets side by side: still only whitespace between.
            position = words[index].start
    out.append(value[position:])
    return DecodedHeader("".join(out), tuple(problems))


def _adjacent(value: str, end: int, following: _Word, charset: str) -> bool:
    same_charset = following.charset.lower() == charset.lower()
    return same_charset and _BETWEEN_WORDS.fullmatch(value, end, following.start) is not None


def _read_word(match: re.Match[str]) -> _Word:
    charset, encoding, encoded = match.group(1), match.group(2).upper(), match.group(3)
    raw = encoded.encode("utf-8", "surrogateescape")
    payload = _b_decode(raw) if encoding == "B" else _q_decode(raw)
    return _Word(match.start(), match.end(), charset, payload, match.group(0).endswith("?="))


def _b_decode(raw: bytes) -> bytes:
    cleaned = _NOT_BASE64.sub(b"", raw)
    # Missing padding is the usual damage; a lone trailing char carries no byte.
    cleaned = cleaned[: len(cleaned) - len(cleaned) % 4] if len(cleaned) % 4 == 1 else cleaned
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned)
    except (binascii.Error, ValueError):
        return raw


def _q_decode(raw: bytes) -> bytes:
    spaced = raw.replace(b"_", b" ")
    return _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), spaced)
