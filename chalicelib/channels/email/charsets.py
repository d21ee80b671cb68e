"""Decode bytes by the charset label a mail claims, surviving labels that lie.

Which codecs a label stands for is ``charset_labels``' business. Here they
are tried in order; when none fits, UTF-8, the label's same-language
relatives (Shift_JIS for "iso-2022-jp") and Windows-1252 are tried, and a
problem string says what happened. Decoding never fails. ISO-2022-JP is read
the way Microsoft writes it (``iso2022jp_ms``) before Python's strict codecs.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.channels.email import iso2022jp_ms
from chalicelib.channels.email.charset_labels import (
    ISO2022_JP_MS,
    UNLABELLED,
    codecs_for,
    is_known_label,
    normalise_label,
    siblings_for,
)

__all__ = [
    "DecodedText",
    "codecs_for",
    "decode_bytes",
    "display_name",
    "is_known_label",
    "normalise_label",
    "try_decode",
]

# Single-byte charsets: a run of valid multi-byte UTF-8 in text labelled with
# one of these is almost never real text in that charset, so UTF-8 wins.
_SINGLE_BYTE_PREFIXES = ("cp125", "cp874", "latin", "iso8859", "koi8", "mac_", "ascii")


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes, and what went wrong on the way (if anything)."""

    text: str
    codec: str
    problem: str | None = None


def decode_bytes(data: bytes, label: str | None, *, strip_bom: bool = True) -> DecodedText:
    """Decode ``data`` as ``label`` says, or by the fallback chain when it lies.

    Never raises. ``problem`` is set when the label was unknown or wrong. A
    leading U+FEFF is dropped as a byte-order mark unless ``strip_bom`` is
    false (inside a header it is text).
    """
    decoded = _decode(data, normalise_label(label))
    if strip_bom and decoded.text.startswith("\ufeff"):
        return DecodedText(decoded.text[1:], decoded.codec, decoded.problem)
    return decoded


def try_decode(data: bytes, codec: str) -> str | None:
    """``data`` strictly decoded by ``codec`` (ours included), or ``None``."""
    try:
        if codec == ISO2022_JP_MS:
            return iso2022jp_ms.decode(data)
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode(data: bytes, name: str) -> DecodedText:
    family = codecs_for(name)
    if family and _looks_like_mislabelled_utf8(data, family[0]):
        return DecodedText(data.decode("utf-8"), "utf-8", _lied(name, "utf-8"))
    for codec in family:
        text = try_decode(data, codec)
        if text is not None:
            return DecodedText(text, codec)
    if family[:1] == (ISO2022_JP_MS,) and data.isascii():
        # 7-bit: UTF-8 would "succeed" and show the escape codes as text.
        text = iso2022jp_ms.decode(data, "replace")
        return DecodedText(text, ISO2022_JP_MS, f"charset {name!r}: unreadable characters replaced")
    for codec in ("utf-8", *siblings_for(family), "cp1252"):
        text = None if codec in family else try_decode(data, codec)
        if text is None:
            continue
        if not family and (data.isascii() or name in UNLABELLED):
            # No label (or "unknown-8bit") and a clean guess: nothing lied.
            return DecodedText(text, codec)
        return DecodedText(text, codec, _complaint(name, family, codec))
    return DecodedText(data.decode("latin-1"), "latin-1", _complaint(name, family, "latin-1"))


def _looks_like_mislabelled_utf8(data: bytes, first_codec: str) -> bool:
    if data.isascii() or not first_codec.startswith(_SINGLE_BYTE_PREFIXES):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lied(label: str, codec: str) -> str:
    return f"charset label {label!r} lied, decoded as {display_name(codec)}"


def _complaint(label: str, family: tuple[str, ...], codec: str) -> str:
    if family:
        return _lied(label, codec)
    if label in UNLABELLED:
        return f"no usable charset label, decoded as {display_name(codec)}"
    return f"unknown charset label {label!r}, decoded as {display_name(codec)}"


def display_name(codec: str) -> str:
    """The name people know a codec by, for problem strings."""
    if codec.startswith("cp125"):
        return f"windows-{codec[2:]}"
    return _DISPLAY_NAMES.get(codec, codec)


_DISPLAY_NAMES = {
    "koi8_r": "koi8-r",
    "gb18030": "gb18030 (gbk)",
    ISO2022_JP_MS: "iso-2022-jp",
    "cp932": "shift_jis (cp932)",
    "euc_jp": "euc-jp",
    "cp949": "euc-kr (cp949)",
}
