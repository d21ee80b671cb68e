"""``OutboundMail`` → raw MIME for SES (``email.message.EmailMessage``).

Layout: text/plain, or multipart/alternative with the HTML (wrapped in
multipart/related when inline images such as the logo are referenced by
``cid:``), wrapped in multipart/mixed when files are attached. Bodies are
sent 7-bit clean (quoted-printable or base64) so no relay has to convert
them. Bcc recipients are not written into the message at all: they go only
to the envelope (``envelope_recipients``), so no copy reveals them.

Addresses go out as ``check_address`` writes them: IDN domains IDNA-encoded
(``doerte@xn--exmple-cua.se``), so every header stays 7-bit; addresses that
would need SMTPUTF8 are refused, as SES cannot send them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime

from chalicelib.channels.email.header_encode import (
    check_address,
    check_header_value,
    disposition,
    fold,
    mailbox_tokens,
    needs_encoding,
    unstructured,
)
from chalicelib.channels.message import LOOP_HEADER
from chalicelib.domain.errors import ValidationError

# refold_source="none": the values we folded ourselves are sent as they are
# (see header_encode); the policy still folds the headers it builds.
_POLICY = policy.SMTP.clone(cte_type="7bit", refold_source="none")
_ID_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


@dataclass(frozen=True)
class OutboundAttachment:
    filename: str
    content_type: str
    payload: bytes


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML shows through ``<img src="cid:{content_id}">``."""

    content_id: str
    filename: str
    content_type: str
    payload: bytes


@dataclass(frozen=True)
class OutboundMail:
    """One mail to send. Message-IDs may be given with or without ``<>``."""

    from_addr: str
    to: tuple[str, ...]
    subject: str
    text: str
    message_id: str
    date: datetime
    from_name: str = ""
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    html: str | None = None
    attachments: tuple[OutboundAttachment, ...] = ()
    inline_images: tuple[InlineImage, ...] = ()
    auto_submitted: bool = False
    loop_header: str | None = None


def make_message_id(domain: str, unique: str) -> str:
    """``<unique@domain>``, refusing anything that would not be a valid id."""
    for part, value in (("unique part", unique), ("domain", domain)):
        if not _ID_PART.fullmatch(value):
            raise ValidationError(f"Message-ID {part} {value!r} is not a dot-atom")
    return f"<{unique}@{domain.lower()}>"


def envelope_recipients(mail: OutboundMail) -> tuple[str, ...]:
    """Everyone the mail is delivered to: To, Cc and Bcc, once each, in their wire form."""
    every = (*mail.to, *mail.cc, *mail.bcc)
    return tuple(dict.fromkeys(check_address("recipient", a).lower() for a in every))


def build_message(mail: OutboundMail) -> EmailMessage:
    """The MIME message; raises ``HeaderInjectionError`` on CR/LF in any header value."""
    msg = EmailMessage(policy=_POLICY)
    _set_headers(msg, mail)
    msg.set_content(mail.text)
    if mail.html is not None:
        msg.add_alternative(mail.html, subtype="html")
        html_part = list(msg.iter_parts())[-1]
        for image in mail.inline_images:
            maintype, subtype = _split_type("inline image", image.content_type)
            cid = f"<{_bare_id('inline image content-id', image.content_id)}>"
            html_part.add_related(image.payload, maintype, subtype, cid=cid)
            _name_file(list(html_part.iter_parts())[-1], "inline", image.filename)
    elif mail.inline_images:
        raise ValidationError("inline images need an HTML body that refers to them")
    for attachment in mail.attachments:
        maintype, subtype = _split_type("attachment", attachment.content_type)
        msg.add_attachment(attachment.payload, maintype, subtype)
        _name_file(list(msg.iter_parts())[-1], "attachment", attachment.filename)
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    """The wire form (CRLF line ends) that SES sends as it is."""
    return msg.as_bytes(policy=_POLICY)


def _set_headers(msg: EmailMessage, mail: OutboundMail) -> None:
    check_header_value("from_name", mail.from_name)
    sender = check_address("from_addr", mail.from_addr)
    msg.set_raw("From", fold("From", mailbox_tokens(mail.from_name, sender)))
    for field, addresses in (("To", mail.to), ("Cc", mail.cc), ("Reply-To", mail.reply_to)):
        if addresses:
            msg.set_raw(field, _address_list(field, addresses))
    for addr in mail.bcc:
        check_address("Bcc", addr)
    msg.set_raw("Subject", unstructured("Subject", mail.subject))
    if mail.date.tzinfo is None:
        raise ValidationError("date must be timezone-aware")
    msg["Date"] = format_datetime(mail.date)
    msg["Message-ID"] = f"<{_bare_id('Message-ID', mail.message_id)}>"
    if mail.in_reply_to:
        msg["In-Reply-To"] = f"<{_bare_id('In-Reply-To', mail.in_reply_to)}>"
    if mail.references:
        ids = [f"<{_bare_id('References', r)}>" for r in mail.references]
        msg.set_raw("References", fold("References", ids))
    if mail.auto_submitted:
        # RFC 3834: robots must not answer us, and Exchange should not send
        # its out-of-office or read receipts back.
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    if mail.loop_header is not None:
        check_header_value(LOOP_HEADER, mail.loop_header)
        msg.set_raw(LOOP_HEADER, unstructured(LOOP_HEADER, mail.loop_header))


def _address_list(field: str, addresses: tuple[str, ...]) -> str:
    cleaned = [check_address(field, a) for a in addresses]
    tokens = [f"{a}," for a in cleaned[:-1]] + cleaned[-1:]
    return fold(field, tokens)


def _bare_id(field: str, value: str) -> str:
    check_header_value(field, value)
    bare = value.strip().removeprefix("<").removesuffix(">")
    local, at, domain = bare.rpartition("@")
    if not at or not _ID_PART.fullmatch(local) or not _ID_PART.fullmatch(domain):
        raise ValidationError(f"{field} {value!r} is not a valid message id")
    return bare


def _split_type(field: str, content_type: str) -> tuple[str, str]:
    check_header_value(f"{field} content type", content_type)
    lowered = content_type.strip().lower()
    if not _CONTENT_TYPE.fullmatch(lowered):
        raise ValidationError(f"{field} content type {content_type!r} is not type/subtype")
    maintype, _, subtype = lowered.partition("/")
    return maintype, subtype


def _name_file(part: MIMEPart, kind: str, filename: str) -> None:
    check_header_value(f"{kind} filename", filename)
    del part["Content-Disposition"]
    if needs_encoding(filename):
        part.set_raw("Content-Disposition", disposition(kind, filename))
    else:
        part.add_header("Content-Disposition", kind, filename=filename)
