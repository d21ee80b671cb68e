"""Dormant until a date (S10): armed from the stream, woken once, by generation."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest

from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.domain.inbox import InboxKind
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.services import dormant, tickets, workflow_steps, workflows
from chalicelib.services.context import Services
from tests.support import FrozenClock, drain_stream


def _new(svc: Services, actor: User) -> str:
    return tickets.create_ticket(
        svc, actor, {"title": "Ring tillbaka efter semestern", "agent_id": actor.id}
    ).id


def _sleep_until(svc: Services, actor: User, ticket_id: str, at: str) -> None:
    tickets.update_ticket(svc, actor, ticket_id, {"status": "dormant_until", "dormant_until": at})


def test_setting_a_date_arms_one_wakeup_at_that_moment(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    wake_at = clock.now + timedelta(days=2, hours=3)

    _sleep_until(svc, agent, ticket_id, wake_at.isoformat())
    drain_stream(svc, times=2)  # a redelivered batch starts nothing twice

    [execution] = engine.running(workflows.WAKEUP)
    assert execution.name == f"dormant-{ticket_id}-1"
    assert execution.payload == {
        "step": "dormant_wake",
        "ticket_id": ticket_id,
        "generation": 1,
        "at": wake_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def test_the_wakeup_opens_the_ticket_in_its_inbox_and_tells_its_agent(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    _sleep_until(svc, agent, ticket_id, (clock.now + timedelta(hours=1)).isoformat())
    drain_stream(svc)
    clock.advance(hours=1)

    [execution] = engine.running(workflows.WAKEUP)
    answer = workflow_steps.run_step(svc, execution.payload)
    again = workflow_steps.run_step(svc, execution.payload)  # AWS may deliver twice
    drain_stream(svc)

    woken = svc.tickets.get(ticket_id)
    assert answer["outcome"] == "woke" and again["outcome"] == "superseded"
    assert woken.status is Status.OPEN and woken.dormant_until is None
    assert [e.type for e in svc.tickets.events(ticket_id)].count("woke_up") == 1
    inbox = svc.tickets.inbox(InboxKind.AGENT, agent.id)
    assert ticket_id in [t.id for t in inbox.items]
    [notice] = svc.notifications.for_user(agent.id).items
    assert (notice.kind.value, notice.ticket_id, notice.events) == (
        "follow_up",
        ticket_id,
        ["woke_up"],
    )
    [mail] = svc.mailer.sent  # type: ignore[attr-defined]
    message = email.message_from_bytes(mail.raw, policy=email.policy.default)
    assert "Dags att följa upp" in str(message["Subject"])
    body = message.get_body()
    assert body is not None
    assert "datumet det var vilande till har kommit" in body.get_content()


def test_moving_the_date_rearms_and_the_old_wakeup_does_nothing(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    _sleep_until(svc, agent, ticket_id, (clock.now + timedelta(hours=1)).isoformat())
    drain_stream(svc)
    [first] = engine.running(workflows.WAKEUP)
    later = clock.now + timedelta(days=7)
    _sleep_until(svc, agent, ticket_id, later.isoformat())
    drain_stream(svc)

    [second] = engine.running(workflows.WAKEUP)
    assert engine.executions[first.name].status == "STOPPED"
    assert second.payload["generation"] == 2
    clock.advance(hours=1)
    assert workflow_steps.run_step(svc, first.payload)["outcome"] == "superseded"
    assert svc.tickets.get(ticket_id).status is Status.DORMANT_UNTIL
    clock.advance(days=7)
    assert workflow_steps.run_step(svc, second.payload)["outcome"] == "woke"


def test_leaving_the_status_cancels_the_wakeup(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    _sleep_until(svc, agent, ticket_id, (clock.now + timedelta(hours=1)).isoformat())
    drain_stream(svc)
    [armed] = engine.running(workflows.WAKEUP)

    tickets.update_ticket(svc, agent, ticket_id, {"status": "with_contact"})
    drain_stream(svc)

    assert engine.executions[armed.name].status == "STOPPED"
    # Should the stopped execution still fire (a race), it changes nothing.
    assert workflow_steps.run_step(svc, armed.payload)["outcome"] == "superseded"
    assert svc.tickets.get(ticket_id).status is Status.WITH_CONTACT


def test_a_date_already_past_is_taken_and_wakes_at_once(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _new(svc, agent)

    _sleep_until(svc, agent, ticket_id, (clock.now - timedelta(minutes=5)).isoformat())
    drain_stream(svc)

    [execution] = engine.running(workflows.WAKEUP)
    assert execution.payload["at"] <= clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert workflow_steps.run_step(svc, execution.payload)["outcome"] == "woke"


def test_rearm_starts_what_dynamodb_holds_and_nothing_twice(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    sleeping = _new(svc, agent)
    awake = _new(svc, agent)
    _sleep_until(svc, agent, sleeping, (clock.now + timedelta(hours=4)).isoformat())
    drain_stream(svc)
    fresh = RecordingWorkflows()  # the engine after a restart: it remembers nothing
    svc.workflows = fresh

    stored = [svc.tickets.get(sleeping), svc.tickets.get(awake)]
    assert dormant.rearm(svc, stored) == 1
    assert dormant.rearm(svc, stored) == 0
    assert [e.name for e in fresh.running()] == [f"dormant-{sleeping}-1"]


def test_an_unknown_step_fails_loudly(svc: Services) -> None:
    with pytest.raises(ValueError, match="unknown workflow step"):
        workflow_steps.run_step(svc, {"step": "nonsense"})
