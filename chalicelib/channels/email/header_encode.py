"""Outbound header values that contain people's words: subjects and names.

We fold these ourselves instead of leaving it to ``policy.SMTP``: in Python
3.11 the policy folder breaks long quoted display names (the closing quote is
lost when it folds) and sends ASCII text that looks like an encoded word
(``=?utf-8?q?…``) unprotected, so the receiver decodes it into something
else. Here every value is either plain ASCII that cannot be misread, or
RFC 2047 encoded words (UTF-8, split on character boundaries by
``email.header.Header``), folded at 78 characters.
"""

from __future__ import annotations

import re
from email.header import Header
from urllib.parse import quote

from chalicelib.channels.email.errors import HeaderInjectionError
from chalicelib.domain import email_address
from chalicelib.domain.errors import ValidationError

_MAX_LINE = 78
_LONGEST_PLAIN_TOKEN = 70
_PLAIN_NAME_LENGTH = 60
_PARAM_CHUNK = 60
# Everything str.splitlines() breaks on, and the other control characters:
# none of them may travel in a header.
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PHRASE_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')


def check_header_value(field: str, value: str) -> None:
    """Refuse CR, LF and other control characters in a header value."""
    found = _FORBIDDEN.search(value)
    if found:
        raise HeaderInjectionError(
            f"{field} contains a line break or control character ({found.group()!r})"
        )


def check_address(field: str, addr: str) -> str:
    """The addr-spec as it goes into the header: any RFC 5322 address (quoted local parts
    stay quoted), its domain IDNA-encoded so the header stays 7-bit. A non-ASCII local part
    is refused (``address_unreachable``): it would need SMTPUTF8 and a UTF-8 header, which
    our mail service (SES) does not send (see domain/email_address)."""
    check_header_value(field, addr)
    try:
        return email_address.wire_address(addr)
    except ValidationError as exc:
        code = exc.code if exc.code == "address_unreachable" else None
        raise ValidationError(f"{field}: {exc.message}", code=code) from None


def unstructured(field: str, text: str) -> str:
    """A folded Subject-like value."""
    check_header_value(field, text)
    tokens = text.split(" ")
    if needs_encoding(text) or any(len(t) > _LONGEST_PLAIN_TOKEN for t in tokens):
        return _encoded(field, text)
    return fold(field, tokens)


def mailbox_tokens(name: str, addr: str) -> list[str]:
    """``name <addr>`` as tokens for ``fold``; the name quoted or encoded."""
    if not name.strip():
        return [addr]
    name = name.strip()
    if needs_encoding(name) or len(name) > _PLAIN_NAME_LENGTH:
        words = Header(name, "utf-8", maxlinelen=_MAX_LINE - 2).encode(linesep="\n")
        return [*(w.strip() for w in words.split("\n")), f"<{addr}>"]
    if _PHRASE_SPECIALS.search(name) or "  " in name:
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return [f'"{escaped}"', f"<{addr}>"]
    return [*name.split(" "), f"<{addr}>"]


def fold(field: str, tokens: list[str]) -> str:
    """Join tokens by spaces, breaking lines before a token when one gets long.

    A fold is CRLF inserted before an existing space, so unfolding gives the
    same text back; a break is never put before an empty token, which would
    leave a line of only whitespace.
    """
    lines: list[str] = []
    line = tokens[0] if tokens else ""
    width = len(field) + 2
    for token in tokens[1:]:
        if token and line.strip() and width + len(line) + 1 + len(token) > _MAX_LINE:
            lines.append(line)
            line, width = token, 1
        else:
            line = f"{line} {token}"
    lines.append(line)
    return "\r\n ".join(lines)


def disposition(kind: str, filename: str) -> str:
    """``attachment; filename=…`` with the name in RFC 2231 form, folded.

    Used for names that are not plain ASCII or contain ``=?``: the policy
    would send the latter as a quoted string, which receivers (and we) read
    as an RFC 2047 encoded word.
    """
    check_header_value("filename", filename)
    encoded = quote(filename, safe="")
    chunks: list[str] = []
    while encoded:
        cut = _PARAM_CHUNK
        # Never split a %XX escape between two continuations.
        while "%" in encoded[max(cut - 2, 0) : cut] and cut < len(encoded):
            cut -= 1
        chunks.append(encoded[:cut])
        encoded = encoded[cut:]
    params = [f"filename*{i}*={c}" for i, c in enumerate(chunks)] or ['filename=""']
    params[0] = params[0].replace("*=", "*=utf-8''", 1)
    return ";\r\n ".join([kind, *params])


def needs_encoding(text: str) -> bool:
    return not text.isascii() or "=?" in text or "\t" in text


def _encoded(field: str, text: str) -> str:
    header = Header(text, "utf-8", maxlinelen=_MAX_LINE, header_name=field)
    return header.encode(linesep="\r\n")
