"""External consultation (S6) in the local stack as `make run` starts it: the question in the
outbox, the answer over SMTP to its reply address; without an answer the reminders in the
outbox on schedule (moto's interpreter runs the ExternalConsultation machine) and the
ticket comes back to its agent."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.conftest import Stack, start_stack
from tests.e2e.test_local_stack import call, login
from tests.e2e.test_mail_flow import customer_mail, outbox, send, wait_for


def _consulting(stack: Stack, auth: dict[str, str], supplier: str, **body: Any) -> str:
    made = call(stack, "POST", "/api/tickets", auth, json={
        "title": f"Fråga leverantören {uuid.uuid4().hex[:6]}", "group_id": "kt-forsta",
        "agent_id": "agent1",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    ticket_id = str(made.json()["id"])
    asked = call(stack, "POST", f"/api/tickets/{ticket_id}/consultations", auth, json={
        "to": supplier, "text": "När levereras order 4711?", **body,
    })  # fmt: skip
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "open"
    return ticket_id


def _to(stack: Stack, admin: dict[str, str], address: str) -> list[Any]:
    return [m for m in outbox(stack, admin) if address in str(m.get("To", ""))]


def _ticket(stack: Stack, auth: dict[str, str], ticket_id: str) -> dict[str, Any]:
    return dict(call(stack, "GET", f"/api/tickets/{ticket_id}", auth).json())


def test_an_answer_over_smtp_puts_the_ticket_back_to_open_with_the_answer(stack: Stack) -> None:
    agent, admin = login(stack, "agent1@example.com"), login(stack, "admin@example.com")
    supplier = f"order-{uuid.uuid4().hex[:6]}@supplier.example"
    ticket_id = _consulting(stack, agent, supplier, remind_after_hours=1)
    assert _ticket(stack, agent, ticket_id)["status"] == "with_external"
    [question] = wait_for(lambda: _to(stack, admin, supplier))
    reply_to = str(question["Reply-To"])

    # The supplier answers with a subject of their own: the address threads it.
    answer = customer_mail(supplier, "Ang. er beställning", "Order 4711 levereras på fredag.",
                           to=reply_to, In_Reply_To=str(question["Message-ID"]))  # fmt: skip
    send(stack, answer, [reply_to])

    opened = wait_for(lambda: (t := _ticket(stack, agent, ticket_id))["status"] == "open" and t)
    [external] = [e for e in opened["events"] if e["type"] == "external_answer"]
    assert "levereras på fredag" in external["data"]["text"]
    states = call(stack, "GET", f"/api/tickets/{ticket_id}/consultations", agent).json()["items"]
    assert [c["status"] for c in states] == ["answered"]


def test_without_an_answer_the_reminder_goes_out_and_the_ticket_comes_back(stack: Stack) -> None:
    agent, admin = login(stack, "agent1@example.com"), login(stack, "admin@example.com")
    supplier = f"tyst-{uuid.uuid4().hex[:6]}@supplier.example"
    # 0.01 hours (36 s) between the question, the one reminder and the hand-back.
    ticket_id = _consulting(stack, agent, supplier, remind_after_hours=0.01, reminders=1)

    reminders = wait_for(lambda: _to(stack, admin, supplier)[1:], timeout=90)
    assert str(reminders[0]["Subject"]).startswith("Påminnelse:")

    def back() -> Any:
        ticket = _ticket(stack, agent, ticket_id)
        return ticket["status"] == "open" and ticket

    ticket = wait_for(back, timeout=90)
    [handed] = [e for e in ticket["events"] if e["type"] == "consultation_unanswered"]
    assert handed["data"]["note"] == f"no answer from {supplier}"
    assert len(_to(stack, admin, supplier)) == 2  # the question and one reminder, no more

    def told() -> list[Any]:
        notices = call(stack, "GET", "/api/me/notifications", agent).json()["items"]
        return [n for n in notices if n["ticket_id"] == ticket_id and n["kind"] == "follow_up"]

    assert wait_for(told)  # the agent hears the ticket is back


def test_an_open_consultation_survives_a_restart(stack: Stack) -> None:
    # Last in this module: it stops the module's stack.
    agent = login(stack, "agent1@example.com")
    supplier = f"omstart-{uuid.uuid4().hex[:6]}@supplier.example"
    ticket_id = _consulting(stack, agent, supplier, remind_after_hours=0.01, reminders=0)
    assert stack.stop() == 0

    again = start_stack(stack.data_dir)
    try:
        agent = login(again, "agent1@example.com")

        def back() -> Any:
            ticket = _ticket(again, agent, ticket_id)
            return ticket["status"] == "open" and ticket

        ticket = wait_for(back, timeout=90)  # the wait ran again from DynamoDB, and ended
        assert [e["type"] for e in ticket["events"]].count("consultation_unanswered") == 1
    finally:
        again.stop()
