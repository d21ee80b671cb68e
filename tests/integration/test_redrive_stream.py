"""``python -m chalicelib.ops.redrive_stream`` under moto: the failure queue's records of a
given-up batch (DDBStreamBatchInfo) are read back from the real TicketEvents stream
(GetShardIterator AT_SEQUENCE_NUMBER) and handed to the stream consumer's Lambda handler,
exactly those records, once; a message goes only when its records were handled; batches the
stream no longer holds are reported, not lost silently."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

import app
from chalicelib import bootstrap
from chalicelib.adapters.dynamodb.models import TicketEventModel
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.domain.organisation import User
from chalicelib.ops import redrive_stream
from chalicelib.services import tickets
from chalicelib.services.context import Services
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk

REGION = "eu-north-1"
PREFIX = "servit-moto-"


@pytest.fixture
def svc() -> Iterator[Services]:
    with mock_aws():
        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        services = dynamo_backed_services(None, PREFIX, FrozenClock())  # type: ignore[arg-type]
        bootstrap.use(services)
        try:
            yield services
        finally:
            bootstrap.use(None)


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


@pytest.fixture
def streams(svc: Services) -> Any:
    # The regional endpoint: botocore would otherwise pick the account-based one from the
    # stream ARN, which moto does not answer.
    return boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com",
    )


@pytest.fixture
def queue(svc: Services) -> tuple[Any, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    return sqs, sqs.create_queue(QueueName="servit-test-ticket-events-failed")["QueueUrl"]


def stream_of_table(streams: Any) -> tuple[str, str, list[dict[str, Any]]]:
    """The TicketEvents stream's ARN, its shard and every record on it (GetRecords shape)."""
    table = TicketEventModel.Meta.table_name
    arn = boto3.client("dynamodb", region_name=REGION).describe_table(TableName=table)["Table"][
        "LatestStreamArn"
    ]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
    return arn, shard["ShardId"], records


def failure_record(arn: str, shard: str, batch: list[dict[str, Any]]) -> str:
    """What Lambda's on-failure destination puts in the queue for a given-up stream batch."""
    numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
    return json.dumps(
        {
            "requestContext": {
                "requestId": "7ab5",
                "functionArn": f"arn:aws:lambda:{REGION}:1:function:servit-test-ticket-events",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": 11,
            },
            "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": "2026-03-04T12:00:05.000Z",
            "DDBStreamBatchInfo": {
                "shardId": shard,
                "startSequenceNumber": numbers[0],
                "endSequenceNumber": numbers[-1],
                "approximateArrivalOfFirstRecord": "2026-03-04T12:00:00Z",
                "approximateArrivalOfLastRecord": "2026-03-04T12:00:01Z",
                "batchSize": len(batch),
                "streamArn": arn,
            },
        }
    )


class HandlerAsLambda:
    """boto3's Lambda client, answered by the app's own stream handler (chalice.test)."""

    def __init__(self, client: Client, *, answer: Any = None) -> None:
        self.client, self.answer = client, answer
        self.calls: list[tuple[str, list[str]]] = []

    def invoke(self, FunctionName: str, InvocationType: str, Payload: bytes) -> Any:  # noqa: N803
        assert InvocationType == "RequestResponse"
        event = json.loads(Payload)
        self.calls.append((FunctionName, [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]))  # fmt: skip
        if self.answer is not None:
            return self.answer
        result = self.client.lambda_.invoke("ticket_events", event)
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(result.payload).encode())}


def left_in(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in attributes.values())


def test_a_given_up_batch_is_read_from_the_stream_handled_once_and_its_message_deleted(
    svc: Services, people: dict[str, User], streams: Any, queue: tuple[Any, str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    # Given three hand-overs on the stream, of which the consumer gave up on the middle one
    sqs, url = queue
    for title, agent in (("Skrivaren", "agent1"), ("Nätet", "agent2"), ("Wifi", "agent3")):
        tickets.create_ticket(svc, people["dispatcher"], {"title": title, "agent_id": agent})
    arn, shard, records = stream_of_table(streams)
    assert len(records) == 3
    given_up = records[1:2]
    sqs.send_message(QueueUrl=url, MessageBody=failure_record(arn, shard, given_up))
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"something": "else"}))

    # When the operator redrives the queue (and, by mistake, the same batch once more)
    with Client(app.app) as client:
        invoker = HandlerAsLambda(client)
        code = redrive_stream.main(
            ["--queue", url, "--stage", "test"], sqs=sqs, streams=streams, lambda_client=invoker
        )
        sqs.send_message(QueueUrl=url, MessageBody=failure_record(arn, shard, given_up))
        again = redrive_stream.main(
            ["--queue", url, "--stage", "test"], sqs=sqs, streams=streams, lambda_client=invoker
        )

    # Then exactly the batch's records reached the deployed function, by name
    numbers = [r["dynamodb"]["SequenceNumber"] for r in given_up]
    assert invoker.calls == [("servit-test-ticket-events", numbers)] * 2
    # and the agent of that change was told, once; the others not (not in the batch)
    told = {u: len(svc.notifications.for_user(u).items) for u in ("agent1", "agent2", "agent3")}
    assert told == {"agent1": 0, "agent2": 1, "agent3": 0}
    mailed = [r for m in svc.mailer.sent for r in m.recipients]  # type: ignore[attr-defined]
    assert mailed == ["agent2@example.com"]
    # and only the unknown message is left
    assert (code, again) == (0, 0)
    assert left_in(sqs, url) == 1
    assert "1 redriven (1 records)" in capsys.readouterr().out


FAILED_AGAIN = b'{"batchItemFailures": [{"itemIdentifier": "7"}]}'


@pytest.mark.parametrize(
    "answer",
    [
        {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"x": 1}')},
        {"StatusCode": 200, "Payload": io.BytesIO(FAILED_AGAIN)},
    ],
    ids=["function-error", "batch-item-failure"],
)
def test_a_batch_that_still_fails_stays_in_the_queue(
    svc: Services, people: dict[str, User], streams: Any, queue: tuple[Any, str], answer: Any
) -> None:
    sqs, url = queue
    tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent1"})
    arn, shard, records = stream_of_table(streams)
    sqs.send_message(QueueUrl=url, MessageBody=failure_record(arn, shard, records))

    with Client(app.app) as client:
        failing = HandlerAsLambda(client, answer=answer)
        code = redrive_stream.main(
            ["--queue", url], sqs=sqs, streams=streams, lambda_client=failing
        )

    assert code == 1 and len(failing.calls) == 1
    assert left_in(sqs, url) == 1


def test_a_dry_run_lists_the_records_and_changes_nothing(
    svc: Services, people: dict[str, User], streams: Any, queue: tuple[Any, str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    sqs, url = queue
    made = tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent1"})
    arn, shard, records = stream_of_table(streams)
    sqs.send_message(QueueUrl=url, MessageBody=failure_record(arn, shard, records))

    with Client(app.app) as client:
        idle = HandlerAsLambda(client)
        code = redrive_stream.main(
            ["--queue", url, "--dry-run"], sqs=sqs, streams=streams, lambda_client=idle
        )

    out = capsys.readouterr().out
    assert code == 0 and idle.calls == []
    assert f"INSERT {made.id} " in out and records[0]["dynamodb"]["SequenceNumber"] in out
    assert svc.notifications.for_user("agent1").items == []
    assert left_in(sqs, url) == 1


class TrimmedStream:
    """The stream 24 hours later: the batch's records are trimmed."""

    def __init__(self, real: Any) -> None:
        self.exceptions = real.exceptions

    def get_shard_iterator(self, **_: Any) -> Any:
        raise self.exceptions.TrimmedDataAccessException(
            {"Error": {"Code": "TrimmedDataAccessException", "Message": "trimmed"}},
            "GetShardIterator",
        )


@pytest.mark.parametrize("forget", [False, True], ids=["kept", "forgotten"])
def test_records_the_stream_no_longer_holds_are_reported_and_kept_until_forgotten(
    svc: Services, people: dict[str, User], streams: Any, queue: tuple[Any, str],
    capsys: pytest.CaptureFixture[str], forget: bool,
) -> None:  # fmt: skip
    sqs, url = queue
    tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent1"})
    arn, shard, records = stream_of_table(streams)
    sqs.send_message(QueueUrl=url, MessageBody=failure_record(arn, shard, records))
    number = records[0]["dynamodb"]["SequenceNumber"]

    with Client(app.app) as client:
        idle = HandlerAsLambda(client)
        code = redrive_stream.main(
            ["--queue", url, *(["--forget-aged-out"] if forget else [])],
            sqs=sqs,
            streams=TrimmedStream(streams),
            lambda_client=idle,
        )

    out = capsys.readouterr().out
    assert f"AGED OUT shard {shard} sequence {number}..{number} (1 records, arrived" in out
    assert "0 redriven (0 records), 0 still failing, 1 aged out" in out
    assert idle.calls == []
    # Kept, the queue's alarm stays on until someone has read the report.
    assert (code, left_in(sqs, url)) == ((0, 0) if forget else (1, 1))
