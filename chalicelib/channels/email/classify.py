"""Is this mail a machine talking? Auto-replies, bulk mail and bounces.

Answering these automatically starts mail loops (two out-of-office robots
replying to each other), so the ingest stores them but sends nothing back.
Each reason is a short human-readable string, shown to agents and logged.
"""

from __future__ import annotations

import re
from email.message import Message

from chalicelib.channels.email.charsets import decode_bytes
from chalicelib.channels.email.headers_in import HeaderBlock, raw_header
from chalicelib.channels.email.message_ids import message_ids
from chalicelib.channels.email.mime_params import content_type, param_text
from chalicelib.channels.message import LOOP_HEADER, DeliveryStatus

_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_AUTO_PRECEDENCE = frozenset({"auto_reply", "auto-reply"})
_ROBOT_LOCAL_PART = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?)([-+._].*)?$",
    re.IGNORECASE,
)
_STATUS_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
_STATUS_CODE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_REPORT_TYPE = re.compile(r";\s*report-type\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.IGNORECASE)


def auto_reply_reasons(
    headers: HeaderBlock, from_addr: str, msg: Message | None = None
) -> tuple[str, ...]:
    """Why this mail must not be answered automatically; empty if it may.

    With the parsed ``msg`` a report that says delivery-status but carries no
    status part is not called a delivery status notification.
    """
    reasons: list[str] = []
    auto_submitted = _first_word(headers.get("Auto-Submitted"))
    if auto_submitted and auto_submitted != "no":
        reasons.append(f"Auto-Submitted: {auto_submitted}")
    precedence = _first_word(headers.get("Precedence"))
    if precedence in _BULK_PRECEDENCE | _AUTO_PRECEDENCE:
        reasons.append(f"Precedence: {precedence}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "X-Loop", LOOP_HEADER):
        if headers.has(name):
            reasons.append(f"{name} present")
    for name in ("List-Id", "List-Unsubscribe"):
        if headers.has(name):
            reasons.append(f"mailing list ({name})")
    if _empty_return_path(headers):
        reasons.append("empty Return-Path")
    local_part = from_addr.rpartition("@")[0]
    if _ROBOT_LOCAL_PART.match(local_part):
        reasons.append(f"robot sender {from_addr}")
    report = _report_reason(headers, msg)
    if report:
        reasons.append(report)
    return tuple(reasons)


def is_bulk(headers: HeaderBlock) -> bool:
    """Sent to a list or in bulk (newsletters, list posts)."""
    precedence = _first_word(headers.get("Precedence"))
    return (
        precedence in _BULK_PRECEDENCE or headers.has("List-Id") or headers.has("List-Unsubscribe")
    )


def delivery_status(msg: Message) -> DeliveryStatus | None:
    """The bounce details of a ``multipart/report; report-type=delivery-status``."""
    if content_type(msg) != "multipart/report":
        return None
    if param_text(msg, "report-type").lower() != "delivery-status":
        return None
    fields = _recipient_fields(msg)
    if fields is None:
        return None
    diagnostic = _address_value(fields.get("diagnostic-code"))
    status = _status_code(fields.get("status")) or _status_code(diagnostic) or ""
    action = (fields.get("action") or "").strip().lower()
    permanent = status.startswith("5") if status else action == "failed"
    return DeliveryStatus(
        action=action,
        status=status,
        permanent=permanent,
        final_recipient=_address_value(fields.get("final-recipient")),
        original_message_id=_original_message_id(msg, fields),
        diagnostic=diagnostic,
    )


def _first_word(value: str | None) -> str:
    words = value.split(";")[0].split() if value else []
    return words[0].lower() if words else ""


def _empty_return_path(headers: HeaderBlock) -> bool:
    values = headers.get_all("Return-Path")
    return bool(values) and all(v.strip() in ("<>", "") for v in values)


def _report_reason(headers: HeaderBlock, msg: Message | None) -> str:
    """Every ``multipart/report`` is machine-made (RFC 6522); which kind it is."""
    value = headers.get("Content-Type") or ""
    if not value.strip().lower().startswith("multipart/report"):
        return ""
    match = _REPORT_TYPE.search(value)
    kind = match.group(1).strip("\"'").lower() if match else ""
    if kind == "delivery-status":
        if msg is None or _status_part(msg) is not None:
            return "delivery status notification"
        return "automatic report (delivery-status without a status part)"
    if kind == "disposition-notification":
        return "read receipt (disposition notification)"
    return f"automatic report ({kind or 'no report-type'})"


def _status_part(part: Message, depth: int = 0) -> Message | None:
    """The report's own status part; one inside a returned mail (a bounce of
    a bounce) or further down than any real report nests does not count."""
    if depth > 5 or not part.is_multipart() or not content_type(part).startswith("multipart/"):
        return None
    for child in part.get_payload():
        if not isinstance(child, Message):
            continue
        if content_type(child) in _STATUS_TYPES:
            return child
        if (found := _status_part(child, depth + 1)) is not None:
            return found
    return None


def _recipient_fields(msg: Message) -> dict[str, str] | None:
    """Per-message and first per-recipient fields merged, lower-case names."""
    part = _status_part(msg)
    blocks = _status_blocks(part) if part is not None else []
    if not blocks:
        return None
    merged = dict(blocks[0])
    recipients = blocks[1:] or blocks[:1]
    failed = [b for b in recipients if b.get("action", "").strip().lower() == "failed"]
    merged.update((failed or recipients)[0])
    return merged


def _status_blocks(part: Message) -> list[dict[str, str]]:
    payload = part.get_payload()
    if isinstance(payload, list):
        # The stdlib parses each block of a delivery-status body as headers.
        blocks = [b for b in payload if isinstance(b, Message)]
        return [{k.lower(): _text(v) for k, v in block.raw_items()} for block in blocks]
    raw = part.get_payload(decode=True)
    body = decode_bytes(raw, "utf-8").text if isinstance(raw, bytes) else str(payload)
    text_blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n")):
        fields = dict(_field(line) for line in chunk.split("\n") if ":" in line)
        if fields:
            text_blocks.append(fields)
    return text_blocks


def _field(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


def _text(value: object) -> str:
    return " ".join(
        str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace").split()
    )


def _address_value(value: str | None) -> str | None:
    """``rfc822; user@example.org`` → ``user@example.org``."""
    if not value:
        return None
    kind, sep, rest = value.partition(";")
    return (rest if sep and " " not in kind.strip() else value).strip() or None


def _status_code(value: str | None) -> str | None:
    match = _STATUS_CODE.search(value or "")
    return match.group(1) if match else None


def _original_message_id(msg: Message, fields: dict[str, str]) -> str | None:
    for part in msg.walk():
        kind = content_type(part)
        if kind in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            original = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(original, Message):
                ids = message_ids(raw_header(original, "Message-ID"))
                if ids:
                    return ids[0]
        elif kind in ("text/rfc822-headers", "message/rfc822-headers"):
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
            match = re.search(r"^message-id:\s*(.+(?:\n[ \t].+)*)", text, re.I | re.M)
            if match and message_ids(match.group(1)):
                return message_ids(match.group(1))[0]
    fallback = fields.get("x-original-message-id") or fields.get("original-message-id")
    ids = message_ids(fallback)
    return ids[0] if ids else None
