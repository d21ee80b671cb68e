"""Delivery receipts (S5): End User Messaging's events about a text we sent (configuration
set -> event destination -> SNS), recorded on the message in the ticket's history.

Only final events are recorded (``isFinal``: delivered, or failed for good); a message's
interim events (pending, queued) would only add rows. Each is recorded once: the receipt
key is claimed in the same transaction as the history event.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels import sms
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import EventType
from chalicelib.domain.ids import new_ulid
from chalicelib.services.context import Services
from chalicelib.services.sms.outbound import sent_key

logger = Logger(service="servit-sms")

SYSTEM_ACTOR = "system:sms"


def receipt_key(provider_id: str) -> str:
    return f"sms_receipt#{provider_id}"


def record_receipt(svc: Services, payload: Any) -> str:
    """ "recorded", "duplicate", "interim" (not final), "unknown" (not our message) or
    "ignored" (not a text event)."""
    receipt = sms.parse_receipt(payload)
    if receipt is None:
        return "ignored"
    if not receipt.final:
        return "interim"
    found = svc.lookups.get_many([sent_key(receipt.provider_id), receipt_key(receipt.provider_id)])
    if receipt_key(receipt.provider_id) in found:
        return "duplicate"
    target = found.get(sent_key(receipt.provider_id))
    if target is None:
        logger.warning("receipt for a text we do not know", extra={"id": receipt.provider_id})
        return "unknown"
    ticket_id, _, event_id = target.partition("|")
    data = {
        "message_event_id": event_id,
        "channel": "sms",
        "provider_id": receipt.provider_id,
        "delivered": receipt.delivered,
        "event_type": receipt.event_type,
        "status": receipt.status,
        "description": receipt.description,
        "parts": receipt.parts,
        "price": receipt.price,
    }
    for attempt in range(5):
        try:
            ticket = svc.tickets.get(ticket_id)
        except NotFoundError:
            return "unknown"
        now = svc.clock()
        ticket.record_message(
            EventType.DELIVERY_STATUS, data, actor=SYSTEM_ACTOR, now=now, event_id=new_ulid(now)
        )
        try:
            svc.tickets.save(ticket, claims={receipt_key(receipt.provider_id): event_id})
            break
        except ConflictError:
            if svc.lookups.get(receipt_key(receipt.provider_id)) is not None:
                return "duplicate"
            if attempt == 4:
                raise
    logger.info(
        "sms receipt recorded",
        extra={"ticket_id": ticket_id, "status": receipt.status, "delivered": receipt.delivered},
    )
    return "recorded"
