"""Content-Type and Content-Disposition values and their parameters.

Read from the raw header text with the stdlib's old, forgiving parameter
parser (the one ``policy.compat32`` uses) rather than the structured header
objects, which turn undecodable filenames into U+FFFD. RFC 2231 values
(``filename*0*=utf-8''…``, continuations included) and RFC 2047 words inside
quoted filenames (not allowed, but common) are both decoded, through
``charsets`` so unknown or lying charsets still give readable names.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message

from chalicelib.channels.email.charsets import decode_bytes
from chalicelib.channels.email.encoded_words import decode_encoded_words
from chalicelib.channels.email.headers_in import raw_header


@dataclass(frozen=True)
class ParamValue:
    text: str
    problems: tuple[str, ...] = ()


def content_type(part: Message) -> str:
    """``maintype/subtype`` in lower case; ``text/plain`` when missing or broken."""
    holder = _header_only(part, "Content-Type")
    # Absent: the container decides (message/rfc822 inside multipart/digest).
    return part.get_default_type() if holder is None else holder.get_content_type()


def disposition(part: Message) -> str:
    """``attachment``, ``inline`` or ``""``."""
    value = raw_header(part, "Content-Disposition") or ""
    return value.split(";", 1)[0].strip().lower()


def param(part: Message, name: str, header: str = "Content-Type") -> ParamValue | None:
    """A decoded parameter of ``header``, or ``None`` when absent."""
    holder = _header_only(part, header)
    if holder is None:
        return None
    found = holder.get_param(name, header=header)
    if found is None:
        return None
    if isinstance(found, tuple):
        # RFC 2231: the value is already exactly what the sender meant.
        charset, _language, encoded = found
        raw = str(encoded).encode("latin-1", "replace")
        decoded = decode_bytes(raw, charset or "us-ascii", strip_bom=False)
        problems = (f"parameter {name!r}: {decoded.problem}",) if decoded.problem else ()
        return ParamValue(decoded.text.strip(), problems)
    words = decode_encoded_words(found)
    return ParamValue(words.text.strip(), words.problems)


def param_text(part: Message, name: str, header: str = "Content-Type") -> str:
    found = param(part, name, header)
    return found.text if found else ""


def _header_only(part: Message, header: str) -> Message | None:
    value = raw_header(part, header)
    if value is None:
        return None
    holder = Message()
    holder[header] = value
    return holder
