"""External consultation by mail (S6): the question and the reminders going out, and the
answer coming in.

Each consultation's mail carries its own signed Reply-To (domain/consultation.py), so the
answer threads to that consultation whatever its subject; its Message-ID is claimed for the
ticket too, so a reply that lost the address but kept In-Reply-To still reaches the ticket,
and a bounce is filed there. Nothing of it reaches the customer's portal: the events are
not public ones (services/portal.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels.email.mime_out import (
    OutboundAttachment,
    OutboundMail,
    build_message,
    make_message_id,
    to_bytes,
)
from chalicelib.channels.message import InboundMessage
from chalicelib.domain import consultation as consult
from chalicelib.domain.consultation import Consultation, ConsultationStatus
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import EventType
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.subject_tag import format_tag
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services
from chalicelib.services.mail import threading as mail_threading
from chalicelib.services.mail.events import inbound_event_data, store_attachments
from chalicelib.services.ports import OutgoingMail
from chalicelib.services.rendering import language_of, render

logger = Logger(service="servit-mail")

_SUBJECT = {"sv": "Fråga", "en": "Question"}
_REMINDER = {"sv": "Påminnelse", "en": "Reminder"}


@dataclass(frozen=True)
class Sent:
    event_id: str  # the history event's id, named before sending (its files are under it)
    raw_key: str
    message_id: str
    attachments: list[dict[str, Any]]

    def data(self, mail: OutboundMail) -> dict[str, Any]:
        return {
            "channel": "email",
            "from": mail.from_addr,
            "to": list(mail.to),
            "subject": mail.subject,
            "text": mail.text,
            "message_id": self.message_id,
            "raw_key": self.raw_key,
            "attachments": self.attachments,
        }


def subject(ticket: Ticket, rp: ResponsePoint) -> str:
    language = language_of(rp.language.value)
    tag = f" {format_tag(rp.subject_tag_format, ticket.number)}" if rp.tag_in_subject else ""
    return f"{_SUBJECT[language]}: {ticket.title}{tag}"


def question(
    svc: Services,
    ticket: Ticket,
    rp: ResponsePoint,
    consultation: Consultation,
    text: str,
    files: list[OutboundAttachment],
) -> OutboundMail:
    return _mail(svc, ticket, rp, consultation, subject(ticket, rp), text, files, automatic=False)


def reminder(
    svc: Services, ticket: Ticket, rp: ResponsePoint, consultation: Consultation, asked: str
) -> OutboundMail:
    language = language_of(rp.language.value)
    text = render(
        f"mail/consultation_reminder_{language}.txt.j2",
        number=ticket.number,
        asked_at=consultation.asked_at.strftime("%Y-%m-%d %H:%M UTC"),
        question=asked,
        response_point=rp.name,
        reminder=consultation.reminders_sent + 1,
        reminders=consultation.reminders,
    )
    title = f"{_REMINDER[language]}: {subject(ticket, rp)}"
    return _mail(svc, ticket, rp, consultation, title, text, [], automatic=True)


def _mail(
    svc: Services,
    ticket: Ticket,
    rp: ResponsePoint,
    consultation: Consultation,
    title: str,
    text: str,
    files: list[OutboundAttachment],
    *,
    automatic: bool,
) -> OutboundMail:
    if not rp.emails:
        from chalicelib.domain.errors import ValidationError

        raise ValidationError(f"response point {rp.id!r} has no e-mail address to send from")
    sender, now = rp.emails[0], svc.clock()
    earlier = (consultation.message_id,) if consultation.message_id else ()
    return OutboundMail(
        from_addr=sender,
        from_name=rp.name,
        to=(consultation.to,),
        reply_to=(consult.reply_address(sender, ticket.number, consultation.seq, svc.mail.secret),),
        subject=title,
        text=text,
        message_id=make_message_id(svc.mail.message_id_domain, new_ulid(now).lower()),
        date=now,
        in_reply_to=earlier[0] if earlier else None,
        references=earlier,
        attachments=tuple(files),
        auto_submitted=automatic,
        loop_header=svc.mail.message_id_domain,
    )


def send(svc: Services, mail: OutboundMail) -> Sent:
    """Store the raw mail and its files, then send it (as agent replies are: the stored
    original is what the history's "original" link opens)."""
    raw = to_bytes(build_message(mail))  # refuses CR/LF in headers before anything is sent
    event_id = new_ulid(svc.clock())
    raw_key = f"outbound/{event_id}.eml"
    svc.blobs.put(raw_key, raw, "message/rfc822")
    refs = []
    for index, file in enumerate(mail.attachments):
        key = f"attachments/{event_id}/{index}"
        svc.blobs.put(key, file.payload, file.content_type)
        refs.append(
            {
                "index": index,
                "key": key,
                "filename": file.filename,
                "content_type": file.content_type,
                "size": len(file.payload),
                "inline": False,
            }
        )
    message_id = mail.message_id.strip("<>")
    svc.mailer.send(OutgoingMail(mail.from_addr, mail.to, raw, message_id))
    return Sent(event_id, raw_key, message_id, refs)


def claims(ticket: Ticket, sent: Sent) -> dict[str, str]:
    """Replies by In-Reply-To (and bounces) find the ticket by the mail's Message-ID."""
    return {mail_threading.msgid_key(sent.message_id): ticket.id}


# --- the answer coming in ------------------------------------------------------------------


def file_answer(
    svc: Services,
    msg: InboundMessage,
    entry: MailLogEntry,
    recipients: list[str],
    own: mail_threading.OwnKeys,
    now: datetime,
) -> MailLogEntry | None:
    """Mail intake, before the ticket rules: a mail to a consultation's reply address is
    that consultation's answer. None when no recipient is one (or its ticket is gone):
    intake goes on as usual."""
    target = next(
        (t for a in recipients if (t := consult.address_target(a, svc.mail.secret))), None
    )
    if target is None:
        return None
    number, seq = target
    ticket_id = svc.tickets.id_for_number(number)
    if ticket_id is None:
        return None
    for attempt in range(3):
        try:
            ticket = svc.tickets.get(ticket_id)
        except NotFoundError:
            return None
        consultation = consult.by_seq(ticket, seq)
        if consultation is None:
            return None
        event_id = new_ulid(now)
        refs, cid_map = store_attachments(svc, msg, ticket.id, event_id)
        data = inbound_event_data(
            msg,
            raw_key=entry.raw_key,
            message_id=own.message_id,
            attachments=refs,
            cid_map=cid_map,
            threading_rule="consultation_address",
        )
        data["consultation_id"] = consultation.id
        actor = msg.from_addr or "system:mail"
        if consultation.is_open and not msg.auto_reply:
            consult.end(
                ticket, consultation, ConsultationStatus.ANSWERED, EventType.EXTERNAL_ANSWER,
                data, actor=actor, now=now, event_id=event_id,
            )  # fmt: skip
        else:
            # An out-of-office, or a word after the consultation ended: kept in the history
            # as an external answer, and nothing waits on it.
            data["late" if not consultation.is_open else "automatic"] = True
            ticket.record_message(
                EventType.EXTERNAL_ANSWER, {**data, "party": consultation.to},
                actor=actor, now=now, event_id=event_id,
            )  # fmt: skip
        try:
            svc.tickets.save(ticket, claims=own.claims(ticket.id))
        except ConflictError:
            found = svc.lookups.get_many(own.keys())
            if (earlier := own.delivered_before(found)) is not None:
                return _filed(entry, earlier, None, Outcome.IGNORED)
            if attempt == 2:
                raise
            continue
        logger.info(
            "external answer filed",
            extra={"ticket_id": ticket.id, "consultation_id": consultation.id},
        )
        return _filed(entry, ticket.id, event_id, Outcome.APPENDED)
    raise AssertionError("unreachable")


def _filed(
    entry: MailLogEntry, ticket_id: str, event_id: str | None, outcome: Outcome
) -> MailLogEntry:
    from dataclasses import replace

    return replace(
        entry,
        outcome=outcome,
        ticket_id=ticket_id,
        event_id=event_id,
        threading_rule="consultation_address",
        reason=""
        if outcome is Outcome.APPENDED
        else "duplicate delivery of a message already processed",
    )
