"""What a received message becomes in the history: attachments stored, HTML
sanitised against their URLs, and the event data an agent reads (S4, S5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.channels.email.html_clean import sanitise_html
from chalicelib.channels.message import InboundMessage
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.mail_log import MailLogEntry
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services

SYSTEM_ACTOR = "system:mail"  # who acts for mail that has no sender we can name

# An event item must stay well under DynamoDB's 400 KB; longer bodies are cut here
# and stay whole in the stored original (downloadable from the ticket).
MAX_BODY_CHARS = 60_000


def attachment_key(event_id: str, index: int) -> str:
    return f"attachments/{event_id}/{index}"


def attachment_url(ticket_id: str, event_id: str, index: int) -> str:
    return f"/api/tickets/{ticket_id}/events/{event_id}/attachments/{index}"


def store_attachments(
    svc: Services, msg: InboundMessage, ticket_id: str, event_id: str
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Store every attachment; return their references and the content-id -> URL map."""
    refs: list[dict[str, Any]] = []
    cid_map: dict[str, str] = {}
    for index, attachment in enumerate(msg.attachments):
        key = attachment_key(event_id, index)
        svc.blobs.put(key, attachment.payload, attachment.content_type)
        refs.append(
            {
                "index": index,
                "key": key,
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "content_id": attachment.content_id,
                "inline": attachment.inline,
            }
        )
        if attachment.content_id:
            cid_map[attachment.content_id] = attachment_url(ticket_id, event_id, index)
    return refs, cid_map


def _cut(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_BODY_CHARS:
        return text, False
    return text[:MAX_BODY_CHARS], True


def inbound_event_data(
    msg: InboundMessage,
    *,
    raw_key: str,
    message_id: str,
    attachments: list[dict[str, Any]],
    cid_map: dict[str, str],
    threading_rule: str,
    channel: str = "email",
) -> dict[str, Any]:
    text, text_cut = _cut(msg.text)
    html, html_cut = _cut(sanitise_html(msg.html_raw, cid_map) if msg.html_raw else "")
    stripped, _ = _cut(msg.stripped_text)
    dsn = None
    if msg.dsn is not None:
        dsn = {
            "action": msg.dsn.action,
            "status": msg.dsn.status,
            "permanent": msg.dsn.permanent,
            "final_recipient": msg.dsn.final_recipient,
            "original_message_id": msg.dsn.original_message_id,
            "diagnostic": msg.dsn.diagnostic,
        }
    return {
        "channel": channel,
        "from": msg.from_addr,
        "from_name": msg.from_name,
        "to": list(msg.to),
        "cc": list(msg.cc),
        "reply_to": list(msg.reply_to),
        "subject": msg.subject,
        "date": msg.date.isoformat() if msg.date else None,
        "message_id": message_id,
        "in_reply_to": msg.in_reply_to,
        "references": list(msg.references),
        "text": text,
        "html": html,
        "stripped_text": stripped,
        "body_truncated": text_cut or html_cut,
        "attachments": attachments,
        "raw_key": raw_key,
        "threading_rule": threading_rule,
        "auto_reply": msg.auto_reply,
        "auto_reply_reasons": list(msg.auto_reply_reasons),
        "is_bulk": msg.is_bulk,
        "bounce": dsn,
        "problems": list(msg.problems),
        "size": msg.size,
    }


def record_inbound(
    svc: Services,
    msg: InboundMessage,
    entry: MailLogEntry,
    ticket: Ticket,
    event_id: str,
    message_id: str,
    rule: str,
    channel: str,
    now: datetime,
) -> TicketEvent:
    """Store the attachments under the event's id, then add the message to the history."""
    refs, cid_map = store_attachments(svc, msg, ticket.id, event_id)
    data = inbound_event_data(
        msg,
        raw_key=entry.raw_key,
        message_id=message_id,
        attachments=refs,
        cid_map=cid_map,
        threading_rule=rule,
        channel=channel,
    )
    return ticket.record_message(
        EventType.MESSAGE_IN, data, actor=msg.from_addr or SYSTEM_ACTOR, now=now, event_id=event_id
    )
