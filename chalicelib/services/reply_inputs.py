"""What an agent's reply may carry, checked before anything is built, stored or sent:
its fields, its attachments, recipients that can take mail, and a confirmation when the
contact's address changed recently (issue 10)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from chalicelib.channels.email.mime_out import OutboundAttachment
from chalicelib.domain.email_address import unreachable_reason
from chalicelib.domain.errors import ConflictError, PayloadTooLargeError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import inputs

MAX_REPLY_ATTACHMENT_BYTES = 4 * 1024 * 1024  # base64 in a request that Lambda caps at 6 MB
MAX_TEXT = 100_000
REPLY_KEYS = {
    "text",
    "html",
    "cc",
    "bcc",
    "attachments",
    "ask_customer",
    "to",
    "confirm_address_change",
    "status",  # "Send and set status" (issue 15, domain/reply_workflow.py)
    "take_over",  # the agent agreed to take the ticket from its holder
}
_CONTAINER_TYPES = ("multipart/", "message/")


def check_address_change(ticket: Ticket, actor: User, confirmed: Any, now: datetime) -> None:
    """A recent change of the contact's addresses (an attacker may have set one, issue 10)
    stops the next reply until an agent confirms they checked it (409 ``address_changed``)."""
    warning = ticket.address_warning(now)
    if warning is None:
        return
    if confirmed is not True:
        before = ", ".join(warning.get("before") or []) or "none"
        after = ", ".join(warning.get("after") or []) or "none"
        raise ConflictError(
            f"the contact's address was changed by {warning.get('by')} at {warning.get('at')} "
            f"({before} -> {after}); check it, then send again confirming the change",
            code="address_changed",
        )
    ticket.confirm_address_change(actor.id, now)


def refuse_unreachable(recipients: list[str]) -> None:
    """Refuse a reply before anything is built, stored or sent when one of its recipients
    cannot take mail from us: the agent learns why now rather than from a bounce."""
    for address in dict.fromkeys(recipients):
        reason = unreachable_reason(address)
        if reason is not None:
            raise ValidationError(
                f"cannot send to {address}: {reason}",
                code="address_unreachable",
            )


def attachments(value: Any) -> list[OutboundAttachment]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 20:
        raise ValidationError("attachments must be a list of at most 20 files")
    files, total = [], 0
    for item in value:
        if not isinstance(item, dict):
            raise ValidationError("each attachment needs filename, content_type and content_base64")
        name = inputs.text(item, "filename", max_len=255, required=True) or ""
        ctype = inputs.text(item, "content_type", max_len=100) or "application/octet-stream"
        if ctype.strip().lower().startswith(_CONTAINER_TYPES):
            # A file is a leaf: a multipart or message type would make the mail's structure
            # say something else than what was attached (issue 10).
            raise ValidationError(
                f"attachment {name!r}: content type {ctype!r} is a container, not a file; "
                "send it as application/octet-stream",
                code="bad_content_type",
            )
        try:
            payload = base64.b64decode(
                inputs.text(item, "content_base64", max_len=40_000_000, required=True) or "",
                validate=True,
            )
        except (binascii.Error, ValueError):
            raise ValidationError(f"attachment {name!r} is not valid base64") from None
        total += len(payload)
        if total > MAX_REPLY_ATTACHMENT_BYTES:
            raise PayloadTooLargeError("attachments above 4 MB in all")
        files.append(OutboundAttachment(name, ctype, payload))
    return files
