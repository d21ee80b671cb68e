"""TicketEvents stream records (Lambda's event shape) to stored events, and back for tests
and the local poller. A record's ``NewImage`` is the item in DynamoDB's JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters.dynamodb.codec import event_to_model, stored_event_from_model
from chalicelib.adapters.dynamodb.models import TicketEventModel
from chalicelib.domain.notifications import StoredEvent


def decode_image(image: dict[str, Any]) -> StoredEvent:
    """Raises (KeyError, ValueError, TypeError, ...) on an image that is not an event item."""
    if not isinstance(image, dict) or "event_id" not in image or "type" not in image:
        raise ValueError("not a ticket event item")
    return stored_event_from_model(TicketEventModel.from_raw_data(image))


def encode_image(stored: StoredEvent) -> dict[str, Any]:
    image: dict[str, Any] = event_to_model(stored.event, stored).serialize()
    return image


def lambda_record(
    stored: StoredEvent, sequence_number: str, *, event_name: str = "INSERT"
) -> dict[str, Any]:
    """One record as Lambda hands it to the consumer (for tests and local feeding)."""
    image = encode_image(stored)
    keys = {"ticket_id": image["ticket_id"], "event_key": image["event_key"]}
    return {
        "eventID": sequence_number,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-north-1",
        "eventSourceARN": "arn:aws:dynamodb:eu-north-1:000000000000:table/local-TicketEvents"
        "/stream/local",
        "dynamodb": {
            "ApproximateCreationDateTime": int(stored.event.at.timestamp()),
            "Keys": keys,
            "NewImage": image,
            "SequenceNumber": sequence_number,
            "SizeBytes": 100,
            "StreamViewType": "NEW_IMAGE",
        },
    }


def lambda_shape(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda's event carries it (epoch seconds, the source ARN): what
    the local poller and ``chalicelib.ops.redrive_stream`` hand to the consumer."""
    shaped = dict(record)
    change = dict(record.get("dynamodb") or {})
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):  # boto3 parses it; Lambda hands epoch seconds
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    shaped["dynamodb"] = change
    shaped["eventSourceARN"] = stream_arn
    return shaped
