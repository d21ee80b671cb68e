"""Who wrote a received mail, however its headers put it.

A helpdesk cannot refuse a customer for the form of their address, so strict
parsing is only the first try. Addresses RFC 5322 allows stay as given (quoted
local parts, UTF-8, domains without a dot); broken forms are salvaged (``Test
User test@example.com`` without angle brackets); a mail without a usable From
takes its sender from Sender, Reply-To, Return-Path and finally the SMTP
envelope, and says so in its problems list. A mail with none of those keeps
the display name it has, and intake files it under a contact without address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.email_address import check_email, is_email

# Address-shaped runs: a quoted local part, or an atom run, then "@" and a domain.
_CANDIDATE = re.compile(
    r'"(?:[^"\\\r\n]|\\.)*"@[^\s<>"\',;()]+|[^\s<>"\',;:()\[\]]+@[^\s<>"\',;()]+'
)
_FALLBACK_HEADERS = ("Sender", "Reply-To", "Return-Path")
_ROBOT_ENVELOPE = re.compile(r"^(?:|<>|mailer-daemon@.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Salvaged:
    """An address read from one address-header item, and the words left around it."""

    addr: str
    rest: str


def salvage(text: str) -> Salvaged | None:
    """The address in ``text`` (a whole addr-spec, or the last address-shaped run in it)."""
    cleaned = text.strip().strip("<>").strip()
    if is_email(cleaned):
        return Salvaged(check_email(cleaned), "")
    for match in reversed(list(_CANDIDATE.finditer(text))):
        candidate = match.group(0).strip(".")
        if is_email(candidate):
            rest = (text[: match.start()] + text[match.end() :]).strip(" <>\"'")
            return Salvaged(check_email(candidate), " ".join(rest.split()))
    return None


def fallback_note(header: str) -> str:
    return f"no usable From address; sender taken from {header}"


def with_envelope_fallback(msg: InboundMessage, envelope_sender: str | None) -> InboundMessage:
    """The SMTP MAIL FROM as the sender, when the headers named none.

    Bounces come with an empty envelope sender, so nothing is taken from those.
    """
    if msg.from_addr or not envelope_sender or _ROBOT_ENVELOPE.match(envelope_sender.strip()):
        return msg
    found = salvage(envelope_sender)
    if found is None:
        return msg
    note = fallback_note("the SMTP envelope (MAIL FROM)")
    return replace(msg, from_addr=found.addr, problems=(*msg.problems, note))


FALLBACK_HEADERS = _FALLBACK_HEADERS
