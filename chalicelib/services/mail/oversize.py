"""Mail too large to unpack (above SES's 40 MB): a ticket that says so, the original
kept and downloadable, and the sender, subject and Message-ID read from the headers alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.errors import MessageError
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import parseaddr

from chalicelib.channels.email.fingerprint import content_digest
from chalicelib.channels.email.message_ids import message_ids
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.events import EventType
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.statuses import Channel
from chalicelib.domain.ticket import MAX_TITLE, Ticket
from chalicelib.services.contacts import find_or_create_contact
from chalicelib.services.context import Services
from chalicelib.services.mail import threading as mail_threading
from chalicelib.services.mail.events import SYSTEM_ACTOR
from chalicelib.services.mail.routing import response_point_for
from chalicelib.services.tickets import FIRST_TICKET_NUMBER, TICKET_NUMBER_COUNTER

_HEADER_FAILURES = (LookupError, ValueError, TypeError, AttributeError, MessageError)


def file_oversize(svc: Services, raw: bytes, entry: MailLogEntry, now: datetime) -> MailLogEntry:
    """Too large to parse here: a ticket that says so, with the original kept and downloadable."""
    entry = identified(entry, raw)
    own_keys = [mail_threading.raw_key_claim(entry.raw_key)]
    if entry.message_id:
        # Unparsed mail does not thread, so it claims only (id, content): the same mail
        # delivered again is a duplicate, another mail reusing the id is not.
        own_keys.append(mail_threading.copy_key(entry.message_id, content_digest(raw)))
    if found := svc.lookups.get_many(own_keys):
        return replace(
            entry,
            outcome=Outcome.IGNORED,
            reason="duplicate delivery of a message already processed",
            ticket_id=next(iter(found.values())),
        )
    subject = entry.subject.strip() or "(no subject)"
    rp = response_point_for(svc, entry.recipients)
    try:
        contact = (
            find_or_create_contact(svc, {"email": entry.sender, "language": rp.language.value})
            if entry.sender
            else None
        )
    except ValidationError:  # a From we cannot read as an address: no contact card
        contact = None
    ticket = Ticket.open_new(
        actor=SYSTEM_ACTOR,
        id=new_ulid(now),
        number=svc.config.next_number(TICKET_NUMBER_COUNTER, FIRST_TICKET_NUMBER),
        title=subject[:MAX_TITLE],
        description="",
        response_point_id=rp.id,
        contact_id=contact.id if contact else None,
        organisation_id=contact.organisation_id if contact else None,
        channel=Channel.EMAIL,
        created_at=now,
        updated_at=now,
    )
    event = ticket.record_message(
        EventType.MESSAGE_IN,
        _oversize_data(svc, raw, entry, subject),
        actor=entry.sender or SYSTEM_ACTOR,
        now=now,
        event_id=new_ulid(now),
    )
    try:
        svc.tickets.add(ticket, claims=dict.fromkeys(own_keys, ticket.id))
    except ConflictError:
        if not (found := svc.lookups.get_many(own_keys)):
            raise
        return replace(
            entry,
            outcome=Outcome.IGNORED,
            reason="duplicate delivery processed concurrently",
            ticket_id=next(iter(found.values())),
        )
    return replace(
        entry,
        outcome=Outcome.CREATED,
        ticket_id=ticket.id,
        event_id=event.event_id,
        reason="too large to unpack; original kept",
    )


def _oversize_data(
    svc: Services, raw: bytes, entry: MailLogEntry, subject: str
) -> dict[str, object]:
    size_mb = len(raw) / 1024 / 1024
    note = (
        f"This e-mail from {entry.sender or 'an unknown sender'} is {size_mb:.1f} MB, above the "
        f"limit of {svc.mail.max_message_bytes / 1024 / 1024:.0f} MB. "
        "It was not unpacked; the original is kept."
    )
    return {
        "channel": "email",
        "from": entry.sender,
        "subject": subject,
        "text": note,
        "html": "",
        "stripped_text": note,
        "attachments": [],
        "raw_key": entry.raw_key,
        "threading_rule": "oversize",
        "auto_reply": False,
        "auto_reply_reasons": [],
        "is_bulk": False,
        "bounce": None,
        "problems": ["too large"],
        "size": len(raw),
        "to": entry.recipients,
        "cc": [],
        "message_id": entry.message_id,
        "oversize": True,
    }


def identified(entry: MailLogEntry, raw: bytes) -> MailLogEntry:
    """Sender, subject and Message-ID read leniently from the headers alone, so that a
    mail that was not unpacked (too large, or quarantined) is still found in the log."""
    try:
        headers = BytesHeaderParser(policy=default_policy).parsebytes(raw[:200_000])
        sender = parseaddr(str(headers.get("From", "") or ""))[1].strip().lower()
        subject = " ".join(str(headers.get("Subject", "") or "").split())
        ids = message_ids(str(headers.get("Message-ID", "") or ""))
    except _HEADER_FAILURES:
        return entry
    return replace(
        entry,
        sender=entry.sender or sender[:254],
        subject=entry.subject or subject[:300],
        message_id=entry.message_id or (ids[0] if ids else ""),
    )
