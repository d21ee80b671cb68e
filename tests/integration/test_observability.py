"""Issue 11 at run time: the Lambda handlers print EMF metrics with the issue's names, every
log line of an invocation carries the Lambda context and a correlation id, and mail whose
invocation failed is fed in again from the failure queue (idempotently)."""

# ruff: noqa: F811 (the fixtures aws and s3_services come from test_mail_adapters)

from __future__ import annotations

import io
import json
import logging
from typing import Any

import boto3
import pytest
from chalice.app import DynamoDBEvent, Request, SNSEvent
from chalice.test import Client

import app
from chalicelib.api import observability
from chalicelib.ops import replay
from chalicelib.services import metrics
from chalicelib.services.context import Services
from tests.integration.test_mail_adapters import (  # noqa: F401 (fixtures aws, s3_services)
    BUCKET,
    RAW,
    REGION,
    aws,
    s3_services,
    ses_notification,
)


@pytest.fixture
def emf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVIT_METRICS", "on")
    monkeypatch.setenv("SERVIT_STAGE", "test")


def emf_lines(out: str) -> list[dict[str, Any]]:
    found = []
    for line in out.splitlines():
        if line.startswith('{"_aws"'):
            found.append(json.loads(line))
    return found


def counted(lines: list[dict[str, Any]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in lines:
        (directive,) = line["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "ServIT"
        assert directive["Dimensions"] == [["stage", "service"]]
        assert (line["service"], line["stage"]) == ("servit", "test")
        for metric in directive["Metrics"]:
            totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(line[metric["Name"]])
    return totals


def mail_event(client: Client, key: str) -> Any:
    notification = ses_notification(key, ["kundtjanst@example.com"])
    notification["mail"]["messageId"] = key.rsplit("/", 1)[-1]
    return client.events.generate_sns_event(message=json.dumps(notification))


def test_mail_intake_prints_emf_metrics_once_per_invocation(
    s3_services: Services, emf: None, capsys: pytest.CaptureFixture[str]
) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/m1", Body=RAW)
    with Client(app.app) as client:
        client.lambda_.invoke("inbound_mail", mail_event(client, "inbound/m1"))
        first = emf_lines(capsys.readouterr().out)
        client.lambda_.invoke("inbound_mail", mail_event(client, "inbound/m1"))  # again
        second = emf_lines(capsys.readouterr().out)
    assert len(first) == 1 and len(second) == 1
    assert counted(first) == {metrics.MAILS_RECEIVED: 1, metrics.TICKETS_CREATED: 1}
    assert counted(second) == {metrics.MAILS_RECEIVED: 1, metrics.DUPLICATES: 1}


def test_unparseable_and_held_mail_count_as_quarantined(
    s3_services: Services, emf: None, capsys: pytest.CaptureFixture[str]
) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object(Bucket=BUCKET, Key="inbound/spam", Body=RAW.replace(b"sns-1", b"spam-1"))
    notification = ses_notification("inbound/spam", ["kundtjanst@example.com"])
    notification["receipt"]["spamVerdict"] = {"status": "FAIL"}
    with Client(app.app) as client:
        event = client.events.generate_sns_event(message=json.dumps(notification))
        client.lambda_.invoke("inbound_mail", event)
    assert counted(emf_lines(capsys.readouterr().out)) == {
        metrics.MAILS_RECEIVED: 1,
        metrics.MAILS_QUARANTINED: 1,
    }


def test_metrics_are_off_outside_lambda(
    s3_services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SERVIT_METRICS", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/m2", Body=RAW)
    with Client(app.app) as client:
        client.lambda_.invoke("inbound_mail", mail_event(client, "inbound/m2"))
    assert emf_lines(capsys.readouterr().out) == []


def test_log_lines_carry_context_and_correlation_id(s3_services: Services) -> None:
    handlers = [
        h
        for lg in list(logging.Logger.manager.loggerDict.values())
        if (h := getattr(lg, "powertools_handler", None)) is not None
    ]
    stream = io.StringIO()
    previous = [h.setStream(stream) for h in handlers]
    try:
        boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/m4", Body=RAW)
        with Client(app.app) as client:
            client.lambda_.invoke("inbound_mail", mail_event(client, "inbound/m4"))
        observability.logger.info("outside any invocation")
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line]
    inside, outside = lines[:-1], lines[-1]
    assert inside, "the intake logs"
    services = {line["service"] for line in inside}
    assert "servit-mail" in services
    for line in inside:
        assert line["correlation_id"] == "m4", line
        assert line["function_name"] == "inbound_mail" and line["function_request_id"]
        assert "cold_start" in line
    filed = next(line for line in inside if line["message"] == "mail filed")
    assert filed["message_id"] == "sns-1@example.se" and filed["outcome"] == "created"
    assert filed["raw_key"] == "inbound/m4" and filed["ticket_id"]
    assert "correlation_id" not in outside and "function_name" not in outside


def test_correlation_ids_per_source() -> None:
    lambda_context = object()
    request = Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": {},
            "pathParameters": None,
            "requestContext": {"requestId": "api-req-1", "resourcePath": "/x", "httpMethod": "GET"},
            "body": None,
            "isBase64Encoded": False,
            "stageVariables": None,
        },
        lambda_context,
    )
    assert observability.correlation_id(request) == "api-req-1"
    sns = replay.sns_event(json.dumps({"mail": {}}), message_id="sns-9")
    assert observability.correlation_id(SNSEvent(sns, None)) == "sns-9"
    stream = {"Records": [{"eventID": "ev-1", "dynamodb": {}}, {"eventID": "ev-2"}]}
    assert observability.correlation_id(DynamoDBEvent(stream, None)) == "ev-1"


class FakeSqs:
    def __init__(self, bodies: list[str]) -> None:
        self.messages = [
            {"MessageId": f"q{i}", "ReceiptHandle": f"r{i}", "Body": b}
            for i, b in enumerate(bodies)
        ]
        self.deleted: list[str] = []
        self.given = False

    def receive_message(self, **_: Any) -> dict[str, Any]:
        if self.given:
            return {"Messages": []}
        self.given = True
        return {"Messages": list(self.messages)}

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:  # noqa: N803
        self.deleted.append(ReceiptHandle)


class HandlerAsLambda:
    """boto3's Lambda client, answered by the app's own handler (chalice.test)."""

    def __init__(self, client: Client, fail: bool = False) -> None:
        self.client, self.fail, self.calls = client, fail, []

    def invoke(self, FunctionName: str, InvocationType: str, Payload: bytes) -> Any:  # noqa: N803
        self.calls.append(FunctionName)
        assert InvocationType == "RequestResponse"
        if self.fail:
            return {"FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"errorMessage":"x"}')}
        self.client.lambda_.invoke("inbound_mail", json.loads(Payload))
        return {"StatusCode": 200}


def test_replay_feeds_failed_mail_from_the_queues_into_the_intake_once(
    s3_services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/m5", Body=RAW)
    with Client(app.app) as client:
        sns_event = mail_event(client, "inbound/m5")
        on_failure = {  # Lambda's on-failure destination record
            "version": "1.0",
            "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": 3},
            "requestPayload": sns_event,
            "responsePayload": {"errorMessage": "Task timed out after 60.00 seconds"},
        }
        envelope = {  # SNS's dead-letter queue: the message envelope
            "Type": "Notification",
            "MessageId": "sns-2",
            "TopicArn": "arn:aws:sns:eu-north-1:1:servit-test-inbound-mail",
            "Message": sns_event["Records"][0]["Sns"]["Message"],
        }
        sqs = FakeSqs([json.dumps(on_failure), json.dumps(envelope), "not json"])
        invoker = HandlerAsLambda(client)
        code = replay.main(
            ["--from-queue", "https://sqs/q", "--stage", "test"], sqs=sqs, lambda_client=invoker
        )
    assert code == 0
    assert invoker.calls == ["servit-test-inbound-mail"] * 2
    assert sqs.deleted == ["r0", "r1"]  # the unknown message stays
    log = s3_services.mail_log.by_message_id("sns-1@example.se")
    assert sorted(e.outcome.value for e in log) == ["created", "ignored"]  # filed once
    assert "2 replayed, 0 still failing, 1 skipped" in capsys.readouterr().out


def test_replay_keeps_what_still_fails_and_a_dry_run_changes_nothing(
    s3_services: Services,
) -> None:
    body = json.dumps({"requestPayload": {"Records": [{"Sns": {"Message": "{}"}}]}})
    with Client(app.app) as client:
        failing = HandlerAsLambda(client, fail=True)
        sqs = FakeSqs([body])
        assert replay.main(["--from-queue", "u"], sqs=sqs, lambda_client=failing) == 1
        assert sqs.deleted == [] and failing.calls == ["servit-dev-inbound-mail"]
        dry = FakeSqs([body])
        idle = HandlerAsLambda(client)
        assert replay.main(["--from-queue", "u", "--dry-run"], sqs=dry, lambda_client=idle) == 0
        assert dry.deleted == [] and idle.calls == []


def test_replay_by_key_files_a_stored_mail_whose_notification_was_lost(
    s3_services: Services,
) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/m6", Body=RAW)
    with Client(app.app) as client:
        code = replay.main(["--key", "inbound/m6"], lambda_client=HandlerAsLambda(client))
    assert code == 0
    (entry,) = s3_services.mail_log.by_message_id("sns-1@example.se")
    assert entry.outcome.value == "created" and entry.raw_key == "inbound/m6"
