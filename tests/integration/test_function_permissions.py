"""Each Lambda function's AWS calls, recorded while it really runs, fall inside its own role.

Under moto: DynamoDB through the real repositories, the mail bucket through the S3 adapter,
mail out through the SES adapter. The mail intake Lambda gets SES's SNS notifications of a
new request and of a reply (with the acknowledgement on), the stream consumer the stream's
records, the API handler an agent's reply and an admin's contact change. Every call is turned
into the IAM action and resource it needs and checked against the role the function has in
the packaged template (tests/infra/iam_model.py), so a code change that needs a new
permission fails here, not in production.

The other direction — nothing granted that the code does not use — is
``test_every_granted_permission_is_used_by_its_function``: what the runs below do not reach
must be named in RARE_PATHS with the code that needs it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from email.utils import parseaddr
from typing import Any

import boto3
import botocore.client
import pytest
from chalice.test import Client
from moto import mock_aws

import app
from chalicelib import bootstrap
from chalicelib.adapters.blobs_s3 import S3BlobStore
from chalicelib.adapters.mail_ses import SesMailer
from chalicelib.services.context import Services
from tests.api.apiclient import Api
from tests.infra import iam_model
from tests.integration.test_ticket_event_stream import stream_records
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk
from tests.unit.mail.flows import configure_rp, mail_file

REGION = iam_model.REGION
PREFIX = f"servit-{iam_model.STAGE}-"
BUCKET = f"servit-{iam_model.STAGE}-mail-{iam_model.ACCOUNT}-{REGION}"

Call = tuple[str, str]  # (IAM action, resource ARN)


class AwsCalls:
    """The IAM action and resource of every AWS call, under the function now running."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.function = "setup"
        self.calls: dict[str, set[Call]] = defaultdict(set)
        real = botocore.client.BaseClient._make_api_call

        def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            if self.function == "setup":  # the test's own preparations
                return real(client, operation, params)
            for call in needed(service, operation, params):
                self.calls[self.function].add(call)
            return real(client, operation, params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)


def needed(service: str, operation: str, params: dict[str, Any]) -> list[Call]:
    """What IAM checks for one API call (the subset of services ServIT calls)."""
    if service == "dynamodb":
        if operation == "TransactWriteItems":  # checked per item, by the item's action
            kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}  # fmt: skip
            return [
                (f"dynamodb:{kinds[kind]}", _table(item["TableName"]))
                for entry in params["TransactItems"]
                for kind, item in entry.items()
            ]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", _table(t)) for t in params["RequestItems"]]
        return [(f"dynamodb:{operation}", _table(params["TableName"], params.get("IndexName")))]
    if service == "s3":
        action = {"HeadObject": "GetObject", "ListObjectsV2": "ListBucket"}.get(
            operation, operation
        )
        key = params.get("Key")
        arn = f"arn:aws:s3:::{params['Bucket']}" + (f"/{key}" if key else "")
        return [(f"s3:{action}", arn)]
    if service == "sesv2" and operation == "SendEmail":
        domain = parseaddr(params["FromEmailAddress"])[1].rpartition("@")[2]
        return [("ses:SendEmail", f"arn:aws:ses:{REGION}:{iam_model.ACCOUNT}:identity/{domain}")]
    raise AssertionError(f"{service}:{operation} is not mapped to IAM by this test")


def _table(name: str, index: str | None = None) -> str:
    return iam_model.table_arn(name.removeprefix(PREFIX), index)


def sns_notification(key: str, recipients: list[str]) -> dict[str, Any]:
    """SES's "Received" notification of a mail stored under the key."""
    return {
        "notificationType": "Received",
        "mail": {"source": "anna.andersson@kund.example.se", "destination": recipients},
        "receipt": {
            "recipients": recipients,
            "action": {"type": "S3", "bucketName": BUCKET, "objectKey": key},
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
        },
    }


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[Call]]]:
    """Intake, stream consumer and API run once each, on moto; their calls by function."""
    with mock_aws():
        from chalicelib.adapters.dynamodb.tables import create_missing_tables

        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        boto3.client("ses", region_name=REGION).verify_domain_identity(Domain=iam_model.MAIL_DOMAIN)
        base = dynamo_backed_services(None, PREFIX, FrozenClock())  # type: ignore[arg-type]
        svc = Services(
            **{
                **base.__dict__,
                "blobs": S3BlobStore(s3, BUCKET),
                "mailer": SesMailer(boto3.client("sesv2", region_name=REGION)),
                # Notices come from servit@<MailDomain>, replies from the response point.
                "mail": replace(base.mail, message_id_domain=iam_model.MAIL_DOMAIN),
            }
        )
        bootstrap.use(svc)
        seed_helpdesk(svc)
        configure_rp(svc, "kundtjanst", auto_acknowledge=True)
        trace = AwsCalls(monkeypatch)
        try:
            with Client(app.app) as client:
                run_functions(client, svc, trace)
            yield trace.calls
        finally:
            bootstrap.use(None)


def run_functions(client: Client, svc: Services, trace: AwsCalls) -> None:
    # inbound_mail: SES stored a new request and then a reply; SNS tells the Lambda.
    trace.function = "inbound_mail"
    for name, key in (("customer_request.eml", "inbound/one"), ("dsn_report.eml", "inbound/two")):
        trace.function = "setup"
        svc.blobs.put(key, mail_file(name), "message/rfc822")
        trace.function = "inbound_mail"
        event = client.events.generate_sns_event(
            message=json.dumps(sns_notification(key, ["kundtjanst@example.com"]))
        )
        client.lambda_.invoke("inbound_mail", event)

    # api_handler: an admin assigns the ticket and replies to the customer; edits the contact.
    trace.function = "setup"
    api = Api(client.http)
    admin = api.as_user("admin")
    listed = admin.get("/api/tickets?response_point=kundtjanst")
    assert listed.status == 200, listed.body
    ticket_id = listed.body["items"][0]["id"]
    contact_id = listed.body["items"][0]["contact_id"]
    trace.function = "api_handler"
    answer = admin.post("/api/dispatcher/assign", {"ticket_ids": [ticket_id], "agent_id": "agent1"})
    assert answer.status == 200, answer.body
    answer = admin.post(f"/api/tickets/{ticket_id}/replies", {"text": "Vi tittar på det."})
    assert answer.status == 201, answer.body
    answer = admin.patch(f"/api/contacts/{contact_id}", {"emails": ["anna@kund.example.se"]})
    assert answer.status == 200, answer.body

    # ticket_events: the stream's records since the start reach the consumer.
    trace.function = "setup"
    records = stream_records()
    trace.function = "ticket_events"
    answer = client.lambda_.invoke("ticket_events", {"Records": records})
    assert answer.payload == {"batchItemFailures": []}


@pytest.mark.parametrize("function", ["inbound_mail", "api_handler", "ticket_events"])
def test_every_call_a_function_makes_is_allowed_by_its_own_role(
    recorded: dict[str, set[Call]], function: str
) -> None:
    calls = recorded[function]
    assert calls, f"{function} made no AWS call: the scenario did not run it"
    sender = {"ses:FromAddress": f"kundtjanst@{iam_model.MAIL_DOMAIN}"}
    refused = [c for c in sorted(calls) if not iam_model.allows(function, *c, sender)]
    assert not refused, f"{function}'s role would refuse {refused}"


# Granted, not reached by the scenario above, and why the code needs it.
RARE_PATHS = {
    "inbound_mail": {
        ("dynamodb:GetItem", "Tickets"): "a follow-up to a known ticket (mail_intake)",
        ("dynamodb:GetItem", "MailLog"): "a redelivered notification finds its entry",
        ("dynamodb:PutItem", "Tickets"): "follow-ups are conditional puts (seen in other runs)",
        ("s3:ListBucket", ""): "a missing raw object is NoSuchKey, not AccessDenied",
    },
    "ticket_events": {
        ("dynamodb:Query", "TicketEvents"): "a change larger than its batch (change_events)",
        ("dynamodb:Query", "Config"): "the users of a group, for a group notice",
    },
}
# Not made through the adapters: by Lambda itself (logs, X-Ray, the event source mapping,
# the on-failure destination) or once per container by bootstrap (the secret, tested in
# test_secret_handling.py).
OUTSIDE_THE_SCENARIO = ("logs:", "xray:", "secretsmanager:", "sqs:", "dynamodb:DescribeStream",
                        "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams")  # fmt: skip


@pytest.mark.parametrize("function", sorted(RARE_PATHS))
def test_every_permission_granted_is_used_by_its_function(
    recorded: dict[str, set[Call]], function: str
) -> None:
    from tests.infra.test_iam_policy import NEEDS

    seen = {(action, _short(arn)) for action, arn in recorded[function]}
    unused = []
    for action, arns in NEEDS[function].items():
        if action.startswith(OUTSIDE_THE_SCENARIO):
            continue
        for arn in arns:
            key = (action, _short(arn))
            if key not in seen and key not in RARE_PATHS[function]:
                unused.append(key)
    assert not unused, f"{function} is granted {unused} but never used it: drop or explain"


def _short(arn: str) -> str:
    """A table's logical name; "" for S3 and SES (checked by action)."""
    if ":dynamodb:" in arn:
        return arn.split("table/servit-dev-", 1)[1].split("/", 1)[0]
    return ""
