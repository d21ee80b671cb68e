"""What Messenger and X direct messages share once parsed: a ``SocialMessage`` wrapping the
one ``InboundMessage``, and a constant-time check of an HMAC signature."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.channels.message import InboundMessage

FACEBOOK = "facebook"
X = "x"
PLATFORMS = (FACEBOOK, X)

MAX_TEXT = 20_000  # Messenger allows 2,000 characters, X 10,000: more is not a message
_SUBJECT_CHARS = 80


@dataclass(frozen=True)
class SocialMessage:
    """One direct message to one of our pages or accounts.

    ``account_id`` is ours (the Facebook page id, our X user id); ``sender_id`` is the
    person's id on the platform (a page-scoped id on Messenger, a user id on X); both as
    the platform spells them, digits as text. ``attachment_urls`` point at the platform's
    copies (Messenger's expire); nothing is downloaded on the webhook's path."""

    platform: str
    account_id: str
    sender_id: str
    message_id: str
    sender_name: str
    sender_handle: str
    attachment_urls: tuple[str, ...]
    inbound: InboundMessage

    @property
    def identity(self) -> str:
        """How the contact card names the person: ``facebook:<psid>``, ``x:<user id>``."""
        return f"{self.platform}:{self.sender_id}"

    @property
    def thread_key(self) -> str:
        """One conversation: the platform, our page or account, and the person."""
        return f"{self.platform}:{self.account_id}:{self.sender_id}"

    @property
    def message_key(self) -> str:
        """The platform's own id of the message: a redelivery carries it again."""
        return f"inbound:{self.platform}:{self.message_id}"


def signature_matches(expected: str, given: str | None) -> bool:
    """``given`` (a header as received, or None) equals ``expected``, compared in constant
    time; a header with non-ASCII text cannot be a signature and is refused without error."""
    if not given or not given.isascii():
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.strip().encode("ascii"))


def hmac_sha256(secret: bytes, data: bytes) -> bytes:
    return hmac.new(secret, data, hashlib.sha256).digest()


def from_epoch_ms(value: object) -> datetime | None:
    """A platform timestamp (milliseconds since the epoch, as a number or digits)."""
    try:
        millis = int(str(value))
    except (TypeError, ValueError):
        return None
    if not 0 < millis < 10**14:
        return None
    return datetime.fromtimestamp(millis / 1000, UTC)


def clean_id(value: object) -> str | None:
    """A platform id: digits (Messenger, X) or the letters, digits and ``_.:-$`` of a
    Messenger ``mid``; anything else (or over 200 characters) is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not 0 < len(value) <= 200:
        return None
    if not all(c.isascii() and (c.isalnum() or c in "_.:-$") for c in value):
        return None
    return value


def inbound_message(
    *,
    platform_name: str,
    text: str,
    sender_name: str,
    message_id: str,
    sent_at: datetime | None,
    attachment_urls: tuple[str, ...],
) -> InboundMessage:
    """The ``InboundMessage`` a direct message becomes: no addresses, the text as it came
    (links to attachments under it), the subject its first line."""
    text = text[:MAX_TEXT]
    lines = [text] if text else []
    lines += [f"[attachment] {url}" for url in attachment_urls]
    body = "\n".join(lines)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) > _SUBJECT_CHARS:
        first = first[: _SUBJECT_CHARS - 1].rstrip() + "…"
    subject = first or f"{platform_name} message"
    return InboundMessage(
        from_addr="",
        from_name=sender_name,
        to=(),
        cc=(),
        reply_to=(),
        subject=subject,
        date=sent_at,
        message_id=message_id,
        in_reply_to=None,
        references=(),
        text=body,
        html_raw="",
        html_sanitised="",
        stripped_text=body,
        attachments=(),
        auto_reply=False,
        auto_reply_reasons=(),
        is_bulk=False,
        dsn=None,
        loop_header=None,
        return_path=None,
        headers_raw_size=0,
        size=len(body.encode("utf-8", "surrogatepass")),
        problems=(),
    )
