"""Agents' replies by SMS (S5): ``POST /api/tickets/{id}/replies`` with ``"channel": "sms"``.

The text goes to the contact's mobile number, counted and split by the GSM-7 / UCS-2
rules (channels/sms.py), through the SmsSender port (End User Messaging's SendTextMessage
in AWS, the outbox folder locally). Refused before anything is sent, with a 4xx the agent
can read: the contact has no mobile number, the number said STOP, the text is too long, or
the month's SMS spend would pass the cap (Settings). The history's ``message_out`` event
keeps the parts; the provider's message id is claimed (Lookups ``sms_out#``) in the same
transaction, so delivery receipts find the message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels import sms
from chalicelib.domain.errors import (
    ConflictError,
    NotFoundError,
    TooManyRequestsError,
    UnavailableError,
    ValidationError,
)
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, inputs, metrics, reply_picks
from chalicelib.services.context import Services
from chalicelib.services.ports import OutgoingSms
from chalicelib.services.sms.numbers import mobile_of
from chalicelib.services.ticket_access import writable_ticket

logger = Logger(service="servit-sms")

SMS_REPLY_KEYS = {"channel", "text", "ask_customer", *reply_picks.KEYS}
SPEND_COUNTER = "sms-parts"  # per month: parts sent ("sms-parts:2026-12")


def sent_key(provider_id: str) -> str:
    """Lookups: End User Messaging's message id -> "<ticket>|<event>" (receipts find it)."""
    return f"sms_out#{provider_id}"


def send_sms_reply(svc: Services, actor: User, ticket_id: str, body: Any) -> TicketEvent:
    data = inputs.require_object(body)
    inputs.only_keys(data, SMS_REPLY_KEYS)
    # Longer than any ten parts: refused here; shorter ones by their parts, below.
    text = (inputs.text(data, "text", max_len=sms.MAX_PARTS * sms.GSM_MULTI * 2) or "").strip()
    if not text:
        raise ValidationError("an SMS reply needs text", code="empty")
    ask = data.get("ask_customer", False)
    if not isinstance(ask, bool):
        raise ValidationError("ask_customer must be true or false")
    counted = sms.count(text)
    if counted.parts > sms.MAX_PARTS:
        raise ValidationError(
            f"the text needs {counted.parts} parts; at most {sms.MAX_PARTS} are sent",
            code="sms_too_long",
        )
    if svc.sms is None:
        raise UnavailableError("texts cannot be sent: SMS is not set up", code="sms_unavailable")
    ticket = writable_ticket(svc, actor, ticket_id, None)
    after = reply_picks.plan_reply(svc, actor, ticket, data, ask=ask)  # issue 15
    to = _recipient(svc, ticket)
    rp = directory.response_point(svc, ticket.response_point_id)
    now = svc.clock()
    event_id = new_ulid(now)
    counter = _reserve(svc, counted.parts, now)
    try:
        provider_id = svc.sms.send(
            OutgoingSms(
                to=to,
                text=text,
                reference=f"{ticket.id}|{event_id}",
                origination=rp.sms_numbers[0] if rp.sms_numbers else None,
            )
        )
    except Exception:
        if counter:
            svc.config.next_number(counter, 1, step=-counted.parts)  # not sent: not spent
        raise
    event_data = {
        "channel": "sms",
        "to": [to],
        "text": text,
        "parts": counted.parts,
        "encoding": counted.encoding,
        "provider_id": provider_id,
        "agent": actor.id,
        "asked_customer": ask,
        "delivery": "sent",
    }
    event = _record(svc, ticket, event_id, now, event_data, actor.id, ask, provider_id, after)
    metrics.count(metrics.REPLIES_SENT)
    logger.info(
        "sms reply sent",
        extra={"ticket_id": ticket.id, "parts": counted.parts, "provider_id": provider_id},
    )
    return event


def _recipient(svc: Services, ticket: Ticket) -> str:
    try:
        contact = svc.contacts.get(ticket.contact_id) if ticket.contact_id else None
    except NotFoundError:
        contact = None
    to = mobile_of(contact) if contact is not None else None
    if contact is None or to is None:
        raise ValidationError(
            "the ticket's contact has no mobile number to text; add one on the contact card",
            code="no_mobile",
        )
    if to in contact.sms_opted_out:
        raise ConflictError(
            f"{to} has asked for no more texts (STOP); answer by e-mail or phone instead, "
            "or wait until they text START",
            code="sms_opted_out",
        )
    return to


def _reserve(svc: Services, parts: int, now: datetime) -> str | None:
    """Count the parts against the month's spend cap before sending (an atomic ADD, so two
    agents sending at once cannot both pass it); refused (429) when over. Returns the
    counter, or None when there is no cap."""
    settings = directory.settings(svc)
    cap = settings.sms_monthly_spend_cap
    if cap <= 0:
        return None
    counter = f"{SPEND_COUNTER}:{now:%Y-%m}"
    # Kept a while past the month, then DynamoDB's TTL removes the counter.
    expires = now.replace(day=1) + timedelta(days=70)
    total = svc.config.next_number(counter, 1, expires_at=expires, step=parts)
    price = settings.sms_price_per_part
    if round(total * price, 6) > cap:  # rounded: 3 x 0.1 is 0.30000000000000004
        svc.config.next_number(counter, 1, expires_at=expires, step=-parts)
        raise TooManyRequestsError(
            f"this month's SMS spend cap ({cap:g}) is reached: "
            f"{total - parts} parts sent at {price:g} each; an admin can raise it in Settings",
            code="sms_spend_cap",
        )
    return counter


def _record(
    svc: Services,
    ticket: Ticket,
    event_id: str,
    now: datetime,
    data: dict[str, Any],
    actor: str,
    ask: bool,
    provider_id: str,
    after: reply_picks.AfterSent,
) -> TicketEvent:
    """The text is out: into the history, retrying on a concurrent change so it is never
    missing from it."""
    claims = {sent_key(provider_id): f"{ticket.id}|{event_id}"}
    for attempt in range(5):
        event = ticket.record_message(
            EventType.MESSAGE_OUT, data, actor=actor, now=now, event_id=event_id
        )
        if ask and ticket.status is not Status.WITH_CONTACT and ticket.is_open:
            ticket.change_status(Status.WITH_CONTACT, actor, now)
        after(ticket, now)  # the pick and the status, in the text's save
        try:
            svc.tickets.save(ticket, claims=claims)
            return event
        except ConflictError:
            if attempt == 4:
                raise
            ticket = svc.tickets.get(ticket.id)
    raise AssertionError("unreachable")
