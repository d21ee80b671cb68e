"""Event handlers: SES stores a received mail in S3 and notifies SNS; we read it
from there and hand it to the one intake service."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, SNSEvent

from chalicelib import bootstrap
from chalicelib.api import observability
from chalicelib.services import metrics
from chalicelib.services.mail import intake as mail_intake

bp = Blueprint(__name__)
logger = Logger(service="servit-mail")

# The topic SES notifies (the merge template points this subscription at the stack's topic).
INBOUND_MAIL_TOPIC = "servit-inbound-mail"


def stored_mail(notification: dict[str, Any]) -> tuple[str, list[str]] | None:
    """The S3 key and envelope recipients of an SES "Received" notification."""
    if notification.get("notificationType") != "Received":
        return None
    action = notification.get("receipt", {}).get("action", {})
    if action.get("type") != "S3" or not action.get("objectKey"):
        return None
    recipients = (
        notification.get("receipt", {}).get("recipients")
        or notification.get("mail", {}).get("destination")
        or []
    )
    return str(action["objectKey"]), [str(r) for r in recipients]


def scan_hold(notification: dict[str, Any]) -> str | None:
    """Why SES's own scan says the mail must wait in quarantine, or None.

    SES's receipt carries ``virusVerdict`` and ``spamVerdict`` (PASS, FAIL, GRAY,
    PROCESSING_FAILED). A virus or spam FAIL is held for an admin, who can download the
    original and replay it if it is harmless; anything else is filed as usual.
    """
    receipt = notification.get("receipt", {})
    if (receipt.get("virusVerdict") or {}).get("status") == "FAIL":
        return "held: SES's virus scan found a virus (virusVerdict FAIL)"
    if (receipt.get("spamVerdict") or {}).get("status") == "FAIL":
        return "held: SES marked the mail as spam (spamVerdict FAIL); replay files it"
    return None


@bp.on_sns_message(topic=INBOUND_MAIL_TOPIC)
def inbound_mail(event: SNSEvent) -> None:
    try:
        notification = json.loads(event.message)
    except ValueError:
        logger.error("SNS message is not JSON", extra={"subject": event.subject})
        return
    found = stored_mail(notification)
    if found is None:
        logger.info(
            "not a stored-mail notification", extra={"type": notification.get("notificationType")}
        )
        return
    key, recipients = found
    # The SMTP MAIL FROM: where a sender is taken from when the headers name none.
    envelope_sender = str(notification.get("mail", {}).get("source") or "") or None
    # Idempotent: a redelivered notification finds the raw key claimed: logged as a duplicate.
    # Whatever escapes (the mail log cannot be written, a timeout, out of memory) fails the
    # invocation: Lambda tries twice more, then the SNS event goes to the on-failure queue
    # (infra: InboundMailFailures); the raw mail stays in S3 and chalicelib.ops.replay
    # feeds it in again.
    entry = mail_intake.ingest(
        bootstrap.services(),
        key,
        recipients,
        hold=scan_hold(notification),
        envelope_sender=envelope_sender,
    )
    for name in metrics.mail_outcome(entry):
        metrics.count(name)
    # "Where did this mail go": the Logs Insights query finds this line by message_id.
    logger.info(
        "mail filed",
        extra={
            "message_id": entry.message_id,
            "raw_key": entry.raw_key,
            "outcome": entry.outcome.value,
            "ticket_id": entry.ticket_id,
            "mail_log_id": entry.id,
            "reason": entry.reason,
        },
    )


observability.instrument(inbound_mail)
