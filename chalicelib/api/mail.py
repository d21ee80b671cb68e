"""Mail routes: replies, originals and attachments, the mail log, the quarantine,
signatures, and (local stack only) the outbox."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.present import event_json
from chalicelib.api.routing import MAX_FILE_BODY_BYTES, Call, endpoint
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.mail_log import MailLogEntry
from chalicelib.domain.organisation import Role
from chalicelib.domain.records import to_record
from chalicelib.domain.timefmt import iso
from chalicelib.services.mail import admin as mail_admin
from chalicelib.services.mail import outbound
from chalicelib.services.visibility import require_role

bp = Blueprint(__name__)

# Types a browser may show inline (the cid: images of a mail); anything else downloads.
INLINE_SAFE = {"image/png", "image/jpeg", "image/gif", "image/webp"}
_UNSAFE_NAME = re.compile(r'[\x00-\x1f"\\]')


def log_json(entry: MailLogEntry) -> dict[str, Any]:
    record = to_record(entry)
    record["received_at"] = iso(entry.received_at)
    record["replayed_at"] = iso(entry.replayed_at) if entry.replayed_at else None
    record["in_quarantine"] = entry.in_quarantine
    return record


def download(payload: bytes, content_type: str, filename: str, *, inline: bool = False) -> Response:
    safe_type = (
        content_type if inline and content_type in INLINE_SAFE else "application/octet-stream"
    )
    if content_type == "message/rfc822":
        safe_type = "message/rfc822"
    ascii_name = _UNSAFE_NAME.sub("_", filename.encode("ascii", "replace").decode()) or "file"
    from urllib.parse import quote

    disposition = "inline" if safe_type in INLINE_SAFE else "attachment"
    return Response(
        body=payload,
        status_code=200,
        headers={
            "Content-Type": safe_type,
            "Content-Disposition": (
                f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


@endpoint(
    bp, "/api/tickets/{ticket_id}/replies", ["POST"], status=201, max_body=MAX_FILE_BODY_BYTES
)
def send_reply(call: Call) -> dict[str, Any]:
    body = call.body()
    if isinstance(body, dict) and {"include_children", "close_parent"} & set(body):
        # A parent's reply to its children too (S10): services/parent_tickets.py.
        from chalicelib.services import parent_tickets

        return event_json(
            parent_tickets.reply_with_children(call.svc, call.actor, call.params["ticket_id"], body)
        )
    if isinstance(body, dict) and body.get("channel") in ("facebook", "x"):
        # Messenger / X direct message (issue 13): services/social/replies.py.
        from chalicelib.services.social import replies

        return event_json(replies.send_reply(call.svc, call.actor, call.params["ticket_id"], body))
    if isinstance(body, dict) and body.get("channel") == "sms":
        # A text to the contact's mobile (issue 13): services/sms/outbound.py.
        from chalicelib.services.sms import outbound as sms_outbound

        return event_json(
            sms_outbound.send_sms_reply(call.svc, call.actor, call.params["ticket_id"], body)
        )
    return event_json(outbound.send_reply(call.svc, call.actor, call.params["ticket_id"], body))


@endpoint(bp, "/api/tickets/{ticket_id}/events/{event_id}/raw", ["GET"])
def original(call: Call) -> Response:
    raw = mail_admin.original_message(
        call.svc, call.actor, call.params["ticket_id"], call.params["event_id"]
    )
    return download(raw, "message/rfc822", f"{call.params['event_id']}.eml")


@endpoint(bp, "/api/tickets/{ticket_id}/events/{event_id}/attachments/{index}", ["GET"])
def attachment(call: Call) -> Response:
    if not call.params["index"].isdigit():
        raise NotFoundError("no such attachment")
    ref, payload = mail_admin.message_attachment(
        call.svc,
        call.actor,
        call.params["ticket_id"],
        call.params["event_id"],
        int(call.params["index"]),
    )
    return download(
        payload, str(ref.get("content_type", "")), str(ref.get("filename", "file")), inline=True
    )


@endpoint(bp, "/api/admin/mail-log", ["GET"])
def mail_log(call: Call) -> dict[str, Any]:
    return {"items": [log_json(e) for e in mail_admin.mail_log(call.svc, call.actor, call.query)]}


@endpoint(bp, "/api/admin/quarantine", ["GET"])
def quarantine(call: Call) -> dict[str, Any]:
    return {"items": [log_json(e) for e in mail_admin.quarantine(call.svc, call.actor)]}


@endpoint(bp, "/api/admin/quarantine/{entry_id}/raw", ["GET"])
def quarantine_raw(call: Call) -> Response:
    raw = mail_admin.quarantined_raw(call.svc, call.actor, call.params["entry_id"])
    return download(raw, "message/rfc822", f"{call.params['entry_id']}.eml")


@endpoint(bp, "/api/admin/quarantine/{entry_id}/replay", ["POST"])
def replay(call: Call) -> dict[str, Any]:
    return log_json(mail_admin.replay(call.svc, call.actor, call.params["entry_id"]))


@endpoint(bp, "/api/admin/signatures", ["GET"])
def signatures(call: Call) -> dict[str, Any]:
    return {"items": mail_admin.list_signatures(call.svc, call.actor)}


@endpoint(bp, "/api/admin/signatures/{signature_id}", ["PUT"])
def put_signature(call: Call) -> dict[str, Any]:
    return mail_admin.put_signature(call.svc, call.actor, call.params["signature_id"], call.body())


@endpoint(bp, "/api/admin/signatures/{signature_id}", ["DELETE"])
def delete_signature(call: Call) -> dict[str, Any]:
    mail_admin.delete_signature(call.svc, call.actor, call.params["signature_id"])
    return {"deleted": call.params["signature_id"]}


@endpoint(bp, "/api/admin/signatures/{signature_id}/logo", ["PUT"], max_body=MAX_FILE_BODY_BYTES)
def put_logo(call: Call) -> dict[str, Any]:
    return mail_admin.put_signature_logo(
        call.svc, call.actor, call.params["signature_id"], call.body()
    )


@endpoint(bp, "/api/dev/outbox", ["GET"])
def outbox(call: Call) -> dict[str, Any]:
    """Local stack only: the mails 'sent', newest last (admins)."""
    require_role(call.actor, Role.ADMIN)
    folder = getattr(call.svc.mailer, "folder", None)
    if not isinstance(folder, Path):
        raise ValidationError("the outbox exists only in the local stack", code="not_local")
    names = sorted(p.name for p in folder.glob("*.eml")) if folder.exists() else []
    limit = int(call.query.get("limit", "50")) if call.query.get("limit", "50").isdigit() else 50
    items = []
    for name in names[-limit:]:
        items.append({"name": name, "raw": (folder / name).read_bytes().decode("utf-8", "replace")})
    return {"items": items, "total": len(names)}
