"""The TicketEvents stream consumer Lambda: decodes the records and hands the new events to
``services/event_stream``. The local stack's poller (local/stream_poller.py) calls
``handle`` with records of the same shape.

Only INSERT records matter (history is append-only; TTL deletions come as REMOVE). A record
that cannot be decoded is logged and skipped: it can never succeed, and must not hold up the
shard. The answer is Lambda's partial batch response (FunctionResponseTypes
ReportBatchItemFailures, set in the merge template): delivery resumes at the failed change.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, DynamoDBEvent

from chalicelib import bootstrap
from chalicelib.api import observability
from chalicelib.services import event_stream, metrics
from chalicelib.services.context import Services

bp = Blueprint(__name__)
logger = Logger(service="servit-events")

# Chalice wants an ARN here; the merge template points the event source at the stack's
# TicketEvents table stream (Fn::GetAtt StreamArn), replacing this placeholder.
TICKET_EVENTS_STREAM = (
    "arn:aws:dynamodb:eu-north-1:000000000000:table/servit-TicketEvents/stream/placeholder"
)


@bp.on_dynamodb_record(
    stream_arn=TICKET_EVENTS_STREAM,
    batch_size=100,
    starting_position="TRIM_HORIZON",
    name="ticket_events",
)
def ticket_events(event: DynamoDBEvent) -> dict[str, Any]:
    return handle(bootstrap.services(), event.to_dict())


observability.instrument(ticket_events)


def handle(svc: Services, event: dict[str, Any]) -> dict[str, Any]:
    items = decode(event.get("Records") or [])
    result = event_stream.consume(svc, items)
    metrics.count(metrics.NOTIFICATIONS_SENT, result.notices)
    logger.info(
        "stream batch",
        extra={"records": len(event.get("Records") or []), "changes": result.changes,
               "notices": result.notices, "acknowledgements": result.acknowledgements,
               "live": result.live,
               "failed": result.failed},
    )  # fmt: skip
    failures = [{"itemIdentifier": result.failed}] if result.failed else []
    return {"batchItemFailures": failures}


def decode(records: list[Any]) -> list[event_stream.StreamItem]:
    from chalicelib.adapters.dynamodb.stream import decode_image

    items = []
    for record in records:
        try:
            if record.get("eventName") != "INSERT":
                continue
            change = record["dynamodb"]
            stored = decode_image(change["NewImage"])
            items.append(event_stream.StreamItem(str(change["SequenceNumber"]), stored))
        except Exception:  # a bad record is skipped, never retried forever
            logger.exception(
                "stream record skipped: not a ticket event item",
                extra={"event_id": record.get("eventID") if isinstance(record, dict) else None},
            )
    return items
