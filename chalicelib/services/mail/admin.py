"""What admins and agents see of mail: the mail log, the quarantine, the originals."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Any

from chalicelib.domain.errors import NotFoundError, PayloadTooLargeError, ValidationError
from chalicelib.domain.events import EventType
from chalicelib.domain.mail_log import MailLogEntry
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.signatures import Signature
from chalicelib.services import inputs
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from chalicelib.services.mail.records import SIGNATURE
from chalicelib.services.visibility import require_role, visible_ticket

MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif"}


def mail_log(svc: Services, actor: User, params: dict[str, str]) -> list[MailLogEntry]:
    require_role(actor, Role.ADMIN)
    if params.get("message_id"):
        from chalicelib.channels.email.message_ids import normalise_message_id

        return svc.mail_log.by_message_id(normalise_message_id(params["message_id"]))
    now = svc.clock()
    until = inputs.instant(params, "until") or now
    since = inputs.instant(params, "since") or until - timedelta(days=7)
    limit = inputs.limit(params.get("limit"), default=100, maximum=500)
    if params.get("sender"):
        return svc.mail_log.by_sender(params["sender"].strip().lower(), since, until, limit)
    return svc.mail_log.between(since, until, limit)


def quarantine(svc: Services, actor: User) -> list[MailLogEntry]:
    require_role(actor, Role.ADMIN)
    return svc.mail_log.quarantined()


def replay(svc: Services, actor: User, entry_id: str) -> MailLogEntry:
    require_role(actor, Role.ADMIN)
    return mail_intake.replay(svc, entry_id)


def quarantined_raw(svc: Services, actor: User, entry_id: str) -> bytes:
    require_role(actor, Role.ADMIN)
    return svc.blobs.get(svc.mail_log.get(entry_id).raw_key)


def _message_event(svc: Services, actor: User, ticket_id: str, event_id: str) -> dict[str, Any]:
    ticket = visible_ticket(svc, actor, ticket_id)
    for event in svc.tickets.events(ticket.id):
        if event.event_id == event_id and event.type in (
            EventType.MESSAGE_IN,
            EventType.MESSAGE_OUT,
            EventType.CONSULTATION_SENT,  # S6: the question, its reminders and the answer
            EventType.CONSULTATION_REMINDED,
            EventType.EXTERNAL_ANSWER,
        ):
            return event.data
    raise NotFoundError(f"no message {event_id!r} on this ticket")


def original_message(svc: Services, actor: User, ticket_id: str, event_id: str) -> bytes:
    """S4: the original e-mail, exactly as received (or as sent)."""
    data = _message_event(svc, actor, ticket_id, event_id)
    if not data.get("raw_key"):
        raise NotFoundError("this message has no stored original")
    return svc.blobs.get(str(data["raw_key"]))


def message_attachment(
    svc: Services, actor: User, ticket_id: str, event_id: str, index: int
) -> tuple[dict[str, Any], bytes]:
    files = _message_event(svc, actor, ticket_id, event_id).get("attachments") or []
    if not 0 <= index < len(files):
        raise NotFoundError("no such attachment")
    return files[index], svc.blobs.get(str(files[index]["key"]))


# --- signatures (S13) ------------------------------------------------------------


def list_signatures(svc: Services, actor: User) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    return svc.config.list(SIGNATURE)


def put_signature(svc: Services, actor: User, signature_id: str, body: Any) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    data = inputs.require_object(body)
    inputs.only_keys(data, {"id", "scope", "text", "html"})
    existing = svc.config.get(SIGNATURE, signature_id) or {}
    signature = from_record(Signature, {**existing, **data, "id": signature_id})
    for other in svc.config.list(SIGNATURE):
        if other["scope"] == signature.scope and other["id"] != signature_id:
            raise ValidationError(
                f"scope {signature.scope!r} already has signature {other['id']!r}"
            )
    record = to_record(signature)
    svc.config.put(SIGNATURE, signature_id, record)
    return record


def put_signature_logo(svc: Services, actor: User, signature_id: str, body: Any) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = svc.config.get(SIGNATURE, signature_id)
    if record is None:
        raise NotFoundError(f"no signature {signature_id!r}")
    data = inputs.require_object(body)
    content_type = inputs.text(data, "content_type", max_len=40, required=True) or ""
    if content_type not in LOGO_TYPES:
        raise ValidationError(f"a logo must be one of {sorted(LOGO_TYPES)}")
    try:
        payload = base64.b64decode(
            inputs.text(data, "content_base64", max_len=1_000_000, required=True) or "",
            validate=True,
        )
    except (binascii.Error, ValueError):
        raise ValidationError("content_base64 is not valid base64") from None
    if len(payload) > MAX_LOGO_BYTES:
        raise PayloadTooLargeError("a logo is at most 512 KB")
    key = f"signatures/{signature_id}/logo"
    svc.blobs.put(key, payload, content_type)
    record.update(logo_key=key, logo_content_type=content_type)
    svc.config.put(SIGNATURE, signature_id, record)
    return record


def delete_signature(svc: Services, actor: User, signature_id: str) -> None:
    require_role(actor, Role.ADMIN)
    if svc.config.get(SIGNATURE, signature_id) is None:
        raise NotFoundError(f"no signature {signature_id!r}")
    svc.config.delete(SIGNATURE, signature_id)
