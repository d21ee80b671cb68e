"""Feed inbound mail whose Lambda invocation failed into the intake again (issue 11).

    python -m chalicelib.ops.replay --from-queue <queue url> [--stage dev] [--dry-run] [--max N]
    python -m chalicelib.ops.replay --key inbound/<ses message id> [--recipient a@b] [--stage dev]

Where failed mail waits (the raw MIME always stays in the mail bucket under ``inbound/``):

- ``servit-<stage>-inbound-mail-failed`` (output InboundMailFailureQueueUrl): Lambda's
  on-failure destination. After the function failed three times (crash, timeout, out of
  memory, the mail log unwritable) or throttling outlasted the event's maximum age, Lambda
  puts a record there whose ``requestPayload`` is the original SNS event.
- ``servit-<stage>-inbound-mail-undeliverable`` (output InboundMailDeadLetterQueueUrl): the
  SNS subscription's dead-letter queue, for notifications SNS could not hand to Lambda at all
  (the function deleted, its permission gone). The body is SNS's message envelope.

For each message the original SNS event is rebuilt and the deployed InboundMail function is
invoked with it synchronously (``RequestResponse``), so it runs with the stack's own code,
configuration and permissions. The queue message is deleted only when that invocation
succeeded; a failing one stays for the next try. Replaying twice is harmless: the intake
claims the raw key, and a second delivery is logged as a duplicate.

``--key`` re-feeds one stored raw mail whose notification is lost entirely (the mail log has
no entry for it): a minimal SES notification is made for the key. Without ``--recipient``
the mail is routed by its To/Cc headers.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

FUNCTION = "servit-{stage}-inbound-mail"


@dataclass
class Outcome:
    replayed: int = 0
    failed: int = 0
    skipped: int = 0


def sns_event(message: str, *, message_id: str = "", subject: str = "", topic: str = "") -> Any:
    """An SNS -> Lambda event around one message (the shape the InboundMail handler reads)."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": "",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": topic,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": "",
                    "MessageAttributes": {},
                },
            }
        ]
    }


def original_event(body: str) -> Any | None:
    """The SNS event a failure-queue message stands for, or None if it is none of ours."""
    try:
        record = json.loads(body)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    payload = record.get("requestPayload")  # Lambda's on-failure destination record
    if isinstance(payload, dict) and payload.get("Records"):
        return payload
    if isinstance(record.get("Message"), str):  # SNS's envelope (subscription DLQ)
        return sns_event(
            record["Message"],
            message_id=str(record.get("MessageId") or ""),
            subject=str(record.get("Subject") or ""),
            topic=str(record.get("TopicArn") or ""),
        )
    if record.get("notificationType") == "Received":  # raw message delivery: SES's own JSON
        return sns_event(body)
    return None


def notification_for_key(key: str, recipients: list[str]) -> str:
    """A minimal SES "Received" notification for a raw mail stored under ``key``."""
    return json.dumps(
        {
            "notificationType": "Received",
            "mail": {"messageId": key.rsplit("/", 1)[-1], "destination": recipients},
            "receipt": {"recipients": recipients, "action": {"type": "S3", "objectKey": key}},
        }
    )


def invoke(lambda_client: Any, function: str, event: Any) -> str | None:
    """Run the function on ``event``; None on success, else what went wrong."""
    answer = lambda_client.invoke(
        FunctionName=function,
        InvocationType="RequestResponse",
        Payload=json.dumps(event).encode(),
    )
    if answer.get("FunctionError"):
        payload = answer.get("Payload")
        detail = payload.read().decode("utf-8", "replace") if payload is not None else ""
        return f"{answer['FunctionError']}: {detail[:500]}"
    return None


def queue_messages(sqs: Any, queue_url: str, limit: int) -> Iterator[dict[str, Any]]:
    seen = 0
    while seen < limit:
        answer = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(10, limit - seen),
            WaitTimeSeconds=1,
            VisibilityTimeout=300,
        )
        batch = answer.get("Messages") or []
        if not batch:
            return
        for message in batch:
            seen += 1
            yield message


def replay_queue(
    sqs: Any, lambda_client: Any, queue_url: str, function: str, *, dry_run: bool, limit: int
) -> Outcome:
    outcome = Outcome()
    for message in queue_messages(sqs, queue_url, limit):
        event = original_event(message.get("Body", ""))
        if event is None:
            print(f"skipped {message.get('MessageId')}: not an inbound-mail event")
            outcome.skipped += 1
            continue
        keys = [_object_key(r) for r in event.get("Records", [])]
        if dry_run:
            print(f"would replay {message.get('MessageId')}: {keys}")
            outcome.skipped += 1
            continue
        error = invoke(lambda_client, function, event)
        if error is None:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            print(f"replayed {keys}")
            outcome.replayed += 1
        else:
            print(f"still failing {keys}: {error}")
            outcome.failed += 1
    return outcome


def _object_key(record: Any) -> str:
    try:
        notification = json.loads(record["Sns"]["Message"])
        return str(notification["receipt"]["action"]["objectKey"])
    except (KeyError, TypeError, ValueError):
        return "?"


def main(argv: list[str] | None = None, *, sqs: Any = None, lambda_client: Any = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.ops.replay", description=__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-queue", metavar="URL", help="a failure or dead-letter queue")
    source.add_argument("--key", help="one raw mail in the bucket, e.g. inbound/<id>")
    parser.add_argument("--recipient", action="append", default=[], help="with --key")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--function", help="default: servit-<stage>-inbound-mail")
    parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
    parser.add_argument("--max", type=int, default=1000, help="messages at most")
    args = parser.parse_args(argv)
    function = args.function or FUNCTION.format(stage=args.stage)
    if lambda_client is None:
        import boto3

        lambda_client = boto3.client("lambda")
    if args.key:
        event = sns_event(notification_for_key(args.key, args.recipient))
        if args.dry_run:
            print(json.dumps(event))
            return 0
        error = invoke(lambda_client, function, event)
        print(f"replayed {args.key}" if error is None else f"failed {args.key}: {error}")
        return 0 if error is None else 1
    if sqs is None:
        import boto3

        sqs = boto3.client("sqs")
    outcome = replay_queue(
        sqs, lambda_client, args.from_queue, function, dry_run=args.dry_run, limit=args.max
    )
    print(f"{outcome.replayed} replayed, {outcome.failed} still failing, {outcome.skipped} skipped")
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
