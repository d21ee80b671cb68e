"""Charset labels as mail really carries them, mapped to Python codecs.

Real mail carries labels Python does not know (``ks_c_5601-1987``,
``x-mac-cyrillic``, ``cp-850``), labels naming a subset of what was really
used (``gb2312`` for GBK text, ``iso-8859-1`` for Windows-1252 quotes) and
labels naming a 7-bit encoding of a language whose 8-bit encodings were
really sent (``iso-2022-jp`` on Shift_JIS bytes). This table says which codecs
to try for a label, and which related ones when the label lies.
"""

from __future__ import annotations

import codecs
import re

# The ISO-2022-JP decoder with Microsoft's extensions (iso2022jp_ms.py); not a
# registered Python codec, so decoders dispatch on this name.
ISO2022_JP_MS = "iso2022_jp_ms"

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
    *("gb2312", "iso-gb2312", "gb_2312-80", "gb_2312", "csgb2312", "csgb231280", "x-gbk"),
    *("gbk", "cp936", "euc-cn", "x-euc-cn", "chinese", "gb18030", "ms936", "windows-936"),
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
# Microsoft's reading first: it is a superset of plain ISO-2022-JP for every
# sequence it accepts, and the rest (JIS X 0212, ISO-2022-JP-2 sets) falls
# through to Python's codecs.
_family(
    (ISO2022_JP_MS, "iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004", "iso2022_jp_3"),
    *("iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3"),
    *("cp50220", "cp50221", "cp50222", "iso-2022-jp-ms", "x-ms-iso-2022-jp"),
)
_family(
    ("utf-7",),
    *("utf-7", "unicode-1-1-utf-7", "unicode-2-0-utf-7", "x-unicode-2-0-utf-7", "csunicode11utf7"),
)
_family(("iso8859_8",), "iso-8859-8", "iso-8859-8-i", "iso-8859-8-e", "logical", "visual")
_family(("iso8859_6",), "iso-8859-6", "iso-8859-6-i", "iso-8859-6-e")
_family(("cp874",), "windows-874", "tis-620", "iso-8859-11", "x-windows-874", "dos-874")
_family(("koi8_r",), "koi8-r", "koi8r", "cskoi8r", "koi", "koi8")
_family(("koi8_u",), "koi8-u", "koi8-ru")
_family(("mac_roman",), "x-mac-roman", "macintosh", "mac", "csmacintosh", "x-mac")
_family(("mac_cyrillic",), "x-mac-cyrillic", "x-mac-ukrainian")
_family(("mac_latin2",), "x-mac-ce", "x-mac-centraleurroman")
_family(("mac_greek",), "x-mac-greek")
_family(("mac_turkish",), "x-mac-turkish")
_family(("mac_iceland",), "x-mac-icelandic")
_family(("mac_croatian",), "x-mac-croatian")
_family(("mac_romanian",), "x-mac-romanian")
_family(("mac_arabic",), "x-mac-arabic")
_family(("mac_farsi",), "x-mac-farsi")
_family(("big5hkscs", "cp950"), "x-mac-chinesetrad")
_family(("gb18030",), "x-mac-chinesesimp")
_family(("cp949",), "x-mac-korean")
_family(("utf-16",), "utf-16", "unicode", "ucs-2", "iso-10646-ucs-2", "csunicode")
_family(("utf-16-le",), "utf-16le")
_family(("utf-16-be",), "utf-16be")

# When a label's own codecs fail, these are what its senders really used:
# Japanese mailers label Shift_JIS or EUC-JP text "iso-2022-jp" and mix up the
# two 8-bit ones. EUC-JP comes first: Shift_JIS text almost never decodes as
# EUC-JP, while EUC-JP text often decodes as Shift_JIS half-width noise.
_SIBLINGS: dict[str, tuple[str, ...]] = {
    ISO2022_JP_MS: ("euc_jp", "cp932"),
    "cp932": ("euc_jp",),
    "euc_jp": ("cp932",),
    "iso2022_kr": ("cp949",),
    "hz": ("gb18030",),
}

# Labels that mean "the sender did not know"; worth a guess, not a complaint.
UNLABELLED = frozenset({"", "unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"})

# Python codecs that are not charsets; a label naming them must not run them.
_NOT_CHARSETS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)

# Spellings Python rejects but mailers send: "cp-850", "x-cp1250", "win-1251",
# "ibm-866", "windows1252". Rewritten, then looked up again.
_NUMBERED = re.compile(r"(?:x-)?(?:cp|ibm|ms|win|windows)[-_ ]?(\d{3,5})")


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
    if name in UNLABELLED:
        return ()
    numbered = _NUMBERED.fullmatch(name)
    if numbered:
        return _FAMILIES.get(f"cp{numbered.group(1)}") or _python_codec(f"cp{numbered.group(1)}")
    if name.startswith("x-") and name[2:] in _FAMILIES:
        return _FAMILIES[name[2:]]
    return _python_codec(name) or (_python_codec(name[2:]) if name.startswith("x-") else ())


def siblings_for(family: tuple[str, ...]) -> tuple[str, ...]:
    """Codecs worth trying when a label of ``family`` lies (same language)."""
    found: list[str] = []
    for codec in family:
        found.extend(s for s in _SIBLINGS.get(codec, ()) if s not in family and s not in found)
    return tuple(found)


def is_known_label(label: str | None) -> bool:
    return bool(codecs_for(label))


def _python_codec(name: str) -> tuple[str, ...]:
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return ()
    # Guard against bytes-to-bytes and code-running "codecs" (zlib, rot13, ...).
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _NOT_CHARSETS:
        return ()
    return (info.name,)
