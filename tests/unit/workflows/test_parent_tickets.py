"""Parent tickets (S10): closing a parent closes its children, and a reply on the parent
reaches each child's contact in that child's own thread, each exactly once per run."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest

from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.services import parent_tickets, tickets, workflow_steps, workflows
from chalicelib.services.context import Services
from tests.support import drain_stream


def _ticket(svc: Services, actor: User, title: str, contact: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"title": title, "agent_id": actor.id}
    if contact:
        body["contact"] = contact
    return tickets.create_ticket(svc, actor, body).id


def _family(svc: Services, agent: User) -> tuple[str, list[str]]:
    parent = _ticket(svc, agent, "Skrivarna på plan 3 är nere", {"email": "it-chef@example.se"})
    kids = [
        _ticket(svc, agent, "Kan inte skriva ut", {"name": "Sara", "email": "sara@example.se",
                                                    "language": "sv"}),
        _ticket(svc, agent, "Printer offline", {"name": "John", "email": "john@example.com",
                                                "language": "en"}),
        _ticket(svc, agent, "Utskrift fastnar", {"name": "Pia", "email": "pia@example.se"}),
    ]  # fmt: skip
    parent_tickets.link_children(svc, agent, parent, {"ticket_ids": kids})
    return parent, kids


def _run_machine(svc: Services, engine: RecordingWorkflows) -> list[dict[str, Any]]:
    """What the CloseChildren machine does: each child's step, then the end step."""
    outcomes = []
    for execution in engine.running(workflows.CLOSE_CHILDREN):
        base = {"parent_id": execution.payload["parent_id"], "run_id": execution.payload["run_id"]}
        for child_id in execution.payload["children"]:
            outcomes.append(
                workflow_steps.run_step(svc, {"step": "close_child", **base, "child_id": child_id})
            )
        workflow_steps.run_step(svc, {"step": "close_children_done", **base})
        execution.status = "SUCCEEDED"
    return outcomes


def test_closing_a_parent_with_three_children_closes_all_four(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    parent, kids = _family(svc, agent)

    tickets.update_ticket(svc, agent, parent, {"status": "closed"})
    assert svc.tickets.get(parent).status is Status.CLOSED  # in its own write, at once
    drain_stream(svc, times=2)  # a redelivered batch starts nothing twice

    [execution] = engine.running(workflows.CLOSE_CHILDREN)
    run_id = svc.tickets.get(parent).children_run["run_id"]  # type: ignore[index]
    assert execution.name == f"children-{parent}-{run_id}"
    assert sorted(execution.payload["children"]) == sorted(kids)
    outcomes = _run_machine(svc, engine)

    assert [o["outcome"] for o in outcomes] == ["closed"] * 3
    for kid in kids:
        child = svc.tickets.get(kid)
        assert child.status is Status.CLOSED
        [closed_by] = [e for e in svc.tickets.events(kid) if e.type == "closed_by_parent"]
        assert closed_by.actor == "system:parent" and closed_by.data["parent_id"] == parent
    run = parent_tickets.progress(svc, svc.tickets.get(parent))
    assert run is not None and (run["done"], run["total"], run["finished"]) == (3, 3, True)


def test_a_repeated_child_step_does_nothing_twice(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    parent, kids = _family(svc, agent)
    tickets.update_ticket(svc, agent, parent, {"status": "closed"})
    drain_stream(svc)
    [execution] = engine.running(workflows.CLOSE_CHILDREN)
    step = {"step": "close_child", "parent_id": parent, "run_id": execution.payload["run_id"],
            "child_id": kids[0]}  # fmt: skip

    first = workflow_steps.run_step(svc, step)
    # Between the retries the agent reopens it: the retried item must not close it again.
    tickets.reopen_ticket(svc, agent, kids[0], {"reason": "fortfarande trasig"})
    again = workflow_steps.run_step(svc, step)

    assert (first["outcome"], again["outcome"]) == ("closed", "already")
    assert svc.tickets.get(kids[0]).status is Status.OPEN
    closes = [e for e in svc.tickets.events(kids[0]) if e.type == "closed_by_parent"]
    assert len(closes) == 1


def test_a_reply_with_children_reaches_each_contact_in_its_own_thread_and_language(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    parent, kids = _family(svc, agent)
    parent_tickets.reply_with_children(
        svc, agent, parent,
        {"text": "Skrivarna fungerar igen.", "include_children": True, "close_parent": True},
    )  # fmt: skip
    drain_stream(svc)
    outcomes = _run_machine(svc, engine)
    # A retried Map item sends no second mail.
    run_id = svc.tickets.get(parent).children_run["run_id"]  # type: ignore[index]
    for kid in kids:
        workflow_steps.run_step(
            svc, {"step": "close_child", "parent_id": parent, "run_id": run_id, "child_id": kid}
        )

    assert sorted(o["outcome"] for o in outcomes) == ["closed"] * 3
    sent = {tuple(m.recipients): m for m in svc.mailer.sent}  # type: ignore[attr-defined]
    assert len(svc.mailer.sent) == 4  # type: ignore[attr-defined]  # the parent's + 3
    for kid, address, footer in [
        (kids[0], "sara@example.se", "Det här svaret gäller ditt ärende"),
        (kids[1], "john@example.com", "This reply concerns your ticket"),
        (kids[2], "pia@example.se", "Det här svaret gäller ditt ärende"),
    ]:
        child = svc.tickets.get(kid)
        message = email.message_from_bytes(sent[(address,)].raw, policy=email.policy.default)
        assert f"#{child.number}" in str(message["Subject"])
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert "Skrivarna fungerar igen." in text and footer in text
        assert f"#{child.number}" in text
        assert child.status is Status.CLOSED
        outs = [e for e in svc.tickets.events(kid) if e.type == "message_out"]
        assert len(outs) == 1 and outs[0].actor == agent.id  # in the child's own history


def test_a_reply_without_closing_leaves_parent_and_children_open(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    parent, kids = _family(svc, agent)
    parent_tickets.reply_with_children(
        svc, agent, parent, {"text": "Vi felsöker skrivarna.", "include_children": True}
    )
    drain_stream(svc)
    _run_machine(svc, engine)

    assert svc.tickets.get(parent).is_open
    assert all(svc.tickets.get(k).is_open for k in kids)
    assert len(svc.mailer.sent) == 4  # type: ignore[attr-defined]


def test_a_failed_run_resumes_with_only_the_children_not_done(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    parent, kids = _family(svc, agent)
    tickets.update_ticket(svc, agent, parent, {"status": "closed"})
    drain_stream(svc)
    [execution] = engine.running(workflows.CLOSE_CHILDREN)
    run_id = execution.payload["run_id"]
    done_first = execution.payload["children"][0]
    workflow_steps.run_step(
        svc, {"step": "close_child", "parent_id": parent, "run_id": run_id, "child_id": done_first}
    )
    execution.status = "FAILED"  # the rest never ran

    shown = parent_tickets.progress(svc, svc.tickets.get(parent))
    assert shown is not None and (shown["done"], shown["total"]) == (1, 3)
    parent_tickets.resume(svc, people["admin"], parent)
    drain_stream(svc)

    [retry] = engine.running(workflows.CLOSE_CHILDREN)
    assert retry.name == f"children-{parent}-{run_id}-retry1"
    assert done_first not in retry.payload["children"] and len(retry.payload["children"]) == 2
    _run_machine(svc, engine)
    assert all(svc.tickets.get(k).status is Status.CLOSED for k in kids)
    finished = parent_tickets.progress(svc, svc.tickets.get(parent))
    assert finished is not None and (finished["done"], finished["finished"]) == (3, True)


def test_links_stay_one_level_deep(svc: Services, people: dict[str, User]) -> None:
    agent = people["agent1"]
    parent, kids = _family(svc, agent)
    other = _ticket(svc, agent, "Ett annat ärende")

    with pytest.raises(ValidationError) as child_as_parent:
        parent_tickets.link_children(svc, agent, kids[0], {"ticket_ids": [other]})
    with pytest.raises(ValidationError) as parent_as_child:
        parent_tickets.link_children(svc, agent, other, {"ticket_ids": [parent]})
    with pytest.raises(ValidationError) as itself:
        parent_tickets.link_children(svc, agent, parent, {"ticket_ids": [parent]})
    with pytest.raises(ValidationError) as by_patch:
        tickets.update_ticket(svc, agent, parent, {"parent_id": other})

    assert child_as_parent.value.code == "parent_is_child"
    assert parent_as_child.value.code == "child_is_parent"
    assert itself.value.code == "own_parent"
    assert by_patch.value.code == "child_is_parent"
    assert svc.tickets.get(other).parent_id is None
