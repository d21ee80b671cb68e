"""What an inbound e-mail becomes once parsed: plain, frozen values.

Services read these fields and never touch ``email.message`` objects, so the
rules for broken mail live in one place (``mime_in``) and not in every caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Put on every mail we send and looked for on every mail we receive: a mail
# carrying it came from us (or a robot echoing us) and must not be answered.
LOOP_HEADER = "X-ServIT-Loop"


@dataclass(frozen=True)
class InboundAttachment:
    """A file carried by the mail, or an inline image the HTML refers to."""

    filename: str
    content_type: str
    payload: bytes
    content_id: str | None = None
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.payload)


@dataclass(frozen=True)
class DeliveryStatus:
    """The machine-readable part of a bounce (RFC 3464 delivery status)."""

    action: str
    status: str
    permanent: bool
    final_recipient: str | None = None
    original_message_id: str | None = None
    diagnostic: str | None = None


@dataclass(frozen=True)
class InboundMessage:
    """One received e-mail, decoded.

    Addresses are lower-cased so they can be matched against contacts; the
    sender's display name keeps its case. Message-IDs are normalised by
    ``message_ids.normalise_message_id`` (no angle brackets, domain in lower
    case). ``text`` is the whole plain text (derived from HTML when the mail
    had none); ``stripped_text`` is only what the sender newly wrote.
    ``html_raw`` is the unsafe HTML as received, kept so the caller can
    sanitise again once attachment URLs are known; only ``html_sanitised`` may
    ever reach a browser. ``auto_reply`` means "must never be answered
    automatically" (RFC 3834 auto-replies, bounces, list and bulk mail);
    ``is_bulk`` is the narrower "sent to a list or in bulk". ``problems`` lists
    the recoverable damage noticed while parsing, for the agent and the logs.
    """

    from_addr: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    reply_to: tuple[str, ...]
    subject: str
    date: datetime | None
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    text: str
    html_raw: str
    html_sanitised: str
    stripped_text: str
    attachments: tuple[InboundAttachment, ...]
    auto_reply: bool
    auto_reply_reasons: tuple[str, ...]
    is_bulk: bool
    dsn: DeliveryStatus | None
    loop_header: str | None
    return_path: str | None
    headers_raw_size: int
    size: int
    problems: tuple[str, ...]
