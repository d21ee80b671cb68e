"""`python -m chalicelib.ops.rearm`: after an incident the operator starts again, from
DynamoDB, every wake-up and SLA deadline still pending, under the names the stream gave
them, so running it twice starts nothing twice (Step Functions and DynamoDB under moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.ops import rearm
from chalicelib.services import tickets, workflows
from chalicelib.services.context import Services
from local import workflows as local_workflows
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk

REGION, ACCOUNT, STAGE = "eu-north-1", "123456789012", "ops"
PREFIX = f"servit-{STAGE}-"


@pytest.fixture
def sfn() -> Iterator[Any]:
    with mock_aws():
        from chalicelib.adapters.dynamodb.tables import create_missing_tables

        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        client = boto3.client("stepfunctions", region_name=REGION)
        for name in workflows.MACHINES:
            client.create_state_machine(
                name=f"{PREFIX}{name}",
                definition=local_workflows.definition(name),
                roleArn=f"arn:aws:iam::{ACCOUNT}:role/machines",
                type="STANDARD",
            )
        yield client


@pytest.fixture
def svc(sfn: Any) -> Services:
    return dynamo_backed_services(None, PREFIX, FrozenClock())  # type: ignore[arg-type]


def executions(sfn: Any, machine: str) -> list[dict[str, Any]]:
    arn = rearm.machine_arns(STAGE, REGION, ACCOUNT)[machine]
    return sfn.list_executions(stateMachineArn=arn)["executions"]  # type: ignore[no-any-return]


def test_pending_wakeups_and_deadlines_start_once_however_often_it_runs(
    sfn: Any, svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a dormant ticket whose wake-up execution was lost (nothing runs in Step Functions)
    people = seed_helpdesk(svc)
    agent = people["agent1"]
    ticket = tickets.create_ticket(svc, agent, {"title": "Ring tillbaka", "agent_id": "agent1"})
    wake_at = svc.clock() + timedelta(days=3)
    tickets.update_ticket(
        svc, agent, ticket.id, {"status": "dormant_until", "dormant_until": wake_at.isoformat()}
    )
    assert executions(sfn, workflows.WAKEUP) == []

    # When the operator re-arms the stage
    assert rearm.main(["--stage", STAGE, "--region", REGION], sfn=sfn, account=ACCOUNT) == 0

    # Then its wake-up runs under the stream's own name, waiting for the date
    names = {e["name"] for e in executions(sfn, workflows.WAKEUP)}
    assert f"dormant-{ticket.id}-1" in names
    assert "asked for 1 execution(s): 1 dormant wake-up(s)" in capsys.readouterr().out

    # And a second run starts nothing new
    assert rearm.main(["--stage", STAGE, "--region", REGION], sfn=sfn, account=ACCOUNT) == 0
    assert {e["name"] for e in executions(sfn, workflows.WAKEUP)} == names


def test_a_dry_run_lists_and_starts_nothing(
    sfn: Any, svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    people = seed_helpdesk(svc)
    agent = people["agent1"]
    ticket = tickets.create_ticket(svc, agent, {"title": "Ring tillbaka", "agent_id": "agent1"})
    tickets.update_ticket(
        svc,
        agent,
        ticket.id,
        {"status": "dormant_until", "dormant_until": (svc.clock() + timedelta(days=1)).isoformat()},
    )

    assert rearm.main(["--stage", STAGE, "--region", REGION, "--dry-run"]) == 0

    assert f"wakeup: dormant-{ticket.id}-1" in capsys.readouterr().out
    assert executions(sfn, workflows.WAKEUP) == []
