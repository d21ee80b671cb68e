"""The local stack's TicketEvents stream consumer: a thread that reads DynamoDB Local's stream
(DescribeStream, GetShardIterator, GetRecords) and hands each batch, in the record shape
Lambda uses, to the same handler the Lambda runs (``chalicelib.api.events.handle``): agents'
notices and the acknowledgements of new tickets go out from here, into the local outbox.

Like Lambda's event source mapping (which polls each shard four times a second): one batch
per shard at a time, in order, each shard read again after ``interval`` unless its last batch
was full (so a busy stream costs a few GetRecords a second, not one per change); a reported
batch item failure is delivered again from that record after a pause (the handler is
idempotent); shards that close hand over to their children. Shards that exist when the
poller starts are read from LATEST (their older records were handled by an earlier run);
shards that appear later are read from TRIM_HORIZON.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from chalicelib.adapters.dynamodb.stream import lambda_shape
from chalicelib.api import events
from chalicelib.services.context import Services

log = logging.getLogger("servit.stream")

BATCH_SIZE = 100
THREAD_NAME = "stream-poller"
RETRY_PAUSE = 2.0  # seconds before a failed change is delivered again

__all__ = ["StreamPoller", "lambda_shape", "start"]


class StreamPoller:
    def __init__(
        self,
        svc: Services,
        endpoint: str,
        table_name: str,
        *,
        interval: float = 0.3,
        retry_pause: float = RETRY_PAUSE,
        region: str = "eu-north-1",
    ) -> None:
        import boto3

        self._svc = svc
        self._table = table_name
        self._interval = interval
        self._retry_pause = retry_pause
        self._dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
        self._streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name=region)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self._iterators: dict[str, str] = {}  # open shard -> next iterator
        self._done: set[str] = set()  # shards read to their end
        self._stream_arn = ""
        self.batches = 0

    def start(self) -> None:
        self._stream_arn = self._dynamodb.describe_table(TableName=self._table)["Table"][
            "LatestStreamArn"
        ]
        self._discover(initial=True)
        self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _shards(self) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamArn": self._stream_arn}
        while True:
            described = self._streams.describe_stream(**kwargs)["StreamDescription"]
            shards.extend(described.get("Shards", []))
            last = described.get("LastEvaluatedShardId")
            if not last:
                return shards
            kwargs["ExclusiveStartShardId"] = last

    def _discover(self, *, initial: bool = False) -> None:
        shards = self._shards()
        known = {s["ShardId"] for s in shards}
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id in self._iterators or shard_id in self._done:
                continue
            parent = shard.get("ParentShardId")
            if not initial and parent in known and parent not in self._done:
                continue  # children wait until their parent is read to its end
            position = "LATEST" if initial else "TRIM_HORIZON"
            self._iterators[shard_id] = self._iterator(shard_id, position)

    def _iterator(self, shard_id: str, position: str, sequence_number: str = "") -> str:
        kwargs = {"SequenceNumber": sequence_number} if sequence_number else {}
        return str(
            self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType=position, **kwargs
            )["ShardIterator"]
        )

    def _run(self) -> None:
        last_discovery = time.monotonic()
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_discovery > 5:
                    self._discover()
                    last_discovery = time.monotonic()
                busy = False  # a shard returned a full batch: more is waiting there
                for shard_id in list(self._iterators):
                    busy |= self._poll(shard_id)
            except Exception:  # the stack keeps running; the next round tries again
                log.exception("stream poll failed")
                busy = False
            if not busy:
                self._stop.wait(self._interval)

    def _poll(self, shard_id: str) -> bool:
        """One GetRecords on the shard, handled; True if it returned a full batch."""
        iterator = self._iterators[shard_id]
        try:
            answer = self._streams.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
        except self._streams.exceptions.TrimmedDataAccessException:
            # DynamoDB Local numbers stream records across a transaction's items in every
            # table, so an iterator taken on an empty shard can point below its first
            # record, which it calls trimmed: start from the oldest record there is.
            iterator = self._iterator(shard_id, "TRIM_HORIZON")
            answer = self._streams.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
        records = answer.get("Records", [])
        following = answer.get("NextShardIterator")
        if records:
            shaped = [lambda_shape(r, self._stream_arn) for r in records]
            result = events.handle(self._svc, {"Records": shaped})
            self.batches += 1
            failures = [f["itemIdentifier"] for f in result.get("batchItemFailures", [])]
            if failures:
                # Lambda's rule: deliver again from the lowest failed sequence number.
                self._stop.wait(self._retry_pause)
                self._iterators[shard_id] = self._iterator(
                    shard_id, "AT_SEQUENCE_NUMBER", min(failures, key=int)
                )
                return False
        if following:
            self._iterators[shard_id] = following
        else:  # the shard is closed and read: its children may start
            del self._iterators[shard_id]
            self._done.add(shard_id)
            self._discover()
        return len(records) >= BATCH_SIZE


def start(svc: Services, endpoint: str, table_name: str) -> StreamPoller:
    poller = StreamPoller(svc, endpoint, table_name)
    poller.start()
    return poller
