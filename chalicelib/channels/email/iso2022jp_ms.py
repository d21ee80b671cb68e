"""ISO-2022-JP as Outlook and most Japanese mailers send it (CP50220/CP50221/CP50222).

Python's ``iso2022_jp`` codecs reject Microsoft's extensions to JIS X 0208:
NEC row 13 (①, ㈱, №, ㍉ …) and the NEC-selected IBM rows (髙, 﨑 …). Those
characters are everyday Japanese business text, and a strict failure used to
end in the escape codes being shown as text. Every JIS X 0208 pair maps to a
Shift_JIS pair by fixed arithmetic, and Microsoft's cp932 holds exactly these
extensions, so double-byte runs are converted and decoded with cp932.

Half-width katakana are read both as ``ESC ( I`` (CP50221) and as SO/SI
(CP50222). ``ESC ( J`` is JIS-Roman (``¥`` and ``‾`` at 0x5C and 0x7E).
Escape sequences for other sets (JIS X 0212, ISO-2022-JP-2's Chinese and
Korean sets) fail in strict mode so callers fall back to Python's codecs.
ISO-2022-JP is 7-bit: an 8-bit byte always fails, so the next candidate
charset is tried.
"""

from __future__ import annotations

import re

NAME = "iso2022_jp_ms"

_SEPARATOR = re.compile(rb"(\x1b[\x20-\x2f]*[\x30-\x7e]?|[\x0e\x0f])")
_GRAPHIC_OR_NOT = re.compile(rb"[\x21-\x7e]+|[^\x21-\x7e]+")
_SO, _SI = b"\x0e", b"\x0f"
_SETS = {
    b"\x1b(B": "ascii",
    b"\x1b(J": "roman",
    b"\x1b(I": "katakana",
    b"\x1b$@": "kanji",
    b"\x1b$B": "kanji",
    b"\x1b$(B": "kanji",
    b"\x1b$(@": "kanji",
}
# "ESC & @" announces JIS X 0208-1990 before its "ESC $ B"; nothing to do.
_ANNOUNCERS = frozenset({b"\x1b&@"})
_ROMAN = str.maketrans({0x5C: "¥", 0x7E: "‾"})


def decode(data: bytes, errors: str = "strict") -> str:
    """Text of ``data``; ``errors`` is ``"strict"`` (raise) or ``"replace"`` (U+FFFD).

    Raises ``UnicodeDecodeError`` in strict mode on 8-bit bytes, unknown
    escape sequences, broken double-byte pairs and unmapped characters.
    """
    if errors == "strict" and not data.isascii():
        position = next(i for i, byte in enumerate(data) if byte >= 0x80)
        raise UnicodeDecodeError(NAME, data, position, position + 1, "8-bit byte")
    return _Decoder(data, errors).text()


class _Decoder:
    """The shift state while reading: the designated set, and SO (katakana) or not."""

    def __init__(self, data: bytes, errors: str) -> None:
        self.data, self.errors = data, errors
        self.charset, self.shifted = "ascii", False

    def text(self) -> str:
        out: list[str] = []
        offset = 0
        for index, piece in enumerate(_SEPARATOR.split(self.data)):
            if index % 2:
                out.append(self.switch(piece, offset))
            else:
                out.append(self.run(piece, offset))
            offset += len(piece)
        return "".join(out)

    def run(self, piece: bytes, offset: int) -> str:
        try:
            return _decode_run(piece, "katakana" if self.shifted else self.charset, self.errors)
        except UnicodeDecodeError as failure:
            start, end = offset + failure.start, offset + failure.end
            raise UnicodeDecodeError(NAME, self.data, start, end, failure.reason) from None

    def switch(self, piece: bytes, offset: int) -> str:
        """Follow an escape sequence or shift; the text it stands for (if any)."""
        if piece in (_SO, _SI):
            self.shifted = piece == _SO
        elif piece in _SETS:
            self.charset = _SETS[piece]
        elif piece in _ANNOUNCERS:
            pass
        elif self.errors == "strict":
            end = offset + len(piece)
            raise UnicodeDecodeError(NAME, self.data, offset, end, "unknown escape sequence")
        elif piece[-1] < 0x30:
            return "\ufffd"  # a stray ESC, not a sequence: the set stays
        else:
            # A set this decoder cannot read: keep its width so the text after
            # it (and after the next escape) stays aligned.
            self.charset = "unknown-2" if b"$" in piece else "unknown-1"
        return ""


def _decode_run(run: bytes, charset: str, errors: str) -> str:
    if charset == "ascii":
        return run.decode("ascii", errors)
    if charset == "roman":
        return run.decode("ascii", errors).translate(_ROMAN)
    out: list[str] = []
    offset = 0
    for match in _GRAPHIC_OR_NOT.finditer(run):
        chunk = match.group(0)
        try:
            if chunk[0] < 0x21 or chunk[0] > 0x7E:
                # Space and controls (line ends) mean themselves in every set.
                out.append(chunk.decode("ascii", errors))
            else:
                out.append(_graphic(chunk, charset, errors))
        except UnicodeDecodeError as failure:
            raise UnicodeDecodeError(
                NAME, run, offset + failure.start, offset + failure.end, failure.reason
            ) from None
        offset += len(chunk)
    return "".join(out)


def _graphic(chunk: bytes, charset: str, errors: str) -> str:
    if charset == "katakana":
        return "".join(_katakana(chunk, i, errors) for i in range(len(chunk)))
    if charset == "kanji":
        return _kanji(chunk, errors)
    if errors == "strict":
        raise UnicodeDecodeError(NAME, chunk, 0, len(chunk), "unknown set")
    width = 2 if charset == "unknown-2" else 1
    return "\ufffd" * -(-len(chunk) // width)


def _katakana(chunk: bytes, index: int, errors: str) -> str:
    byte = chunk[index]
    if byte <= 0x5F:
        # JIS X 0201 katakana 0x21-0x5F are U+FF61-U+FF9F in order.
        return chr(0xFF61 + byte - 0x21)
    if errors == "strict":
        raise UnicodeDecodeError(NAME, chunk, index, index + 1, "not a katakana byte")
    return "\ufffd"


def _kanji(chunk: bytes, errors: str) -> str:
    whole = len(chunk) - len(chunk) % 2
    if whole < len(chunk) and errors == "strict":
        raise UnicodeDecodeError(NAME, chunk, whole, len(chunk), "half a double-byte pair")
    sjis = bytearray()
    for i in range(0, whole, 2):
        sjis.extend(_to_shift_jis(chunk[i], chunk[i + 1]))
    return _from_shift_jis(bytes(sjis), errors) + ("\ufffd" if whole < len(chunk) else "")


def _from_shift_jis(sjis: bytes, errors: str) -> str:
    try:
        return sjis.decode("cp932")
    except UnicodeDecodeError:
        if errors == "strict":
            raise
    # Pair by pair, so one unmapped pair costs one character, not alignment.
    return "".join(_pair(sjis[i : i + 2]) for i in range(0, len(sjis), 2))


def _pair(pair: bytes) -> str:
    try:
        return pair.decode("cp932")
    except UnicodeDecodeError:
        return "\ufffd"


def _to_shift_jis(first: int, second: int) -> tuple[int, int]:
    """The standard JIS X 0208 row/cell to Shift_JIS arithmetic.

    Rows 13 and 89-92 land on cp932's NEC and NEC-selected IBM extensions.
    """
    lead = ((first + 1) >> 1) + 0x70
    if lead >= 0xA0:
        lead += 0x40
    if first % 2:
        trail = second + 0x1F
        return lead, trail + 1 if trail >= 0x7F else trail
    return lead, second + 0x7E
