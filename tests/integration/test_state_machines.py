"""The state machines in infra/statemachines/, run by moto's ASL interpreter with their
Lambda tasks routed to the workflow steps (as the local stack runs them): the same files
AWS runs, created with CreateStateMachine (which catches what a linter may not)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend

from chalicelib.adapters.workflows_sfn import StepFunctionsWorkflows
from chalicelib.domain.statuses import Status
from chalicelib.services import tickets, workflow_steps, workflows
from chalicelib.services.context import Services
from local import workflows as local_workflows
from tests.support import FrozenClock, drain_stream, fake_services, seed_helpdesk

REGION = "eu-north-1"


@pytest.fixture
def sfn() -> Iterator[Any]:
    original = LambdaSimpleBackend.invoke
    with mock_aws(config=local_workflows.MOTO_CONFIG):
        yield boto3.client("stepfunctions", region_name=REGION)
    LambdaSimpleBackend.invoke = original  # type: ignore[method-assign]


@pytest.fixture
def svc(sfn: Any) -> Services:
    """Services whose workflows run on moto, with a clock that follows real time (the
    Wait states do)."""

    class RealClock(FrozenClock):
        def __call__(self) -> datetime:
            return datetime.now(UTC)

    svc = fake_services(RealClock())
    svc.workflows = StepFunctionsWorkflows(lambda: sfn, local_workflows.create_machines(sfn))
    local_workflows.route_steps(lambda payload: workflow_steps.run_step(svc, payload))
    return svc


def _until(check: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


@pytest.mark.parametrize("name", local_workflows.machine_names())
def test_every_definition_is_accepted_by_create_state_machine(sfn: Any, name: str) -> None:
    arn = sfn.create_state_machine(
        name=f"check-{name}",
        definition=local_workflows.definition(name, "arn:aws:lambda:eu-north-1:1:function:f"),
        roleArn=local_workflows.ROLE_ARN,
    )["stateMachineArn"]
    states = json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])["States"]
    assert states  # and no ${...} placeholder is left
    assert "${" not in sfn.describe_state_machine(stateMachineArn=arn)["definition"]


def test_the_machine_names_are_the_ones_the_services_start(sfn: Any) -> None:
    assert sorted(workflows.MACHINES) == local_workflows.machine_names()


def test_a_dormant_ticket_wakes_at_its_date_through_the_wakeup_machine(
    svc: Services, sfn: Any
) -> None:
    people = seed_helpdesk(svc)
    agent = people["agent1"]
    ticket = tickets.create_ticket(svc, agent, {"title": "Väck mig", "agent_id": agent.id})
    at = datetime.now(UTC) + timedelta(seconds=2)

    tickets.update_ticket(
        svc, agent, ticket.id, {"status": "dormant_until", "dormant_until": at.isoformat()}
    )
    drain_stream(svc)

    assert svc.tickets.get(ticket.id).status is Status.DORMANT_UNTIL
    assert _until(lambda: svc.tickets.get(ticket.id).status is Status.OPEN)
    assert datetime.now(UTC) >= at.replace(microsecond=0)
    executions = sfn.list_executions(stateMachineArn=svc.workflows._machines["wakeup"])  # type: ignore[attr-defined]
    [run] = executions["executions"]
    assert run["name"] == f"dormant-{ticket.id}-1"
    assert _until(
        lambda: sfn.describe_execution(executionArn=run["executionArn"])["status"] == "SUCCEEDED"
    )


def test_moving_the_date_stops_the_old_execution(svc: Services, sfn: Any) -> None:
    people = seed_helpdesk(svc)
    agent = people["agent1"]
    ticket = tickets.create_ticket(svc, agent, {"title": "Flytta datum", "agent_id": agent.id})
    arn = svc.workflows._machines["wakeup"]  # type: ignore[attr-defined]
    for days in (3, 5):
        at = datetime.now(UTC) + timedelta(days=days)
        tickets.update_ticket(
            svc, agent, ticket.id, {"status": "dormant_until", "dormant_until": at.isoformat()}
        )
        drain_stream(svc)
        # Waiting, as an execution is long before anyone moves its date (moto cannot stop
        # one in its first instant; the adapter logs that and the generation check holds).
        execution = (
            arn.replace(":stateMachine:", ":execution:") + f":dormant-{ticket.id}-{days // 2}"
        )
        assert _until(lambda e=execution: any(  # type: ignore[misc]
            h["type"] == "WaitStateEntered"
            for h in sfn.get_execution_history(executionArn=e)["events"]
        ))  # fmt: skip

    def runs() -> dict[str, str]:
        listed = sfn.list_executions(stateMachineArn=arn)["executions"]
        return {e["name"]: e["status"] for e in listed}

    # moto's interpreter aborts a stopped execution on its own thread, a moment later.
    wanted = {f"dormant-{ticket.id}-1": "ABORTED", f"dormant-{ticket.id}-2": "RUNNING"}
    _until(lambda: runs() == wanted)
    assert runs() == wanted
    # Starting the same generation again (a redelivered stream batch) starts nothing.
    assert not svc.workflows.start(
        workflows.WAKEUP, f"dormant-{ticket.id}-2", {"step": "dormant_wake", "at": "x"}
    )
