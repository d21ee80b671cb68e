"""Decode bytes by the charset label a mail claims, surviving labels that lie.

Real mail carries labels Python does not know (``ks_c_5601-1987``,
``x-mac-cyrillic``), labels naming a subset of what was really used
(``gb2312`` for GBK text, ``iso-8859-1`` for Windows-1252 quotes) and labels
that are simply wrong. Decoding never fails: when the label does not fit, a
fallback chain is tried and a problem string says what happened.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Label (lower case) -> codecs to try in order. Every codec in a family is
# what senders mean by that label, so succeeding with any is not a problem.
# Supersets come first where they decode the subset identically.
_FAMILIES: dict[str, tuple[str, ...]] = {}


def _family(codecs_to_try: tuple[str, ...], *labels: str) -> None:
    for label in labels:
        _FAMILIES[label] = codecs_to_try


_family(("utf-8",), "utf-8", "utf8", "unicode-1-1-utf-8", "unicode-2-0-utf-8", "x-unicode20utf8")
_family(("ascii",), "ascii", "us-ascii", "ansi_x3.4-1968", "iso646-us", "us", "csascii", "cp367")
# Browsers read latin-1 labels as Windows-1252; mail clients send it that way
# (curly quotes in 0x80-0x9F). Latin-1 catches the five bytes cp1252 lacks.
_family(
    ("cp1252", "latin-1"),
    *("iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819"),
    *("ibm819", "iso-ir-100", "csisolatin1", "iso_8859-1:1987", "windows-1252", "cp1252"),
    "x-cp1252",
)
_family(("iso8859_15",), "iso-8859-15", "iso8859-15", "iso_8859-15", "latin-9", "latin9", "l9")
_family(
    ("gb18030",),
    *("gb2312", "iso-gb2312", "gb_2312-80", "csgb2312", "x-gbk", "gbk", "cp936"),
    *("euc-cn", "x-euc-cn", "chinese", "gb18030", "ms936", "windows-936"),
)
_family(("big5hkscs", "cp950"), "big5", "big-5", "cn-big5", "csbig5", "x-x-big5", "big5-hkscs")
_family(
    ("cp949",),
    *("ks_c_5601-1987", "ks_c_5601", "ks_c_5601-1989", "ksc5601", "ksc_5601", "korean"),
    *("euc-kr", "cseuckr", "windows-949", "cp949", "x-windows-949", "iso-ir-149"),
)
_family(
    ("cp932", "shift_jis_2004"),
    *("shift_jis", "shift-jis", "x-sjis", "sjis", "ms_kanji", "csshiftjis"),
    *("windows-31j", "cp932", "x-ms-cp932", "x-mac-japanese"),
)
_family(("euc_jp", "euc_jis_2004"), "euc-jp", "x-euc-jp", "eucjp", "cseucpkdfmtjapanese")
_family(
    ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004"),
    *("iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3"),
)
_family(("utf-7",), "utf-7", "unicode-1-1-utf-7", "x-unicode-2-0-utf-7", "csunicode11utf7")
_family(("iso8859_8",), "iso-8859-8", "iso-8859-8-i", "iso-8859-8-e", "logical", "visual")
_family(("iso8859_6",), "iso-8859-6", "iso-8859-6-i", "iso-8859-6-e")
_family(("cp874",), "windows-874", "tis-620", "iso-8859-11", "x-windows-874", "dos-874")
_family(("koi8_r",), "koi8-r", "koi8r", "cskoi8r", "koi", "koi8")
_family(("koi8_u",), "koi8-u", "koi8-ru")
_family(("cp1251",), "windows-1251", "x-cp1251", "cp1251")
_family(("mac_roman",), "x-mac-roman", "macintosh", "mac", "csmacintosh", "x-mac")
_family(("mac_cyrillic",), "x-mac-cyrillic", "x-mac-ukrainian")
_family(("mac_latin2",), "x-mac-ce", "x-mac-centraleurroman")
_family(("mac_greek",), "x-mac-greek")
_family(("mac_turkish",), "x-mac-turkish")
_family(("mac_iceland",), "x-mac-icelandic")
_family(("big5hkscs", "cp950"), "x-mac-chinesetrad")
_family(("gb18030",), "x-mac-chinesesimp")
_family(("cp949",), "x-mac-korean")
_family(("utf-16",), "utf-16", "unicode", "ucs-2", "iso-10646-ucs-2", "csunicode")
_family(("utf-16-le",), "utf-16le")
_family(("utf-16-be",), "utf-16be")

# Labels that mean "the sender did not know"; worth a guess, not a complaint.
_UNLABELLED = frozenset({"", "unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"})

# Python codecs that are not charsets; a label naming them must not run them.
_NOT_CHARSETS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)

# Single-byte charsets: a run of valid multi-byte UTF-8 in text labelled with
# one of these is almost never real text in that charset, so UTF-8 wins.
_SINGLE_BYTE_PREFIXES = ("cp125", "cp874", "latin", "iso8859", "koi8", "mac_", "ascii")

_FALLBACKS = ("utf-8", "cp1252")


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes, and what went wrong on the way (if anything)."""

    text: str
    codec: str
    problem: str | None = None


def normalise_label(label: str | None) -> str:
    """The label as compared: lower case, without quotes, blanks or language."""
    if not label:
        return ""
    # Broken quoting leaves parameters behind: '"utf-8; format=flowed'.
    cleaned = label.strip().strip("\"'").split(";", 1)[0].strip().strip("\"'").lower()
    # RFC 2231 / RFC 2184 allow "utf-8*en" (a language after the charset).
    return cleaned.split("*", 1)[0]


def codecs_for(label: str | None) -> tuple[str, ...]:
    """Python codecs that may decode text carrying this label, best first."""
    name = normalise_label(label)
    if name in _FAMILIES:
        return _FAMILIES[name]
    if name in _UNLABELLED:
        return ()
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return ()
    # Guard against bytes-to-bytes and code-running "codecs" (zlib, rot13, ...).
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _NOT_CHARSETS:
        return ()
    return (info.name,)


def is_known_label(label: str | None) -> bool:
    return bool(codecs_for(label))


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


def _decode(data: bytes, name: str) -> DecodedText:
    family = codecs_for(name)
    if family and _looks_like_mislabelled_utf8(data, family[0]):
        return DecodedText(data.decode("utf-8"), "utf-8", _lied(name, "utf-8"))
    for codec in family:
        try:
            return DecodedText(data.decode(codec), codec)
        except (UnicodeDecodeError, LookupError):
            continue
    for codec in _FALLBACKS:
        if codec in family:
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not family and (data.isascii() or name in _UNLABELLED):
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
    if label in _UNLABELLED:
        return f"no usable charset label, decoded as {display_name(codec)}"
    return f"unknown charset label {label!r}, decoded as {display_name(codec)}"


def display_name(codec: str) -> str:
    """The name people know a codec by, for problem strings."""
    return {"cp1252": "windows-1252", "koi8_r": "koi8-r", "gb18030": "gb18030 (gbk)"}.get(
        codec, codec
    )
