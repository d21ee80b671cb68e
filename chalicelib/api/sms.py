"""Texts (issue 13): the SNS Lambdas of End User Messaging SMS (received texts; delivery
receipts) and, in the local stack only, a route that delivers a text through the same
intake and one that lists the texts "sent"."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, SNSEvent

from chalicelib import bootstrap
from chalicelib.api import observability
from chalicelib.api.routing import Call, endpoint
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import Role
from chalicelib.services import inputs, metrics
from chalicelib.services.context import Services
from chalicelib.services.sms import intake, receipts
from chalicelib.services.visibility import require_role

bp = Blueprint(__name__)
logger = Logger(service="servit-sms")

# Two-way SMS publishes received texts here; the configuration set's event destination
# publishes delivery events here (the merge template names both topics).
INBOUND_SMS_TOPIC = "servit-inbound-sms"
SMS_EVENTS_TOPIC = "servit-sms-events"


def _decoded(event: SNSEvent) -> Any:
    try:
        return json.loads(event.message)
    except ValueError:
        logger.error("SNS message is not JSON", extra={"subject": event.subject})
        return None


def file_text(svc: Services, payload: Any) -> intake.SmsFiled:
    """The one way a received text is filed: the Lambda and the dev route both call this."""
    filed = intake.receive(svc, payload)
    if filed.outcome == "created":
        metrics.count(metrics.TICKETS_CREATED)
    elif filed.outcome == "duplicate":
        metrics.count(metrics.DUPLICATES)
    return filed


@bp.on_sns_message(topic=INBOUND_SMS_TOPIC)
def inbound_sms(event: SNSEvent) -> None:
    payload = _decoded(event)
    try:
        file_text(bootstrap.services(), payload)
    except ValidationError as error:
        # A payload we can never file (no sender, not a number): retrying cannot help.
        logger.error("inbound text refused", extra={"reason": error.message})
    # Anything else escapes: Lambda tries twice more, then the on-failure queue keeps the
    # event (infra: InboundSmsFailures); filing again is idempotent on the message id.


@bp.on_sns_message(topic=SMS_EVENTS_TOPIC)
def sms_events(event: SNSEvent) -> None:
    outcome = receipts.record_receipt(bootstrap.services(), _decoded(event))
    logger.info("sms event", extra={"outcome": outcome})


observability.instrument(inbound_sms)
observability.instrument(sms_events)


def _local_outbox(svc: Services) -> Any:
    """The local stack's SMS outbox, or 422: these routes exist only there."""
    if not isinstance(getattr(svc.sms, "folder", None), Path):
        raise ValidationError("texts are simulated only in the local stack", code="not_local")
    return svc.sms


@endpoint(bp, "/api/dev/sms", ["POST"], status=201)
def dev_sms(call: Call) -> dict[str, Any]:
    """Local stack only (admins): a text "received" from ``from`` at our number ``to``,
    filed by the same intake the SNS Lambda uses."""
    require_role(call.actor, Role.ADMIN)
    _local_outbox(call.svc)
    data = inputs.require_object(call.body())
    inputs.only_keys(data, {"from", "to", "text", "message_id"})
    payload = {
        "originationNumber": inputs.text(data, "from", max_len=40) or "",
        "destinationNumber": inputs.text(data, "to", max_len=40) or "",
        "messageBody": inputs.text(data, "text", max_len=5_000) or "",
        "messageKeyword": "",
        "inboundMessageId": inputs.text(data, "message_id", max_len=200) or str(uuid.uuid4()),
    }
    if not payload["messageBody"].strip():
        raise ValidationError("a text needs text", code="empty")
    filed = file_text(call.svc, payload)
    return {
        "outcome": filed.outcome,
        "ticket_id": filed.ticket_id,
        "event_id": filed.event_id,
        "contact_id": filed.contact_id,
        "message_id": payload["inboundMessageId"],
    }


@endpoint(bp, "/api/dev/sms-outbox", ["GET"])
def sms_outbox(call: Call) -> dict[str, Any]:
    """Local stack only (admins): the texts 'sent', oldest first, each with its parts."""
    require_role(call.actor, Role.ADMIN)
    outbox = _local_outbox(call.svc)
    limit = inputs.limit(call.query.get("limit"), default=50, maximum=500)
    items, total = outbox.items(limit)
    return {"items": items, "total": total}
