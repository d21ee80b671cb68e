"""The SLA clock (S12, issue 12): it stops in the pausing statuses, the due times move by
the open time paused, and a due time that passes unmet is recorded at that moment."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.domain.timefmt import parse_iso
from chalicelib.services import admin, calendars, sla_clock, tickets, workflow_steps, workflows
from chalicelib.services.context import Services
from tests.calendar_data import office_hours
from tests.support import FrozenClock, drain_stream

# Monday 11 January 2027, 10:00 in Stockholm (CET): an ordinary working day.
MONDAY_10 = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
TARGETS = {"first_response": {"medium": 60}, "resolution": {"medium": 480}}


@pytest.fixture(autouse=True)
def monday(clock: FrozenClock) -> FrozenClock:
    clock.now = MONDAY_10
    return clock


def general(svc: Services, people: dict[str, User], **fields: Any) -> None:
    admin.put_settings(svc, people["admin"], {"sla": TARGETS, **fields})


def _new(svc: Services, agent: User, **fields: Any) -> str:
    body = {"title": "Skrivaren skriver ut tomma sidor", "agent_id": agent.id, **fields}
    return tickets.create_ticket(svc, agent, body).id


def _status(svc: Services, agent: User, ticket_id: str, status: str) -> None:
    tickets.update_ticket(svc, agent, ticket_id, {"status": status})


def _types(svc: Services, ticket_id: str) -> list[str]:
    return [e.type for e in svc.tickets.events(ticket_id)]


def test_a_new_ticket_arms_one_deadline_per_target_at_its_due_time(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    general(svc, people)
    ticket_id = _new(svc, people["agent1"])
    drain_stream(svc, times=2)  # a redelivered batch starts nothing twice

    found = {e.name: e.payload for e in engine.running(workflows.WAKEUP)}
    assert found == {
        f"sla-{ticket_id}-1-first_response": {
            "step": "sla_due", "ticket_id": ticket_id, "generation": 1,
            "target": "first_response", "at": "2027-01-11T10:00:00Z",
        },
        f"sla-{ticket_id}-1-resolution": {
            "step": "sla_due", "ticket_id": ticket_id, "generation": 1,
            "target": "resolution", "at": "2027-01-11T17:00:00Z",
        },
    }  # fmt: skip


def test_a_due_time_passing_unmet_is_recorded_once_and_tells_the_owner(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    general(svc, people)
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    drain_stream(svc)
    [deadline] = [e for e in engine.running() if e.name.endswith("first_response")]

    clock.advance(minutes=60)
    answer = workflow_steps.run_step(svc, deadline.payload)
    again = workflow_steps.run_step(svc, deadline.payload)  # AWS may deliver twice
    drain_stream(svc)

    assert (answer["outcome"], again["outcome"]) == ("breached", "not_breached")
    ticket = svc.tickets.get(ticket_id)
    assert ticket.sla_breached and ticket.sla_breaches == ["first_response"]
    [breach] = [e for e in svc.tickets.events(ticket_id) if e.type == "sla_breached"]
    assert breach.at == MONDAY_10 + timedelta(minutes=60)
    assert breach.data["target"] == "first_response"
    assert parse_iso(breach.data["due"]) == MONDAY_10 + timedelta(minutes=60)
    [notice] = svc.notifications.for_user(agent.id).items
    assert (notice.kind.value, notice.events) == ("follow_up", ["sla_breached"])
    [mail] = svc.mailer.sent  # type: ignore[attr-defined]
    body = email.message_from_bytes(mail.raw, policy=email.policy.default).get_body()
    assert body is not None
    assert "ett SLA-mål har passerats utan att vara uppfyllt" in body.get_content()


def test_nothing_breaches_while_paused_and_the_due_times_move_by_the_pause(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    general(svc, people)
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    drain_stream(svc)
    armed = engine.running(workflows.WAKEUP)

    clock.advance(minutes=20)
    _status(svc, agent, ticket_id, "with_contact")
    drain_stream(svc)
    paused = svc.tickets.get(ticket_id)
    assert paused.sla_paused_since == MONDAY_10 + timedelta(minutes=20)
    assert all(engine.executions[e.name].status == "STOPPED" for e in armed)
    clock.advance(hours=3)  # both the first due times pass while waiting for the customer
    for execution in armed:  # a stopped execution that still fires changes nothing
        assert workflow_steps.run_step(svc, execution.payload)["outcome"] == "not_breached"
    assert not svc.tickets.get(ticket_id).sla_breached

    _status(svc, agent, ticket_id, "open")  # back after three hours
    drain_stream(svc)

    ticket = svc.tickets.get(ticket_id)
    assert ticket.sla_paused_since is None
    assert ticket.first_response_due == MONDAY_10 + timedelta(hours=4)
    assert ticket.resolution_due == MONDAY_10 + timedelta(hours=11)
    [resumed] = [e for e in svc.tickets.events(ticket_id) if e.type == "sla_resumed"]
    assert resumed.data["paused_minutes"] == 180
    new = {e.name: e for e in engine.running(workflows.WAKEUP)}
    assert set(new) == {f"sla-{ticket_id}-3-first_response", f"sla-{ticket_id}-3-resolution"}
    deadline = new[f"sla-{ticket_id}-3-first_response"]
    assert deadline.payload["at"] == "2027-01-11T13:00:00Z"
    clock.now = MONDAY_10 + timedelta(hours=4)
    assert workflow_steps.run_step(svc, deadline.payload)["outcome"] == "breached"


def test_a_customer_reply_resumes_the_clock_from_the_stream(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    """Paths other than the agent's (mail intake, a wake-up) leave the move to the stream."""
    general(svc, people)
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    _status(svc, agent, ticket_id, "with_contact")
    drain_stream(svc)
    clock.advance(minutes=45)
    ticket = svc.tickets.get(ticket_id)
    ticket.change_status(Status.OPEN, "system", clock.now)  # as mail intake does
    svc.tickets.save(ticket)

    assert svc.tickets.get(ticket_id).first_response_due == MONDAY_10 + timedelta(minutes=60)
    drain_stream(svc)  # settles the resume
    drain_stream(svc)  # arms the new deadlines

    moved = svc.tickets.get(ticket_id)
    assert moved.first_response_due == MONDAY_10 + timedelta(minutes=105)
    assert moved.sla_resumed_at is None and moved.sla_paused_since is None
    assert {e.payload["at"] for e in engine.running(workflows.WAKEUP)} == {
        "2027-01-11T10:45:00Z",
        "2027-01-11T17:45:00Z",
    }


def test_with_a_calendar_only_open_minutes_paused_move_the_due_times(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    calendars.save_calendar(svc, people["admin"], "kontor", office_hours(), create=True)
    general(svc, people, calendar_id="kontor")
    agent = people["agent1"]
    ticket_id = _new(svc, agent)  # 10:00: resolution due 8 office hours on, 09:00 Tuesday
    assert svc.tickets.get(ticket_id).resolution_due == MONDAY_10 + timedelta(hours=23)
    clock.now = MONDAY_10 + timedelta(hours=6)  # 16:00 Stockholm
    _status(svc, agent, ticket_id, "dormant")
    clock.now = MONDAY_10 + timedelta(days=1)  # 10:00 Tuesday: 1 + 2 office hours paused
    _status(svc, agent, ticket_id, "open")

    ticket = svc.tickets.get(ticket_id)
    # Two office hours were left when it paused: 12:00 Tuesday, not 12 elapsed hours on.
    assert ticket.resolution_due == MONDAY_10 + timedelta(days=1, hours=2)


def test_statuses_that_do_not_pause_by_the_settings_keep_the_clock_running(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    general(svc, people, sla_pausing=["dormant"])
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    _status(svc, agent, ticket_id, "with_contact")
    drain_stream(svc)
    admin.put_settings(svc, people["admin"], {"sla_pausing": ["with_contact"]})

    ticket = svc.tickets.get(ticket_id)
    assert ticket.sla_paused_since is None and "sla_paused" not in _types(svc, ticket_id)
    clock.advance(minutes=60)
    [deadline] = [e for e in engine.running() if e.name.endswith("-1-first_response")]
    assert workflow_steps.run_step(svc, deadline.payload)["outcome"] == "breached"


def test_a_met_target_does_not_breach(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    general(svc, people)
    agent = people["agent1"]
    ticket_id = _new(svc, agent)
    drain_stream(svc)
    clock.advance(minutes=30)
    _status(svc, agent, ticket_id, "resolved")
    clock.advance(hours=10)

    for execution in engine.running(workflows.WAKEUP):
        assert workflow_steps.run_step(svc, execution.payload)["outcome"] == "not_breached"
    assert "sla_breached" not in _types(svc, ticket_id)


def test_resolving_a_ticket_paused_past_its_due_time_is_no_breach_but_late_still_is(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    general(svc, people)
    agent = people["agent1"]
    paused, late = _new(svc, agent), _new(svc, agent)
    _status(svc, agent, paused, "with_external")
    clock.advance(hours=9)  # past the resolution due time

    _status(svc, agent, paused, "resolved")
    _status(svc, agent, late, "resolved")

    assert not svc.tickets.get(paused).sla_breached
    assert svc.tickets.get(late).sla_breached


def test_rearm_starts_the_pending_deadlines_and_nothing_twice(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    general(svc, people)
    agent = people["agent1"]
    running, paused, breached = _new(svc, agent), _new(svc, agent), _new(svc, agent)
    _status(svc, agent, paused, "dormant")
    drain_stream(svc)
    clock.advance(minutes=61)
    [late] = [e for e in engine.running() if e.name == f"sla-{breached}-1-first_response"]
    workflow_steps.run_step(svc, late.payload)
    drain_stream(svc)
    fresh = RecordingWorkflows()  # the engine after a restart: it remembers nothing
    svc.workflows = fresh

    stored = [svc.tickets.get(t) for t in (running, paused, breached)]
    assert sla_clock.rearm(svc, stored) == 3
    assert sla_clock.rearm(svc, stored) == 0
    assert sorted(e.name for e in fresh.running()) == sorted(
        [
            f"sla-{running}-1-first_response",
            f"sla-{running}-1-resolution",
            f"sla-{breached}-1-resolution",
        ]
    )
