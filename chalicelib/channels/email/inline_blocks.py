"""Files hidden inside plain text: uuencoded blocks and inline PGP signatures.

Old clients (and some scanners and gateways) still put files into the text
as ``begin 644 name`` … ``end``; PGP signs text inline with an armoured
signature below it. The agent should see the readable text and get the rest
as attachments, not a screen of line noise.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass

_UU_BLOCK = re.compile(
    r"^begin(?:-base64)? [0-7]{3,4} (?P<name>[^\n]+?)[ \t]*\n(?P<body>.*?)^end[ \t]*$\n?",
    re.MULTILINE | re.DOTALL,
)
_PGP_SIGNED = re.compile(
    r"^-----BEGIN PGP SIGNED MESSAGE-----[ \t]*\n"
    r"(?P<armor>(?:[A-Za-z-]+:[^\n]*\n)*)\n?"
    r"(?P<content>.*?)\n?"
    r"^(?P<signature>-----BEGIN PGP SIGNATURE-----.*?^-----END PGP SIGNATURE-----)[ \t]*$\n?",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class InlineFile:
    filename: str
    content_type: str
    payload: bytes


@dataclass(frozen=True)
class TextWithFiles:
    text: str
    files: tuple[InlineFile, ...] = ()
    problems: tuple[str, ...] = ()


def extract_inline_blocks(text: str) -> TextWithFiles:
    """Move uuencoded files and inline PGP signatures out of ``text``."""
    if "begin " not in text and "-----BEGIN PGP" not in text:
        return TextWithFiles(text)
    files: list[InlineFile] = []
    problems: list[str] = []

    def take_uu(match: re.Match[str]) -> str:
        payload, damaged = _uu_decode(match.group("body"))
        if damaged:
            problems.append(f"uuencoded file {match.group('name')!r} was damaged")
        name = match.group("name").strip()
        files.append(InlineFile(name, _guess_type(name), payload))
        return ""

    def take_pgp(match: re.Match[str]) -> str:
        signature = match.group("signature") + "\n"
        files.append(InlineFile("signature.asc", "application/pgp-signature", signature.encode()))
        # RFC 4880 7.1: lines starting with "-" were escaped as "- -".
        return re.sub(r"^- ", "", match.group("content"), flags=re.MULTILINE) + "\n"

    text = _PGP_SIGNED.sub(take_pgp, text)
    text = _UU_BLOCK.sub(take_uu, text)
    return TextWithFiles(text, tuple(files), tuple(problems))


def _uu_decode(body: str) -> tuple[bytes, bool]:
    out = bytearray()
    damaged = False
    for line in body.split("\n"):
        line = line.rstrip("\r")
        if not line or line in ("`", " "):
            continue
        data = line.encode("latin-1", "replace")
        try:
            out += binascii.a2b_uu(data)
        except binascii.Error:
            # Some encoders pad lines wrongly; trim to the length the first
            # character announces, as the stdlib's uu module does.
            length = (((data[0] - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(data[:length])
            except binascii.Error:
                damaged = True
    return bytes(out), damaged


def _guess_type(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"
