"""Parent tickets over the API (S10): linking children, listing them with status and the
run's progress, closing the parent, replying to the children, and the refusals."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.services import workflow_steps, workflows
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.support import drain_stream


def create(client: Api, title: str, **body: Any) -> dict[str, Any]:
    reply = client.post("/api/tickets", {"title": title, "group_id": "kt-first", **body})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def run_machine(svc: Services) -> None:
    engine = svc.workflows
    assert isinstance(engine, RecordingWorkflows)
    for execution in engine.running(workflows.CLOSE_CHILDREN):
        base = {"parent_id": execution.payload["parent_id"], "run_id": execution.payload["run_id"]}
        for child_id in execution.payload["children"]:
            workflow_steps.run_step(svc, {"step": "close_child", **base, "child_id": child_id})
        workflow_steps.run_step(svc, {"step": "close_children_done", **base})
        execution.status = "SUCCEEDED"


def test_children_are_linked_listed_with_status_and_closed_with_their_parent(
    api: Api, svc: Services
) -> None:
    agent = api.as_user("agent1")
    parent = create(agent, "Nätverket ligger nere")
    kids = [create(agent, f"Inget nät i rum {n}") for n in (101, 102, 103)]

    linked = agent.post(
        f"/api/tickets/{parent['id']}/children", {"ticket_ids": [k["id"] for k in kids]}
    )
    listed = agent.get(f"/api/tickets/{parent['id']}/children")

    assert linked.status == 200, linked.body
    assert listed.status == 200
    assert sorted(c["number"] for c in listed.body["items"]) == sorted(k["number"] for k in kids)
    assert {c["status"] for c in listed.body["items"]} == {"new"}
    assert listed.body["run"] is None
    assert agent.get(f"/api/tickets/{kids[0]['id']}").body["parent_id"] == parent["id"]

    closed = agent.patch(f"/api/tickets/{parent['id']}", {"status": "closed"})
    assert closed.status == 200 and closed.body["status"] == "closed"
    drain_stream(svc)
    during = agent.get(f"/api/tickets/{parent['id']}/children").body["run"]
    run_machine(svc)
    after = agent.get(f"/api/tickets/{parent['id']}/children").body

    assert (during["done"], during["total"], during["finished"]) == (0, 3, False)
    assert {c["status"] for c in after["items"]} == {"closed"}
    assert (after["run"]["done"], after["run"]["total"], after["run"]["finished"]) == (3, 3, True)


def test_a_child_is_unlinked_and_no_longer_listed(api: Api) -> None:
    agent = api.as_user("agent1")
    parent = create(agent, "Mejlen studsar")
    kid = create(agent, "Mitt mejl kom tillbaka")
    agent.post(f"/api/tickets/{parent['id']}/children", {"ticket_ids": [kid["id"]]})

    reply = agent.delete(f"/api/tickets/{parent['id']}/children/{kid['id']}")

    assert reply.status == 200 and reply.body["parent_id"] is None
    assert agent.get(f"/api/tickets/{parent['id']}/children").body["items"] == []


def test_links_are_refused_with_a_reason(api: Api) -> None:
    agent = api.as_user("agent1")
    parent = create(agent, "Förälder")
    kid = create(agent, "Barn")
    other = create(agent, "Annat")
    agent.post(f"/api/tickets/{parent['id']}/children", {"ticket_ids": [kid["id"]]})

    assert_error(
        agent.post(f"/api/tickets/{kid['id']}/children", {"ticket_ids": [other["id"]]}),
        422,
        "parent_is_child",
    )
    assert_error(
        agent.post(f"/api/tickets/{other['id']}/children", {"ticket_ids": [parent["id"]]}),
        422,
        "child_is_parent",
    )
    assert_error(
        agent.post(f"/api/tickets/{other['id']}/children", {"ticket_ids": [kid["id"]]}),
        422,
        "has_parent",
    )
    assert_error(
        agent.post(f"/api/tickets/{parent['id']}/children", {"ticket_ids": ["no-such-id"]}), 422
    )
    assert_error(agent.post(f"/api/tickets/{parent['id']}/children", {"ticket_ids": []}), 422)
    assert_error(
        agent.post(f"/api/tickets/{parent['id']}/children/resume", {}), 422, "nothing_to_resume"
    )


def test_a_ticket_the_agent_cannot_see_is_no_child_of_theirs(api: Api) -> None:
    parent = create(api.as_user("agent1"), "Synlig förälder")
    hidden = create(api.as_user("dispatcher"), "Andra linjens ärende", group_id="kt-second")

    reply = api.as_user("agent1").post(
        f"/api/tickets/{parent['id']}/children", {"ticket_ids": [hidden["id"]]}
    )

    assert_error(reply, 422)
    assert api.as_user("admin").get(f"/api/tickets/{hidden['id']}").body["parent_id"] is None


def test_a_reply_with_children_goes_to_each_childs_contact(api: Api, svc: Services) -> None:
    agent = api.as_user("agent1")
    parent = create(agent, "Driftstörning", contact={"email": "chef@example.se"})
    kids = [
        create(agent, "Störning hos mig", contact={"email": f"kund{n}@example.se"}) for n in (1, 2)
    ]
    agent.post(f"/api/tickets/{parent['id']}/children", {"ticket_ids": [k["id"] for k in kids]})

    reply = agent.post(
        f"/api/tickets/{parent['id']}/replies",
        {"text": "Störningen är åtgärdad.", "include_children": True, "close_parent": True},
    )
    assert reply.status == 201, reply.body
    drain_stream(svc)
    run_machine(svc)

    recipients = sorted(r for m in svc.mailer.sent for r in m.recipients)  # type: ignore[attr-defined]
    assert recipients == ["chef@example.se", "kund1@example.se", "kund2@example.se"]
    assert agent.get(f"/api/tickets/{parent['id']}").body["status"] == "closed"
    assert {agent.get(f"/api/tickets/{k['id']}").body["status"] for k in kids} == {"closed"}


def test_a_reply_with_children_on_a_ticket_without_children_is_refused(api: Api) -> None:
    agent = api.as_user("agent1")
    lonely = create(agent, "Ensam", contact={"email": "ensam@example.se"})

    reply = agent.post(
        f"/api/tickets/{lonely['id']}/replies", {"text": "Hej", "include_children": True}
    )

    assert_error(reply, 422, "no_children")
