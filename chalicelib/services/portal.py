"""The customer portal (S16 "notify by link"): a signed, expiring link shows one
ticket's public history and takes the customer's reply, which joins the ticket
like an e-mail reply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.channels.message import InboundAttachment, InboundMessage
from chalicelib.domain import portal_token
from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    TooManyRequestsError,
    ValidationError,
)
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory
from chalicelib.services.context import Services
from chalicelib.services.mail import routing as mail_routing
from chalicelib.services.mail import threading as mail_threading
from chalicelib.services.mail.intake import file_message
from chalicelib.services.visibility import require_role

PUBLIC_EVENTS = {
    EventType.CREATED,
    EventType.MESSAGE_IN,
    EventType.MESSAGE_OUT,
    EventType.STATUS_CHANGED,
    EventType.REOPENED,
}
MESSAGES = {EventType.MESSAGE_IN, EventType.MESSAGE_OUT}
MAX_PORTAL_TEXT = 50_000
MAX_PORTAL_FILES = 10
MAX_PORTAL_BYTES = 20 * 1024 * 1024
# At most this many portal replies per link in one ten-minute window (issue 10).
MAX_REPLIES_PER_WINDOW = 5
REPLY_WINDOW_MINUTES = 10


@dataclass(frozen=True)
class PortalView:
    ticket: Ticket
    contact: Contact
    events: list[TicketEvent]
    language: str
    response_point_name: str


def _grant(svc: Services, token: str) -> tuple[portal_token.PortalGrant, Ticket, Contact]:
    """The ticket and contact a link opens, checked against what is stored now: a link dies
    when the contact's addresses are no longer those it was mailed to, when an admin
    revoked the ticket's links, and when the ticket is closed past its response point's
    reopen window. First-format links (bound to no address) are refused."""
    now = svc.clock()
    grant = portal_token.verify(token, svc.mail.secret, now)
    if grant.legacy:
        raise AuthenticationError("this link is not valid", code="bad_link")
    try:
        ticket = svc.tickets.get(grant.ticket_id)
        contact = svc.contacts.get(grant.contact_id)
    except NotFoundError:
        raise AuthenticationError("this link is not valid", code="bad_link") from None
    if ticket.contact_id != contact.id:
        raise AuthenticationError("this link is not valid", code="bad_link")
    if not contact.emails or grant.address_hash != portal_token.address_hash(
        contact.emails, svc.mail.secret
    ):
        raise AuthenticationError("this link is not valid", code="address_changed")
    if grant.generation != ticket.portal_generation:
        raise AuthenticationError("this link is not valid", code="revoked_link")
    if not ticket.is_open and not mail_routing.within_reopen_window(svc, ticket, now):
        raise AuthenticationError("this link is not valid", code="ticket_closed")
    return grant, ticket, contact


def _is_public(event: TicketEvent, contact: Contact) -> bool:
    # Bounces are robots' mail about our delivery; they can name bcc recipients.
    if event.type not in PUBLIC_EVENTS or event.data.get("bounce"):
        return False
    if event.type not in MESSAGES:
        return True
    # Only the contact's own conversation: not our mail to a supplier, not a stranger's mail.
    addresses = {str(a).lower() for a in event.data.get("to") or []}
    addresses |= {str(a).lower() for a in event.data.get("cc") or []}
    addresses.add(str(event.data.get("from") or "").lower())
    return (
        bool(addresses & {e.lower() for e in contact.emails})
        or event.data.get("channel") == "portal"
    )


def view(svc: Services, token: str) -> PortalView:
    _, ticket, contact = _grant(svc, token)
    events = [e for e in svc.tickets.events(ticket.id) if _is_public(e, contact)]
    rp = directory.response_point(svc, ticket.response_point_id)
    language = (
        contact.language.value if contact.language.value in ("sv", "en") else rp.language.value
    )
    return PortalView(ticket, contact, events, language, rp.name)


def attachment(
    svc: Services, token: str, event_id: str, index: int
) -> tuple[dict[str, Any], bytes]:
    """A file of a public message of this ticket, and nothing else."""
    _, ticket, contact = _grant(svc, token)
    for event in svc.tickets.events(ticket.id):
        if event.event_id == event_id and event.type in MESSAGES and _is_public(event, contact):
            files = event.data.get("attachments") or []
            if 0 <= index < len(files):
                ref = files[index]
                return ref, svc.blobs.get(str(ref["key"]))
    raise NotFoundError("no such file")


def reply(
    svc: Services, token: str, text: str, files: list[tuple[str, str, bytes]]
) -> MailLogEntry:
    """The customer writes from the portal; stored first, then filed like an e-mail reply."""
    _, ticket, contact = _grant(svc, token)
    if not text.strip() and not files:
        raise ValidationError("write a message or attach a file")
    if len(text) > MAX_PORTAL_TEXT or len(files) > MAX_PORTAL_FILES:
        raise ValidationError(f"at most {MAX_PORTAL_TEXT} characters and {MAX_PORTAL_FILES} files")
    if sum(len(f[2]) for f in files) > MAX_PORTAL_BYTES:
        raise PayloadTooLargeError("attachments above 20 MB in all")
    now = svc.clock()
    _count_reply(svc, token, now)
    entry_id = new_ulid(now)
    raw_key = f"portal/{entry_id}.json"
    # What the customer sent is kept as it arrived, like a raw e-mail.
    svc.blobs.put(
        raw_key,
        json.dumps(
            {
                "ticket_id": ticket.id,
                "contact_id": contact.id,
                "text": text,
                "files": [f[0] for f in files],
            },
            ensure_ascii=False,
        ).encode(),
        "application/json",
    )
    for index, (_, ctype, payload) in enumerate(files):
        svc.blobs.put(f"{raw_key}.files/{index}", payload, ctype)
    sender = contact.emails[0] if contact.emails else f"contact-{contact.id}@portal.invalid"
    msg = InboundMessage(
        from_addr=sender,
        from_name=contact.name,
        to=(),
        cc=(),
        reply_to=(),
        subject=ticket.title,
        date=now,
        message_id=None,
        in_reply_to=None,
        references=(),
        text=text,
        html_raw="",
        html_sanitised="",
        stripped_text=text,
        attachments=tuple(InboundAttachment(n, c, p) for n, c, p in files),
        auto_reply=False,
        auto_reply_reasons=(),
        is_bulk=False,
        dsn=None,
        loop_header=None,
        return_path=None,
        headers_raw_size=0,
        size=len(text.encode()) + sum(len(f[2]) for f in files),
        problems=(),
    )
    entry = MailLogEntry(
        id=entry_id,
        received_at=now,
        raw_key=raw_key,
        outcome=Outcome.QUARANTINED,
        sender=sender,
        subject=ticket.title[:300],
        message_id=f"portal-{entry_id.lower()}@portal",
    )
    rp = directory.response_point(svc, ticket.response_point_id)
    # A portal message is unique by its id: its "digest" is the entry id.
    own = mail_threading.OwnKeys(raw_key, entry.message_id, entry_id)
    result = file_message(svc, msg, entry, rp, ticket.id, "portal", own, now, channel="portal")
    svc.mail_log.put(result)
    return result


def _count_reply(svc: Services, token: str, now: datetime) -> None:
    """TooManyRequestsError past MAX_REPLIES_PER_WINDOW replies of one link in the current
    ten-minute window (an atomic counter in Config that TTL removes an hour later)."""
    window = now.minute // REPLY_WINDOW_MINUTES
    counter = f"portal-replies:{portal_token.signature_key(token)}:{now:%Y%m%d%H}{window}"
    count = svc.config.next_number(counter, 1, expires_at=now + timedelta(hours=1))
    if count > MAX_REPLIES_PER_WINDOW:
        raise TooManyRequestsError(
            f"at most {MAX_REPLIES_PER_WINDOW} messages in {REPLY_WINDOW_MINUTES} minutes; "
            "please wait a little",
            code="too_many_replies",
        )


def revoke_links(svc: Services, actor: User, ticket_id: str) -> Ticket:
    """Admin only: every portal link issued for the ticket so far stops working (the
    ticket's link generation goes up, recorded in its history); later mail carries new ones."""
    require_role(actor, Role.ADMIN)
    for attempt in range(5):
        ticket = svc.tickets.get(ticket_id)
        ticket.revoke_portal_links(actor.id, svc.clock())
        try:
            svc.tickets.save(ticket)
            return ticket
        except ConflictError:  # changed a moment ago: read it again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")
