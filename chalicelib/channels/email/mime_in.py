"""Raw RFC 822 bytes → ``InboundMessage``.

Broken mail is the normal case for a helpdesk, so parsing never gives up on
it: every recoverable fault becomes a line in ``problems`` and the best
reading is returned. Only bytes that are not a mail at all raise
``MailParseError``; the caller still keeps those bytes (nothing is dropped).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from email import errors, policy
from email.message import Message
from email.parser import BytesParser

from chalicelib.channels.email.body_parts import BodyCollector, Segment, walk
from chalicelib.channels.email.charset_labels import normalise_label
from chalicelib.channels.email.classify import auto_reply_reasons, delivery_status, is_bulk
from chalicelib.channels.email.errors import MailParseError
from chalicelib.channels.email.header_bytes import encoded_word_charsets
from chalicelib.channels.email.headers_in import (
    HeaderBlock,
    Mailbox,
    parse_date,
    parse_mailboxes,
    read_headers,
)
from chalicelib.channels.email.html_clean import sanitise_html
from chalicelib.channels.email.message_ids import message_ids
from chalicelib.channels.email.mime_params import param
from chalicelib.channels.email.reply_strip import strip_reply
from chalicelib.channels.email.senders import FALLBACK_HEADERS, fallback_note
from chalicelib.channels.message import LOOP_HEADER, InboundAttachment, InboundMessage

AttachmentUrl = Callable[[int, InboundAttachment], str]

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAIL_HEADERS = frozenset(
    {
        *("from", "to", "cc", "subject", "date", "message-id", "received", "return-path"),
        *("mime-version", "content-type", "sender", "reply-to", "delivered-to"),
        *("in-reply-to", "references", "x-mailer", "user-agent"),
    }
)
_DEFECTS: dict[type[errors.MessageDefect], str] = {
    errors.CloseBoundaryNotFoundDefect: "multipart without closing boundary",
    errors.StartBoundaryNotFoundDefect: "multipart boundary not found in the body",
    errors.NoBoundaryInMultipartDefect: "multipart without boundary parameter",
    errors.MissingHeaderBodySeparatorDefect: "no blank line between headers and body",
    errors.FirstHeaderLineIsContinuationDefect: "first header line is a continuation",
    errors.MisplacedEnvelopeHeaderDefect: "misplaced 'From ' envelope line",
    errors.MultipartInvariantViolationDefect: "multipart type on a single-part body",
    errors.InvalidBase64PaddingDefect: "bad base64 padding repaired",
    errors.InvalidBase64CharactersDefect: "invalid characters in base64 ignored",
    errors.InvalidBase64LengthDefect: "base64 of impossible length, last bytes lost",
}
# What the stdlib may raise on hostile structure; caught in one place so one
# bad part costs its content, not the whole mail.
_PARSER_FAILURES = (
    *(LookupError, ValueError, TypeError, AttributeError, AssertionError),
    *(UnicodeError, errors.MessageError, RecursionError),
)


def parse_message(
    raw: bytes, *, max_attachments: int = 100, attachment_url: AttachmentUrl | None = None
) -> InboundMessage:
    """Parse one received mail.

    ``attachment_url(index, attachment)`` names the URL an inline image will
    be served from; ``cid:`` images in the HTML point there. Without it they
    are left out of ``html_sanitised`` (sanitise ``html_raw`` again later).
    """
    header_size = _check_is_mail(raw)
    msg, problems = _parse(raw)
    headers = read_headers(msg, _declared_charsets(msg))
    if not any(name.lower() in _MAIL_HEADERS for name, _ in headers.fields):
        raise MailParseError("not an e-mail: no mail headers (From, To, Subject, Date, …)")
    problems.extend(headers.problems)
    body = BodyCollector(max_attachments)
    try:
        walk(msg, body)
    except _PARSER_FAILURES as failure:
        problems.append(f"body partly unreadable ({type(failure).__name__}); raw mail kept")
    problems.extend(body.problems)
    problems.extend(_defect_problems(msg))
    if body.dropped:
        problems.append(f"{body.dropped} attachments over the limit of {max_attachments} dropped")
    return _assemble(raw, header_size, msg, headers, body, problems, attachment_url)


def _assemble(
    raw: bytes,
    header_size: int,
    msg: Message,
    headers: HeaderBlock,
    body: BodyCollector,
    problems: list[str],
    attachment_url: AttachmentUrl | None,
) -> InboundMessage:
    sender, more_from, from_problems = _sender(headers)
    subject, subject_problems = headers.text("Subject")
    problems.extend([*from_problems, *subject_problems])
    date = parse_date(headers.get("Date"))
    if date is None and headers.get("Date"):
        problems.append("Date header unreadable")
    text, html_raw = _join_segments(body.segments)
    attachments = tuple(body.attachments)
    from_addr = sender.addr
    reasons = auto_reply_reasons(headers, from_addr, msg)
    dsn = delivery_status(msg) if "delivery status notification" in reasons else None
    return InboundMessage(
        from_addr=from_addr,
        from_name=sender.name,
        to=_addresses(headers, "To", problems),
        cc=tuple(dict.fromkeys((*_addresses(headers, "Cc", problems), *more_from))),
        reply_to=_addresses(headers, "Reply-To", problems),
        subject=subject or "",
        date=date,
        message_id=_first(message_ids(headers.get("Message-ID"))),
        in_reply_to=_first(message_ids(headers.get("In-Reply-To"))),
        references=message_ids(" ".join(headers.get_all("References"))),
        text=text,
        html_raw=html_raw,
        html_sanitised=sanitise_html(html_raw, _cid_map(attachments, attachment_url))
        if html_raw
        else "",
        stripped_text=strip_reply(text),
        attachments=attachments,
        auto_reply=bool(reasons),
        auto_reply_reasons=reasons,
        is_bulk=is_bulk(headers),
        dsn=dsn,
        loop_header=headers.get(LOOP_HEADER),
        return_path=_return_path(headers),
        headers_raw_size=header_size,
        size=len(raw),
        problems=tuple(dict.fromkeys(problems)),
    )


def _sender(headers: HeaderBlock) -> tuple[Mailbox, tuple[str, ...], list[str]]:
    """The author: the first From address, else Sender, Reply-To, Return-Path.

    Further From addresses (RFC 5322 allows several authors) go on cc so that a reply
    reaches them too. With no address anywhere the From's words stay as the name.
    """
    authors, problems = parse_mailboxes(headers.get_all("From"))
    found = list(problems)
    if authors:
        if len(authors) > 1:
            found.append("several From addresses; the others were put on cc")
        return authors[0], tuple(m.addr for m in authors[1:]), found
    words = (headers.text("From")[0] or "").strip(" <>\"'")[:200]
    for header in FALLBACK_HEADERS:
        mailboxes, more = parse_mailboxes(headers.get_all(header))
        if mailboxes:
            note = (
                fallback_note(header)
                if headers.has("From")
                else f"no From header; sender taken from {header}"
            )
            return Mailbox(mailboxes[0].addr, words or mailboxes[0].name), (), [*found, *more, note]
    return Mailbox("", words), (), found


def _check_is_mail(raw: bytes) -> int:
    """Size of the header section; raises when the bytes are no mail."""
    if not raw.strip():
        raise MailParseError("not an e-mail: the input is empty")
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw
    if b"\x00" in head or len(_CONTROL_BYTES.findall(head)) > len(head) // 20:
        raise MailParseError("not an e-mail: binary data where the headers should be")
    return end.end() if end else len(raw)


_BOUNDARY_PARAM = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"\r\n]+))', re.I)


def _ascii_boundaries(raw: bytes) -> tuple[bytes, list[str]]:
    """Rename 8-bit MIME boundaries (``boundary="gräns"``, against RFC 2046) to ASCII ones.

    The stdlib reads the body's bytes as ASCII with surrogate escapes but the parameter as
    text, so an 8-bit boundary never matches its delimiter lines and every part is lost.
    """
    renamed: list[str] = []
    for match in _BOUNDARY_PARAM.finditer(raw):
        value = match.group(1) or match.group(2)
        if value.isascii() or b"\n--" + value not in raw:
            continue
        safe = b"servit-8bit-" + hashlib.sha256(value).hexdigest()[:24].encode()
        raw = raw.replace(match.group(0), b'boundary="' + safe + b'"').replace(
            b"\n--" + value, b"\n--" + safe
        )
        renamed.append(value.decode("utf-8", "replace"))
    return raw, [f"8-bit MIME boundary {b!r} read as an ASCII one" for b in renamed]


def _parse(raw: bytes) -> tuple[Message, list[str]]:
    raw, renamed = _ascii_boundaries(raw)
    try:
        return BytesParser(policy=policy.default).parsebytes(raw), renamed
    except _PARSER_FAILURES:
        # The structured header parser choked (it runs while the parser looks
        # for boundaries); the old one reads the same structure.
        lenient = BytesParser(policy=policy.compat32).parsebytes(raw)
        return lenient, [*renamed, "headers too broken for the strict parser; parsed leniently"]


def _declared_charsets(msg: Message) -> tuple[str, ...]:
    """Every charset the message names, in order: each part's ``charset`` and
    the charsets of encoded words in any header.

    Raw 8-bit header bytes are most likely in one of them, but not always in
    the first (a forwarded GB2312 mail inside a Latin-1 wrapper).
    """
    if all(_plain_ascii(value) for _, value in msg.raw_items()):
        return ()  # no raw header bytes to decode: skip the walk
    found: list[str] = []
    try:
        for part in msg.walk():
            found.extend(c for _, v in part.raw_items() for c in encoded_word_charsets(str(v)))
            charset = param(part, "charset")
            if charset and charset.text:
                found.append(charset.text)
    except _PARSER_FAILURES:
        pass  # hostile structure: it costs hints, never the headers
    return tuple(dict.fromkeys(normalise_label(label) for label in found))


def _plain_ascii(value: object) -> bool:
    text = str(value)
    return text.isascii() and "\x1b" not in text


def _defect_problems(msg: Message) -> list[str]:
    found: list[str] = []
    for part in msg.walk():
        for defect in part.defects:
            for kind, text in _DEFECTS.items():
                if isinstance(defect, kind):
                    found.append(text)
    return found


def _join_segments(segments: list[Segment]) -> tuple[str, str]:
    texts = [s.text.strip("\n") for s in segments if s.text.strip()]
    text = "\n\n".join(texts).rstrip()
    if not any(s.html is not None for s in segments):
        return text, ""
    html = "\n".join(s.html if s.html is not None else _text_as_html(s.text) for s in segments)
    return text, html


def _text_as_html(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<pre style="white-space: pre-wrap">{escaped}</pre>'


def _addresses(headers: HeaderBlock, name: str, problems: list[str]) -> tuple[str, ...]:
    mailboxes, found = parse_mailboxes(headers.get_all(name))
    problems.extend(found)
    return tuple(m.addr for m in mailboxes)


def _cid_map(
    attachments: tuple[InboundAttachment, ...], attachment_url: AttachmentUrl | None
) -> dict[str, str]:
    if attachment_url is None:
        return {}
    return {
        a.content_id: attachment_url(index, a)
        for index, a in enumerate(attachments)
        if a.content_id
    }


def _return_path(headers: HeaderBlock) -> str | None:
    value = headers.get("Return-Path")
    if value is None:
        return None
    mailboxes, _ = parse_mailboxes((value,))
    return mailboxes[0].addr if mailboxes else ""


def _first(values: tuple[str, ...]) -> str | None:
    return values[0] if values else None
