"""SLA deadlines (S12, issue 12) on the Wakeup machine, run by moto's ASL interpreter with
the steps routed in process: a due time that passes unmet is recorded at that moment; a
paused ticket's deadline records nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.statuses import Status
from chalicelib.services import tickets
from chalicelib.services.context import Services
from tests.integration.test_state_machines import _until, sfn, svc  # noqa: F401 - fixtures
from tests.support import drain_stream, seed_helpdesk


def test_a_due_time_passing_unmet_is_recorded_then_and_a_paused_one_is_not(
    svc: Services,  # noqa: F811 - the fixture imported above
    sfn: Any,  # noqa: F811
) -> None:
    agent = seed_helpdesk(svc)["agent1"]
    running = tickets.create_ticket(svc, agent, {"title": "Löper", "agent_id": agent.id})
    paused = tickets.create_ticket(svc, agent, {"title": "Pausad", "agent_id": agent.id})
    due = datetime.now(UTC) + timedelta(seconds=2)
    for ticket_id in (running.id, paused.id):
        ticket = svc.tickets.get(ticket_id)
        ticket.set_sla(due, None, now=datetime.now(UTC))
        svc.tickets.save(ticket)
    drain_stream(svc)  # arms both deadlines
    waiting = svc.tickets.get(paused.id)
    waiting.change_status(Status.WITH_CONTACT, agent.id, datetime.now(UTC))
    svc.tickets.save(waiting)  # its execution still runs: the step must see the pause

    assert _until(lambda: svc.tickets.get(running.id).sla_breached)
    [breach] = [e for e in svc.tickets.events(running.id) if e.type == "sla_breached"]
    assert due.replace(microsecond=0) <= breach.at < due + timedelta(seconds=10)
    assert breach.data["target"] == "first_response"
    arn = svc.workflows._machines["wakeup"]  # type: ignore[attr-defined]
    runs = {e["name"]: e for e in sfn.list_executions(stateMachineArn=arn)["executions"]}
    assert set(runs) == {f"sla-{running.id}-1-first_response", f"sla-{paused.id}-1-first_response"}
    paused_run = runs[f"sla-{paused.id}-1-first_response"]["executionArn"]
    assert _until(lambda: sfn.describe_execution(executionArn=paused_run)["status"] == "SUCCEEDED")
    assert not svc.tickets.get(paused.id).sla_breached
    assert "sla_breached" not in [e.type for e in svc.tickets.events(paused.id)]
