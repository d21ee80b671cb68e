"""Raw bytes in header fields: which charset they were written in.

RFC 6532 allows raw UTF-8 in headers. Any other raw bytes are a sender's bug
whose charset is said nowhere; the best evidence is what the message declares
elsewhere, because the program that wrote a GB2312 body usually wrote a
GB2312 subject. Not necessarily the first part's charset, though: forwarded
mail starts with a Latin-1 or ASCII wrapper, and single-byte charsets decode
any bytes at all. So every declared charset (and its same-language relatives)
that decodes the bytes cleanly is scored with charset-normalizer's measure of
mess, and only when none reads as text is the detector asked to guess freely.
Whatever was chosen is reported, since it is a guess.

charset-normalizer is imported only here, and only when a header really has
undecodable 8-bit bytes: it costs a Lambda cold start about 0.1 s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from chalicelib.channels.email.charset_labels import ISO2022_JP_MS, codecs_for, siblings_for
from chalicelib.channels.email.charsets import decode_bytes, display_name, try_decode

_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]+)(?:\*[^?\s]*)?\?[QqBb]\?")
# Codecs pointless on 8-bit bytes: 7-bit ones fail anyway, UTF-16/32 "decode"
# any even-length bytes, and UTF-8 was tried first.
_NOT_FOR_8BIT = ("iso2022", "utf_7", "utf_16", "utf_32", "ascii", "hz", "utf_8")
# Seven-bit ISO-2022 codecs for raw escape sequences, Japanese first: it is
# what mailers write raw (RFC 1468 mailers that skipped encoded words).
_ISO2022 = (ISO2022_JP_MS, "iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004", "iso2022_kr")
_MOST_CANDIDATES = 16
# charset-normalizer's own limit: text messier than this is not the charset.
_CLEAN = 0.2
# A Latin letter glued to a CJK, kana or Hangul character: how "für" reads
# when its Latin-1 bytes are taken for GBK ("f黵"). Real text seldom does it.
_GLUED = re.compile(
    r"[A-Za-z\u00c0-\u024f][\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
    r"|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff][A-Za-z\u00c0-\u024f]"
)
_NOT_GUESSES = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7"]


def encoded_word_charsets(value: str) -> list[str]:
    """Charsets named by the RFC 2047 encoded words in a header value."""
    return _ENCODED_WORD_CHARSET.findall(value)


def decode_header_bytes(name: str, data: bytes, declared: Sequence[str]) -> tuple[str, str | None]:
    """Text of a header value's bytes, and a problem note when it was guessed.

    ``declared`` are the charset labels the message names anywhere, in order.
    """
    if data.isascii():
        return _seven_bit(name, data)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    return _eight_bit(name, data, declared)


def _seven_bit(name: str, data: bytes) -> tuple[str, str | None]:
    if b"\x1b" not in data:
        return data.decode("ascii"), None
    for codec in _ISO2022:
        text = try_decode(data, codec)
        if text is not None:
            note = f"raw ISO-2022 text in header {name!r}, decoded as {display_name(codec)}"
            return text, note
    return data.decode("ascii"), None


def _eight_bit(name: str, data: bytes, declared: Sequence[str]) -> tuple[str, str | None]:
    from charset_normalizer.md import mess_ratio

    scored: list[tuple[tuple[float, int, int], str, str]] = []
    for index, codec in enumerate(_candidates(declared)):
        text = try_decode(data, codec)
        if text is None:
            continue
        mess = round(mess_ratio(text, maximum_threshold=1.0), 2)
        if mess < _CLEAN:
            scored.append(((mess, len(_GLUED.findall(text)), index), codec, text))
    prefix = f"raw 8-bit bytes in header {name!r}, decoded as"
    if scored:
        _, codec, text = min(scored)
        return text, f"{prefix} {display_name(codec)}"
    text, codec = _detect(data)
    return text, f"{prefix} {display_name(codec)} (guessed: no declared charset fits)"


def _candidates(declared: Iterable[str]) -> list[str]:
    """8-bit codecs for the declared labels, their relatives, then Windows-1252."""
    found: list[str] = []
    for label in declared:
        family = codecs_for(label)
        for codec in (*family, *siblings_for(family)):
            usable = not codec.replace("-", "_").startswith(_NOT_FOR_8BIT)
            if usable and codec not in found and len(found) < _MOST_CANDIDATES:
                found.append(codec)
    # The old default, and what most raw Latin headers are.
    return [*found, "cp1252"] if "cp1252" not in found else found


def _detect(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_exclusion=_NOT_GUESSES).best()
    if best is not None:
        return str(best), best.encoding
    fallback = decode_bytes(data, "windows-1252", strip_bom=False)
    return fallback.text, fallback.codec
