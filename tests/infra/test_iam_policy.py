"""The Lambda's IAM policy (.chalice/policy-dev.json) reaches the resources the stack names,
and no further than their name prefix."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "123456789012", "eu-north-1"


def load(path: str) -> Any:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


POLICY = load(".chalice/policy-dev.json")
TEMPLATE = load("infra/resources.json")


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def allows(action: str, arn: str) -> bool:
    """Allow statements only (the file has no Deny); IAM wildcards are * and ?."""
    return any(
        statement["Effect"] == "Allow"
        and any(fnmatchcase(action, pattern) for pattern in as_list(statement["Action"]))
        and any(fnmatchcase(arn, pattern) for pattern in as_list(statement["Resource"]))
        for statement in POLICY["Statement"]
    )


def deployed_name(resource_id: str, prop: str) -> str:
    """The physical name of a template resource for Stage=dev."""
    text = TEMPLATE["Resources"][resource_id]["Properties"][prop]["Fn::Sub"]
    values = {"Stage": "dev", "AWS::AccountId": ACCOUNT, "AWS::Region": REGION}
    return re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], text)


def table_names() -> list[str]:
    return [
        deployed_name(rid, "TableName")
        for rid, res in TEMPLATE["Resources"].items()
        if res.get("Type") == "AWS::DynamoDB::Table"
    ]


@pytest.mark.parametrize("table", table_names())
def test_lambda_reads_and_writes_every_table_and_its_indexes(table: str) -> None:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}"
    for action in ("GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"):
        assert allows(f"dynamodb:{action}", arn), action
    assert allows("dynamodb:Query", f"{arn}/index/inbox_agent")
    assert allows("dynamodb:GetRecords", f"{arn}/stream/2026-01-01T00:00:00.000")


def test_lambda_cannot_scan_or_touch_tables_of_other_stages_or_apps() -> None:
    own = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/servit-dev-Tickets"
    assert not allows("dynamodb:Scan", own)
    assert not allows("dynamodb:DeleteTable", own)
    for other in ("servit-prod-Tickets", "billing-Invoices"):
        assert not allows("dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{other}")


def test_lambda_reads_and_writes_mail_objects_but_not_other_buckets() -> None:
    bucket = deployed_name("MailBucket", "BucketName")
    assert allows("s3:GetObject", f"arn:aws:s3:::{bucket}/inbound/abc")
    assert allows("s3:PutObject", f"arn:aws:s3:::{bucket}/quarantine/abc")
    assert not allows("s3:DeleteBucket", f"arn:aws:s3:::{bucket}")
    assert not allows("s3:GetObject", "arn:aws:s3:::someone-elses-bucket/inbound/abc")


def test_lambda_publishes_to_its_topics_sends_mail_starts_workflows_and_logs() -> None:
    topic = deployed_name("InboundMailTopic", "TopicName")
    assert allows("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}")
    assert allows("ses:SendRawEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com")
    assert allows(
        "states:StartExecution", f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:servit-dev-wake"
    )
    # Function names are fixed by the merge template, so the log groups are known.
    name = deployed_name("APIHandler", "FunctionName")
    assert allows(
        "logs:PutLogEvents",
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{name}:log-stream:x",
    )


def test_no_statement_grants_every_action_of_a_service() -> None:
    for statement in POLICY["Statement"]:
        for action in as_list(statement["Action"]):
            assert not action.endswith(":*") and action != "*", statement["Sid"]
