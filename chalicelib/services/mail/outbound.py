"""Mail out (S5, S13, S16): agent replies, customer notifications, acknowledgements.

Every mail is built with the standard library, stored, sent, and recorded as
a ``message_out`` event; its Message-ID is claimed in the same transaction so
replies to it thread back (rule 2). Automatic mail is never sent to
auto-replies, bounces or bouncing addresses, and at most N an hour to any one
address.

Acknowledgements of new tickets are decided at intake (``note_acknowledgement_due``, no
I/O) and sent by the TicketEvents stream consumer (``acknowledge_change``): the inbound-mail
function sends no mail. Their Message-ID is fixed per ticket and claimed before sending.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels.email.html_clean import sanitise_html
from chalicelib.channels.email.mime_out import (
    InlineImage,
    OutboundAttachment,
    OutboundMail,
    build_message,
    make_message_id,
    to_bytes,
)
from chalicelib.channels.message import InboundMessage
from chalicelib.domain import portal_token
from chalicelib.domain.contact import Contact
from chalicelib.domain.email_address import unreachable_reason
from chalicelib.domain.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid, stable_ulid
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.organisation import ResponsePoint, User, check_email
from chalicelib.domain.reply_address import reply_address
from chalicelib.domain.signatures import Signature, resolve
from chalicelib.domain.statuses import Status
from chalicelib.domain.subject_tag import reply_subject
from chalicelib.domain.ticket import Ticket
from chalicelib.services import (
    directory,
    field_settings,
    inputs,
    metrics,
    reply_inputs,
    reply_picks,
)
from chalicelib.services.context import Services
from chalicelib.services.mail import routing as mail_routing
from chalicelib.services.mail import threading as mail_threading
from chalicelib.services.mail.records import SIGNATURE
from chalicelib.services.ports import OutgoingMail
from chalicelib.services.rendering import language_of, render
from chalicelib.services.reply_picks import AfterSent
from chalicelib.services.ticket_access import writable_ticket

logger = Logger(service="servit-mail")

_LOGO_CID = "logo@servit"  # the signature logo's Content-ID (see _compose)


def send_reply(
    svc: Services, actor: User, ticket_id: str, body: Any, *, by_agent: bool = True
) -> TicketEvent:
    """An agent answers the customer (optionally asking something: status with_contact, or
    setting a status). The agent's reply picks the ticket or takes it over when asked to
    (domain/reply_workflow.py); a run's replies to a parent's children (``by_agent=False``)
    leave the children's owners and locks alone."""
    data = inputs.require_object(body)
    inputs.only_keys(data, reply_inputs.REPLY_KEYS)
    text = inputs.text(data, "text", max_len=reply_inputs.MAX_TEXT) or ""
    html = inputs.text(data, "html", max_len=reply_inputs.MAX_TEXT)
    # The agent's HTML under the policy inbound mail is shown with (issue 10): no scripts,
    # handlers, styles, forms or remote http images; a reply has no inline images of its
    # own, so cid: images go too. The signature's logo is added (and kept) below.
    html = sanitise_html(html, {}) if html is not None else None
    if not text.strip() and not (html or "").strip():
        raise ValidationError("a reply needs text or HTML")
    ask = data.get("ask_customer", False)
    if not isinstance(ask, bool):
        raise ValidationError("ask_customer must be true or false")
    ticket = writable_ticket(svc, actor, ticket_id, None)
    after = reply_picks.plan_reply(svc, actor, ticket, data, ask=ask) if by_agent else None
    reply_inputs.check_address_change(
        ticket, actor, data.get("confirm_address_change"), svc.clock()
    )
    # cc, bcc and attachments hidden at this response point are not used in replies either.
    used = {k: v for k, v in data.items() if k in ("cc", "bcc", "attachments") and v}
    field_settings.refuse_hidden_writes(svc, ticket.response_point_id, used)
    rp = directory.response_point(svc, ticket.response_point_id)
    contact = svc.contacts.get(ticket.contact_id) if ticket.contact_id else None
    to = [check_email(a) for a in inputs.string_list(data, "to") or []] or _contact_address(contact)
    if not to:
        raise ValidationError("the ticket's contact has no e-mail address; give 'to'")
    # The ticket's cc/bcc unless the agent says otherwise; an empty list means nobody.
    hidden = field_settings.hidden_fields(svc, ticket.response_point_id)
    ticket_cc = [] if "cc" in hidden else ticket.cc  # a hidden field is not used at all
    ticket_bcc = [] if "bcc" in hidden else ticket.bcc
    cc = [check_email(a) for a in _given_or(inputs.string_list(data, "cc"), ticket_cc)]
    bcc = [check_email(a) for a in _given_or(inputs.string_list(data, "bcc"), ticket_bcc)]
    files = reply_inputs.attachments(data.get("attachments"))
    event_data: dict[str, Any] = {"asked_customer": ask, "agent": actor.id}
    kept = files
    if rp.notification_mode == "link" and contact is not None:
        # The ticket's own cc/bcc are not copied: a link notice is for the contact alone.
        given = [*(data.get("to") or []), *(data.get("cc") or []), *(data.get("bcc") or [])]
        cc = bcc = []
        if {str(a).lower() for a in given} - set(contact.emails):
            # The portal link is the contact's own key to the ticket: never hand it to others.
            raise ValidationError(
                "this response point notifies by link, which goes to the ticket's contact only; "
                "remove the other recipients",
                code="link_mode_recipients",
            )
        # The mail only points to the portal; the answer and its files are what the
        # history keeps and the portal shows.
        event_data.update(text=text, html=html or "", notification="link")
        text, html, files = _link_notice(svc, ticket, contact, rp), None, []
    reply_inputs.refuse_unreachable([*to, *cc, *bcc])
    signature = _signature(svc, actor.id, rp.id)
    mail = _compose(
        svc,
        ticket,
        rp,
        to=to,
        cc=cc,
        bcc=bcc,
        text=text,
        html=html,
        files=files,
        signature=signature,
        automatic=False,
    )
    if mail.html is not None:
        # The whole HTML part once more, the admin's signature HTML included, keeping only
        # the signature's own inline logo: what is sent, stored and shown is this.
        mail = replace(mail, html=sanitise_html(mail.html, {_LOGO_CID: f"cid:{_LOGO_CID}"}))
    event = _send_and_record(
        svc,
        ticket,
        mail,
        actor.id,
        event_data,
        new_status=Status.WITH_CONTACT if ask else None,
        files=kept,
        after=after,
    )
    metrics.count(metrics.REPLIES_SENT)
    return event


# --- the automatic acknowledgement of a new ticket ----------------------------------
# Intake only notes that one is due, on the ticket's ``created`` event in the transaction that
# creates the ticket (the inbound-mail function sends no mail); the TicketEvents stream
# consumer sends it, once, and records it in the history (issue 11).

ACKNOWLEDGE = "acknowledge"  # key of the note on the created event: {"to", "in_reply_to"?}


def note_acknowledgement_due(ticket: Ticket, msg: InboundMessage, rp: ResponsePoint) -> bool:
    """Intake, before the new ticket is stored: note on its created event that the sender
    is to be acknowledged, where the response point wants it and the mail may be answered.
    Reads and writes nothing; True if noted."""
    if not ticket.is_open:  # a ticket a rule closed at once is not confirmed
        return False
    if not rp.auto_acknowledge or not msg.from_addr:
        return False
    if msg.auto_reply or msg.dsn is not None or msg.is_bulk:
        return False  # never answer robots, lists or bounces: no mail loops
    if (reason := unreachable_reason(msg.from_addr)) is not None:
        logger.info("no acknowledgement: address cannot take mail", extra={"reason": reason})
        return False
    created = next(e for e in ticket.pending_events if e.type == EventType.CREATED.value)
    due = {"to": msg.from_addr}
    if msg.message_id:
        due["in_reply_to"] = msg.message_id
    created.data[ACKNOWLEDGE] = due
    return True


def acknowledgement_message_id(svc: Services, created: TicketEvent) -> str:
    """The acknowledgement's Message-ID, the same each time its ticket's creation is handled:
    claimed (Lookups ``msgid#``) before the mail goes out, so it goes out once."""
    unique = stable_ulid(created.at, f"ack#{created.ticket_id}").lower()
    return make_message_id(svc.mail.message_id_domain, unique)


def acknowledge_change(svc: Services, change: list[StoredEvent]) -> int:
    """The stream consumer, for one stored change: send the acknowledgement its created
    event notes as due. Returns 1 if it was sent now, else 0 (none due, sent before, not
    wanted any more, over the hourly cap, a bouncing address).

    Exactly once under redelivery: the mail's fixed Message-ID is claimed (a conditional
    write) before anything is sent, and the claim is undone if sending fails, so the
    stream's retry sends it; a crash between claim and send loses that one mail, never
    doubles it (as notices' mails). Raises what should be retried."""
    for stored in change:
        event = stored.event
        due = event.data.get(ACKNOWLEDGE) if event.type == EventType.CREATED.value else None
        if isinstance(due, dict) and isinstance(due.get("to"), str) and due["to"]:
            return int(_acknowledge(svc, event, due))
    return 0


def _acknowledge(svc: Services, created: TicketEvent, due: dict[str, Any]) -> bool:
    message_id = acknowledgement_message_id(svc, created)
    claim = mail_threading.msgid_key(message_id.strip("<>"))
    if not svc.lookups.claim(claim, created.ticket_id):
        return False  # handled by an earlier delivery of this change
    try:
        prepared = _acknowledgement(svc, created, due, message_id)
        if prepared is None:
            return False  # decided once: the claim stays
        ticket, mail = prepared
        sent = _store_and_send(svc, mail)
    except ValidationError:
        # It cannot be made (the response point has no address, a header would not be
        # valid): trying again changes nothing, and must not hold up the stream.
        logger.exception("acknowledgement not sent", extra={"ticket_id": created.ticket_id})
        return False
    except Exception:
        svc.lookups.release(claim, created.ticket_id)  # the retry from the stream sends it
        raise
    try:
        _record_sent(
            svc, ticket, mail, sent, "system:mail", {"acknowledgement": True}, new_status=None,
            claim_message_id=False,  # claimed above
        )  # fmt: skip
    except Exception:  # the mail is out: a retry must not send it again
        logger.exception(
            "acknowledgement sent but not recorded in the history",
            extra={"ticket_id": ticket.id, "message_id": sent.message_id},
        )
    return True


def _acknowledgement(
    svc: Services, created: TicketEvent, due: dict[str, Any], message_id: str
) -> tuple[Ticket, OutboundMail] | None:
    """The acknowledgement to send now, or None where it is not to be sent any more."""
    try:
        ticket = svc.tickets.get(created.ticket_id)
        rp = directory.response_point(svc, ticket.response_point_id)
    except NotFoundError:
        logger.info("no acknowledgement: ticket gone", extra={"ticket_id": created.ticket_id})
        return None
    # Turned off since the mail came in; a web form's confirmation was promised on its page.
    if not rp.auto_acknowledge and not due.get("form"):
        return None
    to = str(due["to"])
    if not may_send_automatic(svc, to, svc.clock()):
        return None
    contact = _contact(svc, ticket.contact_id)
    language = language_of(contact.language.value if contact else rp.language.value)
    text = render(
        f"mail/acknowledgement_{language}.txt.j2",
        number=ticket.number,
        title=ticket.title,
        response_point=rp.name,
        portal_link=_portal_link(svc, ticket, contact) if contact else None,
    )
    in_reply_to = due.get("in_reply_to")
    mail = _compose(
        svc,
        ticket,
        rp,
        to=[to],
        cc=[],
        bcc=[],
        text=text,
        html=None,
        files=[],
        signature=None,
        automatic=True,
        in_reply_to=str(in_reply_to) if in_reply_to else None,
        message_id=message_id,
    )
    return ticket, mail


def log_ref(address: str) -> str:
    """What a log line says instead of an e-mail address: a short unkeyed digest, enough to
    tell whether two lines are about the same address (issue 11: no addresses in logs)."""
    return "addr:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()[:12]


def may_send_automatic(svc: Services, address: str, now: datetime) -> bool:
    """No automatic mail to bouncing addresses, and at most N an hour to any one mailbox
    (``bot+1@`` and ``bot+2@`` are one) and M an hour to any one organisation's domain,
    so that a robot answering from ever new addresses stops getting answers."""
    address = address.lower()
    if svc.lookups.get(mail_threading.bounce_key(address)) is not None:
        logger.info("automatic mail suppressed: address bounces", extra={"to": log_ref(address)})
        return False
    for counter, cap in mail_routing.automatic_mail_counters(svc.mail, address, now):
        # The counter lives a little past its hour; TTL then removes it.
        sent = svc.config.next_number(counter, 1, expires_at=now + timedelta(hours=2))
        if sent > cap:
            logger.info(
                "automatic mail suppressed: hourly cap",
                # The counter names the mailbox or domain: only its kind is logged.
                extra={
                    "to": log_ref(address),
                    "counter": counter.partition(":")[0],
                    "count": sent,
                },
            )
            return False
    return True


# --- building -----------------------------------------------------------------


def _compose(
    svc: Services,
    ticket: Ticket,
    rp: ResponsePoint,
    *,
    to: list[str],
    cc: list[str],
    bcc: list[str],
    text: str,
    html: str | None,
    files: list[OutboundAttachment],
    signature: Signature | None,
    automatic: bool,
    in_reply_to: str | None = None,
    message_id: str | None = None,
) -> OutboundMail:
    if not rp.emails:
        raise ValidationError(f"response point {rp.id!r} has no e-mail address to send from")
    sender = rp.emails[0]
    now = svc.clock()
    thread, last_inbound = _thread_ids(svc, ticket.id)
    inline: list[InlineImage] = []
    if signature is not None:
        text = f"{text.rstrip()}\n\n-- \n{signature.text}" if signature.text else text
        # A logo needs an HTML part to show in, even under a plain-text answer.
        if html is not None or signature.html or signature.logo_key:
            html = html if html is not None else _as_html(text_before_signature(text))
            logo = ""
            if signature.logo_key:
                inline.append(
                    InlineImage(
                        "logo@servit",
                        "logo",
                        signature.logo_content_type or "image/png",
                        svc.blobs.get(signature.logo_key),
                    )
                )
                logo = '<br><img src="cid:logo@servit" alt="">'
            html = f"{html}<br><br>{signature.html or _as_html(signature.text)}{logo}"
    return OutboundMail(
        from_addr=sender,
        from_name=rp.name,
        to=tuple(to),
        cc=tuple(cc),
        bcc=tuple(bcc),
        reply_to=(reply_address(sender, ticket.number, svc.mail.secret),),
        subject=reply_subject(
            ticket.title, rp.subject_tag_format, ticket.number, with_tag=rp.tag_in_subject
        ),
        text=text,
        html=html,
        message_id=message_id or make_message_id(svc.mail.message_id_domain, new_ulid(now).lower()),
        date=now,
        # We answer the customer's latest mail; References carry the whole thread.
        in_reply_to=in_reply_to or last_inbound or (thread[-1] if thread else None),
        references=tuple(thread[-20:]),
        attachments=tuple(files),
        inline_images=tuple(inline),
        auto_submitted=automatic,
        loop_header=svc.mail.message_id_domain,
    )


def text_before_signature(text: str) -> str:
    return text.split("\n-- \n")[0]


def _as_html(text: str) -> str:
    import html as html_lib

    return html_lib.escape(text).replace("\n", "<br>")


def _thread_ids(svc: Services, ticket_id: str) -> tuple[list[str], str | None]:
    """All Message-IDs of the ticket's mail, oldest first, and the customer's latest."""
    ids, last_inbound = [], None
    for event in svc.tickets.events(ticket_id):
        message_id = event.data.get("message_id")
        if (
            event.type in (EventType.MESSAGE_IN, EventType.MESSAGE_OUT)
            and message_id
            and is_real_message_id(str(message_id))
        ):
            ids.append(str(message_id))
            if event.type == EventType.MESSAGE_IN and event.data.get("channel") == "email":
                last_inbound = str(message_id)
    return ids, last_inbound


def is_real_message_id(message_id: str) -> bool:
    """Ids we made up for portal messages and id-less mail stay out of References."""
    return not message_id.endswith(("@portal", ".invalid"))


def _send_and_record(
    svc: Services,
    ticket: Ticket,
    mail: OutboundMail,
    actor: str,
    extra: dict[str, Any],
    *,
    new_status: Status | None,
    files: list[OutboundAttachment] | None = None,
    after: AfterSent | None = None,
) -> TicketEvent:
    """Build, store, send and record one mail; ``files`` are the ones to keep in the
    history when they differ from what the mail carries (link mode)."""
    sent = _store_and_send(svc, mail, files)
    return _record_sent(svc, ticket, mail, sent, actor, extra, new_status=new_status, after=after)


@dataclass(frozen=True)
class _Sent:
    event_id: str  # the message_out event's id, named before sending (the stored raw mail)
    at: datetime
    raw_key: str
    attachments: list[dict[str, Any]]
    message_id: str
    provider_id: str


def _store_and_send(
    svc: Services, mail: OutboundMail, files: list[OutboundAttachment] | None = None
) -> _Sent:
    message = build_message(mail)  # refuses CR/LF in headers (422) before anything is sent
    raw = to_bytes(message)
    now = svc.clock()
    event_id = new_ulid(now)
    raw_key = f"outbound/{event_id}.eml"
    svc.blobs.put(raw_key, raw, "message/rfc822")
    refs = []
    for index, file in enumerate(mail.attachments if files is None else files):
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
    recipients = tuple(dict.fromkeys(mail.to + mail.cc + mail.bcc))
    provider_id = svc.mailer.send(OutgoingMail(mail.from_addr, recipients, raw, message_id))
    return _Sent(event_id, now, raw_key, refs, message_id, provider_id)


def _record_sent(
    svc: Services,
    ticket: Ticket,
    mail: OutboundMail,
    sent: _Sent,
    actor: str,
    extra: dict[str, Any],
    *,
    new_status: Status | None,
    claim_message_id: bool = True,
    after: AfterSent | None = None,
) -> TicketEvent:
    """The mail is out: record it as ``message_out``, its Message-ID claimed in the same
    transaction (unless claimed before sending), retrying on a concurrent change so the
    history never misses it."""
    data = {
        "channel": "email",
        "from": mail.from_addr,
        "from_name": mail.from_name,
        "to": list(mail.to),
        "cc": list(mail.cc),
        "bcc": list(mail.bcc),
        "subject": mail.subject,
        "text": mail.text,
        "html": mail.html or "",
        "attachments": sent.attachments,
        "message_id": sent.message_id,
        "in_reply_to": mail.in_reply_to,
        "raw_key": sent.raw_key,
        "automatic": mail.auto_submitted,
        "provider_id": sent.provider_id,
        **extra,
    }
    claims = {mail_threading.msgid_key(sent.message_id): ticket.id} if claim_message_id else None
    for attempt in range(5):
        event = ticket.record_message(
            EventType.MESSAGE_OUT, data, actor=actor, now=sent.at, event_id=sent.event_id
        )
        if new_status is not None and ticket.status is not new_status and ticket.is_open:
            ticket.change_status(new_status, actor, sent.at)
        if after is not None:
            after(ticket, sent.at)  # the pick and the status, in the message's save
        try:
            svc.tickets.save(ticket, claims=claims)
            return event
        except ConflictError:
            if attempt == 4:
                raise
            ticket = svc.tickets.get(ticket.id)
    raise AssertionError("unreachable")


def _contact(svc: Services, contact_id: str | None) -> Contact | None:
    try:
        return svc.contacts.get(contact_id) if contact_id else None
    except NotFoundError:  # merged away since: the response point's language, no portal link
        return None


def _given_or(given: list[str] | None, default: list[str]) -> list[str]:
    return default if given is None else given


def _contact_address(contact: Contact | None) -> list[str]:
    return contact.emails[:1] if contact and contact.emails else []


def _signature(svc: Services, user_id: str, rp_id: str) -> Signature | None:
    from chalicelib.domain.records import from_record

    stored = [from_record(Signature, r) for r in svc.config.list(SIGNATURE)]
    return resolve(stored, user_id, rp_id)


def _portal_link(svc: Services, ticket: Ticket, contact: Contact | None) -> str | None:
    """A link mailed to ``contact``: bound to the contact's addresses as they are now and to
    the ticket's link generation, so it dies when either changes (issue 10)."""
    if contact is None or not contact.emails:
        return None
    grant = portal_token.PortalGrant(
        ticket.id,
        contact.id,
        svc.clock() + timedelta(days=svc.mail.portal_link_days),
        address_hash=portal_token.address_hash(contact.emails, svc.mail.secret),
        generation=ticket.portal_generation,
    )
    return f"{svc.mail.portal_base_url}/portal/t/{portal_token.issue(grant, svc.mail.secret)}"


def _link_notice(svc: Services, ticket: Ticket, contact: Contact, rp: ResponsePoint) -> str:
    language = language_of(contact.language.value)
    return render(
        f"mail/notify_link_{language}.txt.j2",
        number=ticket.number,
        title=ticket.title,
        response_point=rp.name,
        portal_link=_portal_link(svc, ticket, contact),
    )


__all__ = [
    "NotFoundError",
    "acknowledge_change",
    "may_send_automatic",
    "note_acknowledgement_due",
    "send_reply",
]
