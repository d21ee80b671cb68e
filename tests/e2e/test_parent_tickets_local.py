"""Parent tickets in the local stack as `make run` starts it (S10, issue 12): closing a
parent with three children closes all four, through the CloseChildren machine on moto's
interpreter, and the parent shows the run's progress."""

from __future__ import annotations

from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import call, login
from tests.e2e.test_workflows_local import _wait_for


def test_closing_a_parent_with_three_children_closes_all_four(stack: Stack) -> None:
    auth = login(stack, "agent1@example.com")
    new = {"group_id": "kt-forsta", "agent_id": "agent1"}

    def create(title: str) -> str:
        made = call(stack, "POST", "/api/tickets", auth, json={"title": title, **new})
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    parent = create("Strömavbrott i hus B")
    kids = [create(f"Ingen ström i rum B{n}") for n in (1, 2, 3)]
    linked = call(stack, "POST", f"/api/tickets/{parent}/children", auth,
                  json={"ticket_ids": kids})  # fmt: skip
    assert linked.status_code == 200, linked.text

    closed = call(stack, "PATCH", f"/api/tickets/{parent}", auth, json={"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text

    def finished() -> bool:
        listed = call(stack, "GET", f"/api/tickets/{parent}/children", auth).json()
        return bool(listed["run"] and listed["run"]["finished"])

    assert _wait_for(finished, 60), "the children were not closed within a minute"
    listed = call(stack, "GET", f"/api/tickets/{parent}/children", auth).json()
    assert {c["status"] for c in listed["items"]} == {"closed"}
    assert (listed["run"]["done"], listed["run"]["total"]) == (3, 3)
    for kid in kids:
        events = call(stack, "GET", f"/api/tickets/{kid}", auth).json()["events"]
        assert [e["type"] for e in events].count("closed_by_parent") == 1
