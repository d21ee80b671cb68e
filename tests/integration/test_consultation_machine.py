"""The ExternalConsultation machine (infra/statemachines/consultation.asl.json) on moto's ASL
interpreter, its Lambda tasks routed to the workflow steps as the local stack routes them:
the wait with a task token, States.Timeout caught, a reminder, the wait again, the hand-back;
and an answer ending the wait through SendTaskSuccess."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend

from chalicelib.adapters.memory import InMemoryTicketRepository
from chalicelib.adapters.workflows_sfn import StepFunctionsWorkflows
from chalicelib.domain.statuses import Status
from chalicelib.services import tickets, workflow_steps, workflows
from chalicelib.services.consultation import flow as consultation_flow
from chalicelib.services.consultation import use_cases as consultations
from chalicelib.services.context import Services
from local import workflows as local_workflows
from tests.support import FrozenClock, drain_stream, fake_services, seed_helpdesk

REGION = "eu-north-1"
SUPPLIER = "svar@lev.example"


@pytest.fixture
def sfn() -> Iterator[Any]:
    original = LambdaSimpleBackend.invoke
    with mock_aws(config=local_workflows.MOTO_CONFIG):
        yield boto3.client("stepfunctions", region_name=REGION)
    LambdaSimpleBackend.invoke = original  # type: ignore[method-assign]


@pytest.fixture
def svc(sfn: Any) -> Services:
    class RealClock(FrozenClock):
        def __call__(self) -> datetime:
            return datetime.now(UTC)

    svc = fake_services(RealClock())
    svc.workflows = StepFunctionsWorkflows(lambda: sfn, local_workflows.create_machines(sfn))
    local_workflows.route_steps(lambda payload: workflow_steps.run_step(svc, payload))
    return svc


def _until(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def _consulting(svc: Services, *, seconds: float, reminders: int) -> tuple[str, str]:
    """A ticket asking the supplier, its wait shortened to ``seconds`` (the API's shortest
    is 36 s): the record in DynamoDB is what every step reads."""
    people = seed_helpdesk(svc)
    agent = people["agent1"]
    ticket = tickets.create_ticket(
        svc, agent, {"title": "Fråga leverantören", "agent_id": "agent1"}
    )
    asked = consultations.ask(
        svc, agent, ticket.id, {"to": SUPPLIER, "text": "Leveransdag?", "reminders": reminders}
    )
    repo = svc.tickets
    assert isinstance(repo, InMemoryTicketRepository)
    repo.take_stream()  # the test starts the machine itself, with the short wait
    stored = svc.tickets.get(ticket.id)
    [c] = stored.consultations
    c.remind_after_hours = seconds / 3600
    c.deadline = datetime.now(UTC) + timedelta(seconds=seconds)
    svc.tickets.save(stored)
    payload = consultation_flow.start_payload(ticket.id, c, datetime.now(UTC))
    name = consultation_flow.execution(ticket.id, asked.id)
    assert svc.workflows.start(workflows.CONSULTATION, name, payload)
    return ticket.id, name


def _status(sfn: Any, svc: Services, name: str) -> str:
    arn = svc.workflows._machines[workflows.CONSULTATION]  # type: ignore[attr-defined]
    execution = arn.replace(":stateMachine:", ":execution:") + ":" + name
    return str(sfn.describe_execution(executionArn=execution)["status"])


def _to_supplier(svc: Services) -> int:
    return sum(SUPPLIER in m.recipients for m in svc.mailer.sent)  # type: ignore[attr-defined]


def test_no_answer_reminds_then_hands_back_and_the_machine_ends(svc: Services, sfn: Any) -> None:
    ticket_id, name = _consulting(svc, seconds=1, reminders=2)

    assert _until(lambda: svc.tickets.get(ticket_id).status is Status.OPEN, 40)

    ticket = svc.tickets.get(ticket_id)
    [c] = ticket.consultations
    assert (c.status.value, c.reminders_sent, c.round) == ("unanswered", 2, 2)
    assert _to_supplier(svc) == 3  # the question and two reminders
    types = [e.type for e in svc.tickets.events(ticket_id)]
    assert types.count("consultation_reminded") == 2
    assert types.count("consultation_unanswered") == 1
    assert _until(lambda: _status(sfn, svc, name) == "SUCCEEDED")


def test_an_answer_completes_the_wait_with_send_task_success(svc: Services, sfn: Any) -> None:
    ticket_id, name = _consulting(svc, seconds=120, reminders=1)
    assert _until(lambda: bool(svc.tickets.get(ticket_id).consultations[0].task_token))
    agent = seed_helpdesk(svc)["agent1"]
    cid = svc.tickets.get(ticket_id).consultations[0].id

    consultations.answer_for_them(svc, agent, ticket_id, cid, {"text": "På fredag"})
    drain_stream(svc)  # the reaction sends the task token back

    assert _until(lambda: _status(sfn, svc, name) == "SUCCEEDED", 15)
    assert svc.tickets.get(ticket_id).status is Status.OPEN
    assert _to_supplier(svc) == 1  # no reminder
