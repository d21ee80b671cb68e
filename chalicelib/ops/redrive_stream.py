"""Redrive the TicketEvents stream consumer's failure queue (issue 11).

    python -m chalicelib.ops.redrive_stream --queue <queue url> [--stage dev] [--dry-run]
                                            [--max N] [--forget-aged-out]

When the ``ticket_events`` function gives up on a batch (10 retries or 24 hours), its event
source mapping puts the batch's coordinates — not the records — into
``servit-<stage>-ticket-events-failed`` (output TicketEventsDeadLetterQueueUrl): a message
whose ``DDBStreamBatchInfo`` names the stream, the shard, the first and last sequence numbers
and the batch size. The changes themselves are safe in the TicketEvents table; what was not
done is their side effects: agents' notices and new tickets' acknowledgements.

For each message this reads those records from the stream again (GetShardIterator
AT_SEQUENCE_NUMBER at the first, GetRecords up to the last) while the stream still holds
them (24 hours), and invokes the deployed function synchronously (``RequestResponse``) with a
DynamoDB-stream event of them, so they run with the stack's own code, configuration and role.
The message is deleted only when every record was handled (no function error, no batch item
failure); a failing one stays for the next run. Redriving twice is harmless: notices have
fixed ids, their mails and acknowledgements are claimed before they are sent.

Records the stream no longer holds are reported (shard, sequence numbers, when they arrived):
what they would have done is lost, the ticket data is not. Their messages stay in the queue
(and its alarm on) until ``--forget-aged-out`` deletes them, once the report is kept.
``--dry-run`` lists what each message holds and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.dynamodb.stream import lambda_shape
from chalicelib.ops.replay import queue_messages

FUNCTION = "servit-{stage}-ticket-events"
# A synchronous invocation's payload is at most 6 MB: records go in chunks below that.
MAX_PAYLOAD = 5 * 1024 * 1024
EMPTY_READS = 5  # empty GetRecords answers in a row before an open shard counts as read


@dataclass(frozen=True)
class BatchInfo:
    """What the on-failure destination says about one given-up batch."""

    stream_arn: str
    shard_id: str
    start: str
    end: str
    size: int
    first_arrival: str = ""
    last_arrival: str = ""

    def describe(self) -> str:
        when = f", arrived {self.first_arrival}..{self.last_arrival}" if self.first_arrival else ""
        return (
            f"shard {self.shard_id} sequence {self.start}..{self.end} ({self.size} records{when})"
        )


@dataclass
class Outcome:
    redriven: int = 0  # messages whose records were all handled (and deleted)
    records: int = 0  # records handed to the function
    failed: int = 0  # messages still failing (kept)
    aged_out: list[BatchInfo] = field(default_factory=list)  # no longer in the stream
    skipped: int = 0  # not a stream batch, or a dry run


class AgedOut(Exception):
    """The stream no longer holds (all of) the batch's records."""


def batch_info(body: str) -> BatchInfo | None:
    """The batch a failure-queue message stands for, or None if it is none."""
    try:
        record = json.loads(body)
        info = record["DDBStreamBatchInfo"]
        return BatchInfo(
            stream_arn=str(info["streamArn"]),
            shard_id=str(info["shardId"]),
            start=str(info["startSequenceNumber"]),
            end=str(info["endSequenceNumber"]),
            size=int(info.get("batchSize") or 0),
            first_arrival=str(info.get("approximateArrivalOfFirstRecord") or ""),
            last_arrival=str(info.get("approximateArrivalOfLastRecord") or ""),
        )
    except (ValueError, KeyError, TypeError):
        return None


def read_batch(streams: Any, info: BatchInfo) -> list[dict[str, Any]]:
    """The batch's records as GetRecords returns them, first to last sequence number.
    Raises AgedOut when the stream has trimmed them (or the shard is gone)."""
    errors = streams.exceptions
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=info.stream_arn,
            ShardId=info.shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=info.start,
        )["ShardIterator"]
    except (errors.TrimmedDataAccessException, errors.ResourceNotFoundException) as error:
        raise AgedOut(str(error)) from error
    end = int(info.end)
    found: list[dict[str, Any]] = []
    empty = 0
    while iterator and empty < EMPTY_READS:
        try:
            answer = streams.get_records(ShardIterator=iterator, Limit=1000)
        except (errors.TrimmedDataAccessException, errors.ExpiredIteratorException) as error:
            raise AgedOut(str(error)) from error
        records = answer.get("Records") or []
        empty = 0 if records else empty + 1
        for record in records:
            if int(record["dynamodb"]["SequenceNumber"]) > end:
                return found
            found.append(record)
        if found and int(found[-1]["dynamodb"]["SequenceNumber"]) == end:
            return found
        iterator = answer.get("NextShardIterator")
    if not found:
        raise AgedOut("no records at those sequence numbers")
    return found


def chunks(records: list[dict[str, Any]], limit: int = MAX_PAYLOAD) -> Iterator[list[Any]]:
    """Records in stream order, in groups whose event stays under the payload limit (a change
    cut in two is read whole by the consumer)."""
    group: list[Any] = []
    size = 0
    for record in records:
        length = len(json.dumps(record, default=str)) + 2
        if group and size + length > limit:
            yield group
            group, size = [], 0
        group.append(record)
        size += length
    if group:
        yield group


def invoke(lambda_client: Any, function: str, records: list[dict[str, Any]]) -> str | None:
    """The function on one stream event; None if every record was handled, else why not."""
    answer = lambda_client.invoke(
        FunctionName=function,
        InvocationType="RequestResponse",
        Payload=json.dumps({"Records": records}, default=str).encode(),
    )
    payload = answer.get("Payload")
    text = payload.read().decode("utf-8", "replace") if payload is not None else ""
    if answer.get("FunctionError"):
        return f"{answer['FunctionError']}: {text[:500]}"
    try:
        failures = (json.loads(text) if text else {}).get("batchItemFailures") or []
    except (ValueError, AttributeError):
        return f"unexpected answer: {text[:200]}"
    if failures:
        return f"a change failed again from sequence number {failures[0].get('itemIdentifier')}"
    return None


def keys_of(record: dict[str, Any]) -> str:
    keys = record.get("dynamodb", {}).get("Keys", {})
    ticket = keys.get("ticket_id", {}).get("S", "?")
    event = keys.get("event_key", {}).get("S", "?")
    number = record.get("dynamodb", {}).get("SequenceNumber", "?")
    return f"{record.get('eventName', '?')} {ticket} {event} (sequence {number})"


def redrive(
    sqs: Any,
    streams: Any,
    lambda_client: Any,
    queue_url: str,
    function: str,
    *,
    dry_run: bool,
    limit: int,
    forget_aged_out: bool = False,
) -> Outcome:
    outcome = Outcome()
    for message in queue_messages(sqs, queue_url, limit):
        info = batch_info(message.get("Body", ""))
        if info is None:
            print(f"skipped {message.get('MessageId')}: not a stream batch's failure record")
            outcome.skipped += 1
            continue
        try:
            records = read_batch(streams, info)
        except AgedOut as why:
            outcome.aged_out.append(info)
            print(f"AGED OUT {info.describe()}: {why}")
            if forget_aged_out and not dry_run:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                print("  message deleted (--forget-aged-out)")
            continue
        if dry_run:
            print(f"would redrive {info.describe()}: {len(records)} records")
            for record in records:
                print(f"  {keys_of(record)}")
            outcome.skipped += 1
            continue
        shaped = [lambda_shape(r, info.stream_arn) for r in records]
        error = None
        for part in chunks(shaped):
            if (error := invoke(lambda_client, function, part)) is not None:
                break  # the rest waits for the next run, with the message
        if error is None:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            print(f"redriven {info.describe()}: {len(records)} records")
            outcome.redriven += 1
            outcome.records += len(records)
        else:
            print(f"still failing {info.describe()}: {error}")
            outcome.failed += 1
    return outcome


def main(
    argv: list[str] | None = None,
    *,
    sqs: Any = None,
    streams: Any = None,
    lambda_client: Any = None,
) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.redrive_stream",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--queue", required=True, metavar="URL", help="the failure queue's URL")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--function", help="default: servit-<stage>-ticket-events")
    parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
    parser.add_argument("--max", type=int, default=1000, help="messages at most")
    parser.add_argument(
        "--forget-aged-out",
        action="store_true",
        help="delete the messages of batches the stream no longer holds (after the report)",
    )
    args = parser.parse_args(argv)
    function = args.function or FUNCTION.format(stage=args.stage)
    import boto3

    # The stack's region (the AWS CLI's configuration, AWS_REGION), as for replay.
    sqs = sqs or boto3.client("sqs")
    lambda_client = lambda_client or boto3.client("lambda")
    streams = streams or boto3.client("dynamodbstreams")
    outcome = redrive(
        sqs,
        streams,
        lambda_client,
        args.queue,
        function,
        dry_run=args.dry_run,
        limit=args.max,
        forget_aged_out=args.forget_aged_out,
    )
    print(
        f"{outcome.redriven} redriven ({outcome.records} records), {outcome.failed} still "
        f"failing, {len(outcome.aged_out)} aged out, {outcome.skipped} skipped"
    )
    if outcome.aged_out:
        print(
            "Aged out: the notices and acknowledgements of the changes in those ranges were "
            "not sent; the tickets and their history are complete in the table."
        )
    return 1 if outcome.failed or (outcome.aged_out and not args.forget_aged_out) else 0


if __name__ == "__main__":
    sys.exit(main())
