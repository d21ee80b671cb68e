"""E-mail intake (S1, S5, S8): one function for every way a mail arrives.

The raw message is already stored (SES wrote it to S3, the local SMTP server
to the blob folder) before this runs, so whatever happens here the customer's
mail is not lost: it becomes a ticket, joins one, or lands in the quarantine
with the reason, from where an admin can replay it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from time import sleep

from aws_lambda_powertools import Logger

from chalicelib.channels.email import loop_guard, senders
from chalicelib.channels.email.errors import MailParseError
from chalicelib.channels.email.fingerprint import content_digest
from chalicelib.channels.email.mime_in import parse_message
from chalicelib.channels.message import LOOP_HEADER, InboundMessage
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.events import EventType
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.statuses import Channel, Status
from chalicelib.domain.ticket import MAX_DESCRIPTION, MAX_TITLE, Ticket
from chalicelib.services import directory, lookup_keys, routing
from chalicelib.services.consultation import mail as consultation_mail
from chalicelib.services.contacts import find_or_create_contact
from chalicelib.services.context import Services
from chalicelib.services.crm.membership import organisation_of
from chalicelib.services.mail import threading as mail_threading
from chalicelib.services.mail.bounces import file_delivery_report
from chalicelib.services.mail.events import SYSTEM_ACTOR, record_inbound
from chalicelib.services.mail.outbound import note_acknowledgement_due
from chalicelib.services.mail.oversize import file_oversize, identified
from chalicelib.services.mail.routing import (
    address_forms,
    is_our_own,
    response_point_for,
    within_reopen_window,
)
from chalicelib.services.tickets import FIRST_TICKET_NUMBER, TICKET_NUMBER_COUNTER
from chalicelib.services.transient import is_transient

logger = Logger(service="servit-mail")

# Seconds to wait before trying a mail again after throttling or a timeout (then: quarantine).
RETRY_DELAYS = (0.2, 1.0, 3.0)
# The mail log indexes Message-IDs (a DynamoDB key: at most 2,048 bytes); absurd ones are cut.
MAX_LOGGED_ID = 500
REUSED_ID = "message-id reused by a different message"
NO_SENDER = "no usable sender address in the mail; filed under a contact without address"
UNKNOWN_SENDER = "Unknown sender"


def ingest(
    svc: Services,
    raw_key: str,
    envelope_recipients: list[str],
    *,
    entry_id: str | None = None,
    hold: str | None = None,
    envelope_sender: str | None = None,
) -> MailLogEntry:
    """Process one stored raw message; returns (and records) where it went.

    ``envelope_sender`` is the SMTP MAIL FROM, the last place a sender address is taken
    from when the headers name none. ``hold`` is why the mail must not be filed yet
    (SES's scan found a virus or spam): it goes to the quarantine with that reason, once
    however often it is delivered; an admin's replay (which passes no hold) files it.
    """
    now = svc.clock()
    if hold is not None:
        earlier = svc.lookups.get(lookup_keys.held_mail(raw_key))
        if earlier is not None:
            logger.info("held mail delivered again", extra={"raw_key": raw_key})
            try:
                return svc.mail_log.get(earlier)
            except NotFoundError:
                pass  # the log entry was never written: hold it now
    entry = MailLogEntry(
        id=entry_id or new_ulid(now),
        received_at=now,
        raw_key=raw_key,
        outcome=Outcome.QUARANTINED,
        recipients=[r.lower() for r in envelope_recipients],
        envelope_sender=(envelope_sender or "")[:320],
    )
    raw = b""
    for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
        try:
            raw = svc.blobs.get(raw_key)
            if hold is not None:
                entry = replace(identified(entry, raw), outcome=Outcome.QUARANTINED, reason=hold)
            elif len(raw) > svc.mail.max_message_bytes:
                entry = file_oversize(svc, raw, entry, now)
            else:
                parsed = parse_message(raw, max_attachments=svc.mail.max_attachments)
                entry = _process(svc, parsed, raw, entry, now, envelope_sender)
        except MailParseError as error:
            entry = replace(
                identified(entry, raw),
                outcome=Outcome.QUARANTINED,
                reason=f"cannot parse: {error.message}",
            )
        except Exception as error:  # the intake boundary: any failure keeps the mail
            if delay is not None and is_transient(error):
                # Throttling or a timeout: every step is idempotent (the raw key is claimed in
                # the ticket's own transaction), so the whole mail is simply tried again.
                logger.warning(
                    "mail intake: transient failure, trying again",
                    extra={"raw_key": raw_key, "attempt": attempt, "error": repr(error)},
                )
                sleep(delay)
                continue
            logger.exception("mail intake failed", extra={"raw_key": raw_key})
            kind = (
                "transient failure, still failing after retries"
                if is_transient(error)
                else "processing failed"
            )
            entry = replace(
                identified(entry, raw),
                outcome=Outcome.QUARANTINED,
                reason=f"{kind}: {type(error).__name__}: {error}"[:1000],
            )
        break
    svc.mail_log.put(entry)
    if hold is not None and entry.reason == hold:  # after the log entry it points to
        svc.lookups.put(lookup_keys.held_mail(raw_key), entry.id)
    logger.info(
        "mail processed",
        extra={"raw_key": raw_key, "outcome": entry.outcome.value, "ticket_id": entry.ticket_id},
    )
    return entry


def replay(svc: Services, entry_id: str) -> MailLogEntry:
    """Run a quarantined message through intake again (once its cause is fixed)."""
    previous = svc.mail_log.get(entry_id)
    if not previous.in_quarantine:
        raise ValidationError("only quarantined mail can be replayed")
    result = ingest(
        svc,
        previous.raw_key,
        previous.recipients,
        entry_id=previous.id,
        envelope_sender=previous.envelope_sender or None,
    )
    # The mail arrived when it arrived: the log keeps that time and notes the replay.
    result = replace(result, received_at=previous.received_at, replayed_at=svc.clock())
    svc.mail_log.put(result)
    return result


def _process(
    svc: Services,
    msg: InboundMessage,
    raw: bytes,
    entry: MailLogEntry,
    now: datetime,
    envelope_sender: str | None = None,
) -> MailLogEntry:
    message_id = msg.message_id or f"{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid"
    msg = senders.with_envelope_fallback(msg, envelope_sender)
    entry = replace(
        entry,
        sender=msg.from_addr,
        subject=msg.subject[:300],
        message_id=message_id[:MAX_LOGGED_ID],
    )
    if is_our_own(svc, msg, message_id):
        return replace(entry, outcome=Outcome.IGNORED, reason="our own mail came back (loop guard)")
    recipients = list(dict.fromkeys(entry.recipients + list(msg.to) + list(msg.cc)))
    rp = response_point_for(svc, recipients)
    hints = mail_threading.clues(msg, recipients, rp, svc.mail.secret)
    own = mail_threading.OwnKeys(entry.raw_key, message_id, content_digest(raw))
    dsn_key = (
        mail_threading.msgid_key(msg.dsn.original_message_id)
        if msg.dsn and msg.dsn.original_message_id
        else None
    )
    # The sender's contact rides along: a known sender costs no extra read.
    contact_key = mail_threading.contact_email_key(msg.from_addr) if msg.from_addr else None
    extra = [k for k in (dsn_key, contact_key) if k]
    # One batch read answers "seen before?", threading and the contact at once.
    found = svc.lookups.get_many(own.keys() + hints.lookup_keys() + extra)
    if (earlier := own.delivered_before(found)) is not None:
        return _duplicate(entry, earlier, "duplicate delivery of a message already processed")
    if mail_threading.msgid_key(message_id) in found:
        # The id is taken by a different mail (trackers, scripts, broken mailers reuse ids):
        # file this one as well, under a key of its own. Only this case costs a read more.
        if (earlier := svc.lookups.get(own.copy())) is not None:
            return _duplicate(entry, earlier, "duplicate delivery of a message already processed")
        own = replace(own, reused=True)
        entry, msg = _noted(entry, msg, REUSED_ID)
    if msg.dsn is not None:
        target = found.get(dsn_key) if dsn_key else None
        ticket_of = mail_threading.KnownMessage.parse(target).ticket_id if target else None
        return file_delivery_report(svc, msg, entry, ticket_of, own, now)
    # A consultation's reply address (S6) comes before the ticket rules: the answer is its.
    if (answer := consultation_mail.file_answer(svc, msg, entry, recipients, own, now)) is not None:
        return answer
    ticket_id, rule = mail_threading.match(found, hints)
    if ticket_id is None and loop_guard.quotes_our_automatic_mail(msg, svc.mail.secret):
        msg = loop_guard.as_automatic(msg)
    if not msg.from_addr:
        entry, msg = _noted(entry, msg, NO_SENDER)
    known = found.get(contact_key) if contact_key else None
    result = file_message(svc, msg, entry, rp, ticket_id, rule, own, now, contact_id=known)
    if own.reused and result.outcome is not Outcome.IGNORED:
        mail_threading.mark_reused(svc, message_id)
    return result


def _duplicate(entry: MailLogEntry, ticket_id: str, reason: str) -> MailLogEntry:
    return replace(entry, outcome=Outcome.IGNORED, reason=reason, ticket_id=ticket_id or None)


def _noted(
    entry: MailLogEntry, msg: InboundMessage, note: str
) -> tuple[MailLogEntry, InboundMessage]:
    """A note for the admin (mail log) and for the agent (the message's problems)."""
    reason = f"{entry.reason}; {note}" if entry.reason else note
    return replace(entry, reason=reason), replace(msg, problems=(*msg.problems, note))


def file_message(
    svc: Services,
    msg: InboundMessage,
    entry: MailLogEntry,
    rp: ResponsePoint,
    ticket_id: str | None,
    rule: str,
    own: mail_threading.OwnKeys,
    now: datetime,
    *,
    channel: str = "email",
    contact_id: str | None = None,
) -> MailLogEntry:
    for attempt in range(3):
        try:
            if ticket_id is not None:
                ticket = svc.tickets.get(ticket_id)
                stranger = (rule == "subject_tag" and not _sender_belongs(svc, msg, ticket)) or (
                    rule == "message_id_reused"
                    and not _sender_belongs(svc, msg, ticket, same_domain=False)
                )
                too_late = (
                    not ticket.is_open
                    and not msg.auto_reply
                    and not within_reopen_window(svc, ticket, now)
                )
                if stranger or too_late:
                    # A number in a subject is easy to guess, and a reused Message-ID may
                    # be anyone's: a stranger's mail does not join the ticket (nor reach its
                    # contact's portal); a reply after the reopen window does not reopen it.
                    # Either opens a new ticket linked to the old one.
                    return _new_ticket(
                        svc,
                        msg,
                        entry,
                        rp,
                        own,
                        now,
                        follows_up=ticket,
                        channel=channel,
                        contact_id=contact_id,
                    )
                return _append(svc, msg, entry, ticket, rule, own, now, channel=channel)
            return _new_ticket(
                svc, msg, entry, rp, own, now, channel=channel, contact_id=contact_id
            )
        except ConflictError:
            # Another mail changed the ticket, or the same mail is being processed right now,
            # or a different mail with the same Message-ID took the id a moment ago.
            found = svc.lookups.get_many([*own.keys(), own.copy()])
            if (earlier := own.delivered_before(found)) is not None:
                return _duplicate(entry, earlier, "duplicate delivery processed concurrently")
            if not own.reused and mail_threading.msgid_key(own.message_id) in found:
                own = replace(own, reused=True)
                entry, msg = _noted(entry, msg, REUSED_ID)
                mail_threading.mark_reused(svc, own.message_id)
                continue
            if attempt == 2:
                raise
        except NotFoundError:
            ticket_id, rule = None, "new"
    raise AssertionError("unreachable")


def _append(
    svc: Services,
    msg: InboundMessage,
    entry: MailLogEntry,
    ticket: Ticket,
    rule: str,
    own: mail_threading.OwnKeys,
    now: datetime,
    *,
    channel: str = "email",
) -> MailLogEntry:
    event_id = new_ulid(now)
    outcome = Outcome.APPENDED
    if not ticket.is_open and not msg.auto_reply:
        ticket.reopen(SYSTEM_ACTOR, now, reason=f"reply by e-mail from {msg.from_addr}")
        outcome = Outcome.REOPENED
    elif ticket.status is Status.WITH_CONTACT and not msg.auto_reply:
        ticket.change_status(Status.OPEN, SYSTEM_ACTOR, now)  # the customer answered
    event = record_inbound(svc, msg, entry, ticket, event_id, own.message_id, rule, channel, now)
    _add_cc(ticket, msg, svc)
    svc.tickets.save(ticket, claims=own.claims(ticket.id))
    return replace(
        entry, outcome=outcome, ticket_id=ticket.id, event_id=event.event_id, threading_rule=rule
    )


def _sender_belongs(
    svc: Services, msg: InboundMessage, ticket: Ticket, *, same_domain: bool = True
) -> bool:
    """The sender is the ticket's contact, on its cc, or (``same_domain``) of the
    contact's mail domain."""
    sender = msg.from_addr.lower()
    if not sender:
        return False
    if sender in {a.lower() for a in ticket.cc}:
        return True
    if ticket.contact_id is None:
        return False
    try:
        emails = [e.lower() for e in svc.contacts.get(ticket.contact_id).emails]
    except NotFoundError:
        return False
    domains = {e.rpartition("@")[2] for e in emails}
    return sender in emails or (same_domain and sender.rpartition("@")[2] in domains)


def _new_ticket(
    svc: Services,
    msg: InboundMessage,
    entry: MailLogEntry,
    rp: ResponsePoint,
    own: mail_threading.OwnKeys,
    now: datetime,
    *,
    follows_up: Ticket | None = None,
    channel: str = "email",
    contact_id: str | None = None,
) -> MailLogEntry:
    if contact_id is None:
        # A new contact speaks the language of the response point written to, until told
        # otherwise. A mail without any usable address still gets a contact card to answer
        # by phone or to merge later, named as the mail names its sender.
        contact = find_or_create_contact(
            svc,
            {
                "email": msg.from_addr or None,
                "name": (msg.from_name or ("" if msg.from_addr else UNKNOWN_SENDER))[:200],
                "language": rp.language.value,
            },
        )
        contact_id, organisation_id = contact.id, contact.organisation_id
    else:
        organisation_id = organisation_of(svc, contact_id)
    ticket = Ticket.open_new(
        actor=SYSTEM_ACTOR,
        id=new_ulid(now),
        number=svc.config.next_number(TICKET_NUMBER_COUNTER, FIRST_TICKET_NUMBER),
        title=(msg.subject.strip() or "(no subject)")[:MAX_TITLE],
        description=(msg.stripped_text or msg.text)[:MAX_DESCRIPTION],
        response_point_id=rp.id,
        contact_id=contact_id,
        organisation_id=organisation_id,
        channel=Channel.EMAIL if channel == "email" else Channel.WEBFORM,
        created_at=now,
        updated_at=now,
    )
    if follows_up is not None:
        ticket.pending_events[0].data["follows_up"] = {
            "id": follows_up.id,
            "number": follows_up.number,
        }
    # Matching rules and routing (S2, S3): for every new ticket, whatever the channel.
    decision = routing.decide(svc, routing.sample_of(msg, entry.recipients, ticket.channel), rp)
    keep = [name for name in ("title", "description") if getattr(ticket, name)]
    routing.apply(svc, ticket, decision, SYSTEM_ACTOR, now, keep=keep)
    _add_cc(ticket, msg, svc)
    rule = "new_linked" if follows_up else "new"
    event = record_inbound(
        svc, msg, entry, ticket, new_ulid(now), own.message_id, rule, channel, now
    )
    _note_acknowledgement(svc, ticket, msg, rp)
    svc.tickets.add(ticket, claims=own.claims(ticket.id))
    if follows_up is not None:
        _note_follow_up(svc, follows_up.id, ticket, now)
    outcome = Outcome.NEW_LINKED if follows_up else Outcome.CREATED
    return replace(
        entry, outcome=outcome, ticket_id=ticket.id, event_id=event.event_id, threading_rule=rule
    )


def _note_acknowledgement(
    svc: Services, ticket: Ticket, msg: InboundMessage, rp: ResponsePoint
) -> None:
    """Whether the sender gets the automatic acknowledgement is decided here, and noted on the
    ticket's created event, so it is stored with the ticket; the TicketEvents stream consumer
    sends it (intake sends no mail: issue 11)."""

    if not ticket.is_open:  # a ticket a rule closed at once is not confirmed
        return
    if ticket.response_point_id != rp.id:  # routing moved it: that response point decides
        rp = directory.response_point(svc, ticket.response_point_id)
    note_acknowledgement_due(ticket, msg, rp)


def _add_cc(ticket: Ticket, msg: InboundMessage, svc: Services) -> None:
    """Keep the customer's cc addresses on the ticket (not ours, not the sender)."""
    ours = {e for rp in directory.response_points(svc) for e in rp.emails}
    extra = [
        a
        for a in msg.cc
        if ours.isdisjoint(address_forms(a)) and a != msg.from_addr and a not in ticket.cc
    ]
    if extra:
        ticket.cc = (ticket.cc + extra)[:50]


def _note_follow_up(svc: Services, old_id: str, new: Ticket, now: datetime) -> None:
    try:
        old = svc.tickets.get(old_id)
        old.record_message(
            EventType.LINKED,
            {"ticket_id": new.id, "number": new.number},
            actor=SYSTEM_ACTOR,
            now=now,
            event_id=new_ulid(now),
        )
        svc.tickets.save(old)
    except ConflictError:
        logger.warning(
            "could not note the follow-up on the old ticket", extra={"ticket_id": old_id}
        )


__all__ = ["LOOP_HEADER", "ingest", "replay"]
