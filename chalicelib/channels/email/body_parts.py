"""Walk a parsed MIME tree into body text, body HTML and attachments.

Each multipart kind has its own rule (alternative: one rendering of the same
content; related: a root and its inline resources; signed: content plus a
signature file; report: an explanation plus machine parts). Everything that
is not body text becomes an attachment, so nothing the sender sent is lost.
"""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesParser

from chalicelib.channels.email.body_collector import BodyCollector, Segment
from chalicelib.channels.email.embedded import embedded_message, forwarded_header, serialise
from chalicelib.channels.email.inline_blocks import extract_inline_blocks
from chalicelib.channels.email.mime_params import content_type, disposition, param_text
from chalicelib.channels.email.part_payload import (
    content_id,
    declared_filename,
    generated_filename,
    normalise_newlines,
    part_text,
    payload_bytes,
)
from chalicelib.channels.message import InboundAttachment

__all__ = ["BodyCollector", "Segment", "attach", "walk"]

_MAX_DEPTH = 20
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_OPAQUE_SMIME = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_FIXED_NAMES = {
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
    "application/pkcs7-mime": "smime.p7m",
    "application/x-pkcs7-mime": "smime.p7m",
    "application/pgp-signature": "signature.asc",
    "application/pgp-encrypted": "pgp-version.txt",
    "application/ms-tnef": "winmail.dat",
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "text/rfc822-headers": "returned-headers.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/feedback-report": "feedback-report.txt",
}
# How many of a forwarded mail's files its header block names.
_LISTED_FILES = 20
_DELIMITER = re.compile(r"^--([^\s\"]{1,70}?)(--)?[ \t\r]*$", re.MULTILINE)


def walk(part: Message, out: BodyCollector, depth: int = 0) -> None:
    """Add what ``part`` holds to ``out``."""
    ctype = content_type(part)
    if depth > _MAX_DEPTH:
        out.problems.append(f"MIME nesting deeper than {_MAX_DEPTH}; inner parts kept as files")
        attach(part, ctype, out)
    elif ctype.startswith("message/") and ctype not in _FIXED_NAMES:
        _message(part, ctype, out, depth)
    elif part.is_multipart():
        _multipart(part, ctype, out, depth)
    elif ctype.startswith("multipart/"):
        _broken_multipart(part, ctype, out, depth)
    elif ctype in _OPAQUE_SMIME:
        smime_type = param_text(part, "smime-type").lower() or "enveloped-data"
        kind = "opaque-signed" if smime_type == "signed-data" else "encrypted"
        notice = f"[This S/MIME message is {kind}; its content is in the attachment smime.p7m.]"
        out.segments.append(Segment(notice))
        attach(part, ctype, out)
    elif ctype in _BODY_TYPES and disposition(part) != "attachment" and not declared_filename(part):
        _text(part, ctype, out)
    else:
        attach(part, ctype, out)


def attach(part: Message, ctype: str, out: BodyCollector, name: str = "") -> None:
    data, problems = _attachment_bytes(part, ctype)
    out.problems.extend(problems)
    filename = declared_filename(part) or name or _FIXED_NAMES.get(ctype, "")
    filename = filename or generated_filename(ctype, len(out.attachments) + out.dropped + 1)
    cid = content_id(part)
    inline = disposition(part) == "inline" or (disposition(part) == "" and cid is not None)
    out.add_attachment(InboundAttachment(filename, ctype, data, cid, inline))


def _attachment_bytes(part: Message, ctype: str) -> tuple[bytes, tuple[str, ...]]:
    if not part.is_multipart():
        return payload_bytes(part)
    if ctype.startswith("multipart/"):
        return serialise(part), ()
    # message/* parts hold parsed messages (a returned mail, status blocks).
    inner = part.get_payload()
    return b"".join(serialise(m) for m in inner if isinstance(m, Message)), ()


def _text(part: Message, ctype: str, out: BodyCollector) -> None:
    data, problems = payload_bytes(part)
    out.problems.extend(problems)
    decoded = part_text(part, data)
    if decoded.problem:
        out.problems.append(decoded.problem)
    text = normalise_newlines(decoded.text)
    if ctype == "text/html":
        out.add_html(text)
        return
    found = extract_inline_blocks(text)
    out.problems.extend(found.problems)
    for file in found.files:
        out.add_attachment(InboundAttachment(file.filename, file.content_type, file.payload))
    out.segments.append(Segment(found.text))


def _multipart(part: Message, ctype: str, out: BodyCollector, depth: int) -> None:
    children = [c for c in part.get_payload() if isinstance(c, Message)]
    if ctype == "multipart/alternative":
        _alternative(children, out, depth)
    elif ctype == "multipart/related":
        _related(part, children, out, depth)
    elif ctype in ("multipart/signed", "multipart/report"):
        # The first part is what a person reads; the others (signature,
        # delivery status, returned message) are kept as files.
        for index, child in enumerate(children):
            if index == 0:
                walk(child, out, depth + 1)
            else:
                attach(child, content_type(child), out, _embedded_name(child))
    elif ctype == "multipart/encrypted":
        notice = "[This PGP/MIME message is encrypted; its content is in the attachments.]"
        out.segments.append(Segment(notice))
        for child in children:
            attach(child, content_type(child), out)
    else:
        for child in children:
            walk(child, out, depth + 1)


def _alternative(children: list[Message], out: BodyCollector, depth: int) -> None:
    plain = html = html_text = fallback = ""
    for child in children:
        sub = out.child()
        walk(child, sub, depth + 1)
        out.absorb_files(sub)
        child_plain = "\n\n".join(s.text for s in sub.segments if s.html is None and not s.fallback)
        child_html = "\n".join(s.html for s in sub.segments if s.html is not None)
        # The first plain rendering is the text; the last HTML one is the
        # richest (RFC 2046 orders alternatives from plainest to richest).
        if not plain and child_plain.strip():
            plain = child_plain
        if child_html.strip():
            html = child_html
            html_text = "\n\n".join(s.text for s in sub.segments if s.html is not None)
        # HTML too hostile to keep is read as text only when nothing better is there.
        fallback = fallback or "\n\n".join(s.text for s in sub.segments if s.fallback)
    if plain or html_text or html:
        out.segments.append(Segment(plain or html_text, html or None))
    elif fallback:
        out.segments.append(Segment(fallback, None, fallback=True))


def _related(part: Message, children: list[Message], out: BodyCollector, depth: int) -> None:
    start = param_text(part, "start").strip("<> ")
    root_index = 0
    for index, child in enumerate(children):
        if start and content_id(child) == start:
            root_index = index
    for index, child in enumerate(children):
        if index == root_index:
            walk(child, out, depth + 1)
        else:
            attach(child, content_type(child), out)


def _message(part: Message, ctype: str, out: BodyCollector, depth: int) -> None:
    found = embedded_message(part)
    out.problems.extend(found.problems)
    if found.message is None:
        attach(part, ctype, out)
        return
    name = declared_filename(part) or found.filename
    out.add_attachment(InboundAttachment(name, ctype, found.raw, content_id(part), False))
    # Its files stay inside the .eml; the header block only names them.
    sub = BodyCollector(_LISTED_FILES, html_budget=out.html_budget, inside_message=True)
    walk(found.message, sub, depth + 1)
    out.problems.extend(sub.problems)
    files = [a for a in sub.attachments if not (a.inline and a.content_id)]
    header = forwarded_header(found.message, files, sub.dropped)
    inner_text = "\n\n".join(s.text.strip("\n") for s in sub.segments if s.text.strip())
    inner_html = "\n".join(s.html for s in sub.segments if s.html is not None)
    html = f"<pre>{_escape(header)}</pre>\n{inner_html}" if inner_html else None
    out.segments.append(Segment(f"{header}\n\n{inner_text}".rstrip(), html))


def _embedded_name(child: Message) -> str:
    if content_type(child) in ("message/rfc822", "message/global"):
        return embedded_message(child).filename
    return ""


def _broken_multipart(part: Message, ctype: str, out: BodyCollector, depth: int) -> None:
    """A multipart whose boundary is missing or wrong: guess it from the body."""
    raw, _ = payload_bytes(part)
    text = raw.decode("ascii", "surrogateescape")
    match = _DELIMITER.search(text)
    if match:
        out.problems.append(f"{ctype} boundary missing or wrong, recovered from the body")
        header = f'Content-Type: {ctype}; boundary="{match.group(1)}"\r\n\r\n'.encode()
        rebuilt = BytesParser(policy=policy.default).parsebytes(header + raw)
        if rebuilt.is_multipart():
            _multipart(rebuilt, ctype, out, depth)
            return
    out.problems.append(f"{ctype} without usable boundary, body read as text")
    decoded = part_text(part, raw)
    out.segments.append(Segment(normalise_newlines(decoded.text)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
