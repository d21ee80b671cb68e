"""Received texts (S1, S5): one function for the SNS Lambda and the local dev route alike.

The sender's number finds (or creates) the contact; STOP / START (and the Swedish words)
opt the number out or back in on the contact card; any other text joins the open ticket of
the same number at the same response point (or one closed within the reopen window), else
opens one (services/conversations.py). Idempotent on End User Messaging's message id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels import sms
from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.statuses import Channel
from chalicelib.services import conversations
from chalicelib.services.context import Services
from chalicelib.services.sms.numbers import find_or_create_contact, response_point_for

logger = Logger(service="servit-sms")


@dataclass(frozen=True)
class SmsFiled:
    """``outcome``: created / appended / duplicate (conversations.FiledInbound), or
    opted_out / opted_in for a keyword (no ticket)."""

    outcome: str
    contact_id: str
    ticket_id: str | None = None
    event_id: str | None = None


def message_key(message_id: str) -> str:
    return f"inbound:sms:{message_id}"


def thread_key(rp_id: str, phone: str) -> str:
    return f"sms:{rp_id}:{phone}"


def receive(svc: Services, payload: Any) -> SmsFiled:
    """File one two-way SMS payload (the SNS message, decoded); ValidationError if broken."""
    received = sms.parse_inbound(payload)
    rp = response_point_for(svc, received.destination)
    contact = find_or_create_contact(svc, received.sender, rp)
    if received.keyword is not None:
        return _keyword(svc, received, contact)
    filed = conversations.file_inbound(
        svc,
        sms.as_inbound_message(received),
        channel=Channel.SMS,
        contact_id=contact.id,
        organisation_id=contact.organisation_id,
        response_point=rp,
        message_key=message_key(received.message_id),
        thread_key=thread_key(rp.id, received.sender),
        extra={"phone": received.sender, "sms_to": received.destination},
    )
    logger.info(
        "text filed",
        extra={
            "outcome": filed.outcome,
            "ticket_id": filed.ticket_id,
            "inbound_message_id": received.message_id,
            "response_point_id": rp.id,
        },
    )
    return SmsFiled(filed.outcome, contact.id, filed.ticket_id, filed.event_id)


def _keyword(svc: Services, received: sms.InboundSms, contact: Contact) -> SmsFiled:
    """Opt the number out (or in) on the contact card, once per message: the message id is
    claimed first, so a STOP delivered again after a later START changes nothing."""
    outcome = "opted_out" if received.keyword == "opt_out" else "opted_in"
    key = conversations.message_lookup_key(message_key(received.message_id))
    if not svc.lookups.claim(key, f"{outcome}|{contact.id}"):
        return SmsFiled("duplicate", contact.id)
    try:
        set_opt_out(svc, contact.id, received.sender, received.keyword == "opt_out")
    except Exception:
        svc.lookups.release(key, f"{outcome}|{contact.id}")  # SNS delivers again: try then
        raise
    logger.info("sms keyword", extra={"outcome": outcome, "contact_id": contact.id})
    return SmsFiled(outcome, contact.id)


def set_opt_out(svc: Services, contact_id: str, phone: str, opted_out: bool) -> Contact:
    """Record on the card that ``phone`` said STOP (or START again)."""
    for attempt in range(5):
        contact = svc.contacts.get(contact_id)
        numbers = [n for n in contact.sms_opted_out if n != phone]
        if opted_out:
            numbers.append(phone)
        if numbers == contact.sms_opted_out:
            return contact
        contact.sms_opted_out = numbers
        try:
            svc.contacts.save(contact)
            return contact
        except ConflictError:  # the card changed a moment ago: read it again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")
