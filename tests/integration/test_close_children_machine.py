"""CloseChildren (S10) on moto's ASL interpreter, with infra/statemachines/
close_children.asl.json as AWS runs it: a parent closed with three children closes all
four, a child whose step fails once is retried by the Map item's Retry, and each child is
closed exactly once."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.statuses import Status
from chalicelib.services import parent_tickets, tickets, workflow_steps, workflows
from chalicelib.services.context import Services
from local import workflows as local_workflows
from tests.integration.test_state_machines import _until, sfn, svc  # noqa: F401 - fixtures
from tests.support import drain_stream, seed_helpdesk


def test_closing_a_parent_closes_its_three_children_once_each_through_a_failure(
    svc: Services,  # noqa: F811 - the fixture
    sfn: Any,  # noqa: F811 - the fixture
) -> None:
    agent = seed_helpdesk(svc)["agent1"]
    parent = tickets.create_ticket(svc, agent, {"title": "Larmet går", "agent_id": agent.id})
    kids = [
        tickets.create_ticket(svc, agent, {"title": f"Larm i hus {n}", "agent_id": agent.id}).id
        for n in "ABC"
    ]
    parent_tickets.link_children(svc, agent, parent.id, {"ticket_ids": kids})
    calls: list[str] = []

    def flaky(payload: dict[str, Any]) -> dict[str, Any]:
        if payload.get("step") == "close_child":
            calls.append(payload["child_id"])
            if payload["child_id"] == kids[1] and calls.count(kids[1]) == 1:
                raise RuntimeError("DynamoDB throttled the first try")
        return workflow_steps.run_step(svc, payload)

    local_workflows.route_steps(flaky)
    tickets.update_ticket(svc, agent, parent.id, {"status": "closed"})
    drain_stream(svc)

    machine = svc.workflows._machines[workflows.CLOSE_CHILDREN]  # type: ignore[attr-defined]
    assert _until(lambda: bool(sfn.list_executions(stateMachineArn=machine)["executions"]))
    [run] = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert _until(
        lambda: sfn.describe_execution(executionArn=run["executionArn"])["status"] != "RUNNING",
        seconds=40,
    )

    assert sfn.describe_execution(executionArn=run["executionArn"])["status"] == "SUCCEEDED"
    assert svc.tickets.get(parent.id).status is Status.CLOSED
    assert all(svc.tickets.get(k).status is Status.CLOSED for k in kids)
    assert sorted(calls) == sorted([*kids, kids[1]])  # the failed one tried again, once
    for kid in kids:
        closes = [e for e in svc.tickets.events(kid) if e.type == "closed_by_parent"]
        assert len(closes) == 1
    shown = parent_tickets.progress(svc, svc.tickets.get(parent.id))
    assert shown is not None and (shown["done"], shown["total"], shown["finished"]) == (3, 3, True)
