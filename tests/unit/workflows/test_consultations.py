"""External consultation (S6): the question goes out from its own reply address, the answer
threads back to it, reminders go out on schedule and the ticket comes back to its agent.
The steps are driven as the ExternalConsultation machine would run them."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from typing import Any, cast

import pytest

from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.domain import portal_token
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.services import portal, tickets, workflow_steps, workflows
from chalicelib.services.consultation import flow as consultation_flow
from chalicelib.services.consultation import use_cases as consultations
from chalicelib.services.context import Services
from chalicelib.services.mail import threading as mail_threading
from tests.support import FrozenClock, drain_stream
from tests.unit.mail.flows import deliver

SUPPLIER = "order@supplier.example"


def _ticket(svc: Services, agent: User) -> str:
    return tickets.create_ticket(
        svc,
        agent,
        {
            "title": "Leverans saknas",
            "agent_id": agent.id,
            "group_id": "kt-first",
            "contact": {"email": "kund@example.se", "name": "Kund Kundsson"},
        },
    ).id


def _ask(svc: Services, agent: User, ticket_id: str, **body: Any) -> str:
    given = {"to": SUPPLIER, "text": "När skickades order 4711?", **body}
    return consultations.ask(svc, agent, ticket_id, given).id


def _mails(svc: Services) -> list[EmailMessage]:
    return [
        cast(EmailMessage, email.message_from_bytes(m.raw, policy=email.policy.default))
        for m in svc.mailer.sent  # type: ignore[attr-defined]
    ]


def _to_supplier(svc: Services) -> list[EmailMessage]:
    return [m for m in _mails(svc) if SUPPLIER in str(m["To"])]


def _answer_mail(reply_to: str, subject: str, text: str, *, auto: bool = False) -> bytes:
    head = f"From: Order <{SUPPLIER}>\r\nTo: {reply_to}\r\nSubject: {subject}\r\n"
    head += "Message-ID: <svar-1@supplier.example>\r\n"
    if auto:
        head += "Auto-Submitted: auto-replied\r\n"
    return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text).encode()


def _execution(engine: RecordingWorkflows) -> Any:
    [execution] = engine.running(workflows.CONSULTATION)
    return execution


def _wait(svc: Services, engine: RecordingWorkflows, execution: Any, round_: int) -> str:
    """The machine's AwaitAnswer task: the step gets a fresh task token."""
    token = engine.issue_token(f"token-{execution.name}-{round_}")
    payload = {**execution.payload, "round": round_, "token": token, "step": "consultation_wait"}
    workflow_steps.run_step(svc, payload)
    return token


def _timeout(svc: Services, execution: Any, round_: int) -> dict[str, Any]:
    payload = {**execution.payload, "round": round_, "step": "consultation_timeout"}
    return workflow_steps.run_step(svc, payload)


def test_asking_mails_the_party_from_its_own_address_and_starts_one_wait(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)

    consultation_id = _ask(svc, agent, ticket_id, remind_after_hours=2.5, reminders=2)
    drain_stream(svc, times=2)  # a redelivered batch starts nothing twice

    ticket = svc.tickets.get(ticket_id)
    assert ticket.status is Status.WITH_EXTERNAL
    [question] = _to_supplier(svc)
    number = ticket.number
    assert str(question["Reply-To"]).startswith(f"kundtjanst+c{number}-1.")
    assert str(question["Subject"]).startswith("Fråga: Leverans saknas")
    body = question.get_body()
    assert body is not None and "När skickades order 4711?" in body.get_content()
    execution = _execution(engine)
    assert execution.name == f"consult-{ticket_id}-{consultation_id}"
    assert execution.payload == {
        "ticket_id": ticket_id,
        "consultation_id": consultation_id,
        "round": 0,
        "wait_seconds": 9000,
    }


def test_the_answer_threads_by_its_address_even_with_a_new_subject_and_stays_internal(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    _ask(svc, agent, ticket_id)
    drain_stream(svc)
    token = _wait(svc, engine, _execution(engine), 0)
    [question] = _to_supplier(svc)

    entry = deliver(
        svc,
        _answer_mail(str(question["Reply-To"]), "Helt annat ämne", "Order 4711 skickades i går."),
        [str(question["Reply-To"])],
    )

    ticket = svc.tickets.get(ticket_id)
    assert entry.ticket_id == ticket_id and entry.threading_rule == "consultation_address"
    assert ticket.status is Status.OPEN
    [answer] = [e for e in svc.tickets.events(ticket_id) if e.type == "external_answer"]
    assert "skickades i går" in answer.data["text"]
    assert engine.tokens[token] == {"outcome": "answered"}  # the machine ends
    [notice] = svc.notifications.for_user(agent.id).items
    assert notice.kind.value == "follow_up" and "external_answer" in notice.events
    # The customer's portal shows neither the question nor the answer.
    contact = svc.contacts.get(ticket.contact_id or "")
    grant = portal_token.PortalGrant(
        ticket_id, contact.id, svc.clock() + timedelta(days=1),
        address_hash=portal_token.address_hash(contact.emails, svc.mail.secret),
    )  # fmt: skip
    shown = portal.view(svc, portal_token.issue(grant, svc.mail.secret)).events
    assert {e.type for e in shown}.isdisjoint({"external_answer", "consultation_sent"})


def test_no_answer_sends_the_reminders_then_hands_the_ticket_back(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    _ask(svc, agent, ticket_id, remind_after_hours=1, reminders=2)
    drain_stream(svc)
    execution = _execution(engine)

    answers = []
    for round_ in range(3):
        _wait(svc, engine, execution, round_)
        clock.advance(hours=1)
        answers.append(_timeout(svc, execution, round_))
        drain_stream(svc)

    assert [(a["round"], a["done"]) for a in answers] == [(1, False), (2, False), (2, True)]
    assert answers[0]["wait_seconds"] == 3600
    reminders = _to_supplier(svc)[1:]
    assert [str(m["Subject"]).split(":")[0] for m in reminders] == ["Påminnelse"] * 2
    body = reminders[0].get_body()
    assert body is not None and "> När skickades order 4711?" in body.get_content()
    ticket = svc.tickets.get(ticket_id)
    assert ticket.status is Status.OPEN
    [back] = [e for e in svc.tickets.events(ticket_id) if e.type == "consultation_unanswered"]
    assert back.data["note"] == f"no answer from {SUPPLIER}"
    notices = svc.notifications.for_user(agent.id).items
    assert any("consultation_unanswered" in n.events for n in notices)


def test_no_reminder_goes_to_a_bouncing_address_the_ticket_comes_back_at_once(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    _ask(svc, agent, ticket_id, remind_after_hours=1, reminders=3)
    drain_stream(svc)
    execution = _execution(engine)
    # The supplier's mailbox bounced our question.
    svc.lookups.put(mail_threading.bounce_key(SUPPLIER), "bounced")
    _wait(svc, engine, execution, 0)
    clock.advance(hours=1)

    answer = _timeout(svc, execution, 0)

    assert answer["done"] is True
    assert len(_to_supplier(svc)) == 1  # the question only
    [back] = [e for e in svc.tickets.events(ticket_id) if e.type == "consultation_unanswered"]
    assert "no reminder sent" in back.data["note"]
    assert svc.tickets.get(ticket_id).status is Status.OPEN


def test_a_repeated_timeout_sends_no_second_reminder(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    _ask(svc, agent, ticket_id, remind_after_hours=1, reminders=3)
    drain_stream(svc)
    execution = _execution(engine)
    clock.advance(hours=1)

    first = _timeout(svc, execution, 0)
    again = _timeout(svc, execution, 0)  # Lambda's response lost: Step Functions retries

    assert first == again and first["round"] == 1 and not first["done"]
    assert len(_to_supplier(svc)) == 2  # the question and one reminder


def test_several_consultations_at_once_the_ticket_opens_when_the_last_ends(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    first = _ask(svc, agent, ticket_id)
    second = _ask(svc, agent, ticket_id, to="expert@lab.example")
    drain_stream(svc)
    assert len(engine.running(workflows.CONSULTATION)) == 2

    consultations.answer_for_them(svc, agent, ticket_id, first, {"text": "Per telefon: i går"})
    assert svc.tickets.get(ticket_id).status is Status.WITH_EXTERNAL
    consultations.cancel(svc, agent, ticket_id, second, {})

    ticket = svc.tickets.get(ticket_id)
    assert ticket.status is Status.OPEN
    assert [c.status.value for c in ticket.consultations] == ["answered", "cancelled"]
    with pytest.raises(ConflictError):
        consultations.cancel(svc, agent, ticket_id, second, {})


def test_a_wait_that_starts_after_the_answer_ends_at_once(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    consultation_id = _ask(svc, agent, ticket_id)
    drain_stream(svc)
    consultations.answer_for_them(svc, agent, ticket_id, consultation_id, {"text": "Klart"})
    drain_stream(svc)

    token = _wait(svc, engine, _execution(engine), 0)

    assert engine.tokens[token] == {"outcome": "answered"}


def test_answering_while_the_wait_step_stores_its_token_is_no_conflict(
    svc: Services,
    people: dict[str, User],
    engine: RecordingWorkflows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The workflow's wait step writes the ticket (its task token) between the agent's read
    and save: the agent answered the consultation, not a version, so the answer lands."""
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    consultation_id = _ask(svc, agent, ticket_id)
    drain_stream(svc)
    save = svc.tickets.save
    raced: list[str] = []

    def save_after_the_wait_step(ticket: Any, *args: Any, **kwargs: Any) -> Any:
        if not raced:
            raced.append("wait step")
            monkeypatch.setattr(svc.tickets, "save", save)
            _wait(svc, engine, _execution(engine), 0)  # it saves first
            monkeypatch.setattr(svc.tickets, "save", save_after_the_wait_step)
        return save(ticket, *args, **kwargs)

    monkeypatch.setattr(svc.tickets, "save", save_after_the_wait_step)
    consultations.answer_for_them(svc, agent, ticket_id, consultation_id, {"text": "Per telefon"})
    monkeypatch.undo()

    ticket = svc.tickets.get(ticket_id)
    assert raced and ticket.status is Status.OPEN
    assert [c.status.value for c in ticket.consultations] == ["answered"]
    assert [e.type for e in svc.tickets.events(ticket_id)].count("external_answer") == 1


def test_closing_the_ticket_cancels_its_consultations_and_their_waits(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    _ask(svc, agent, ticket_id)
    drain_stream(svc)
    execution = _execution(engine)
    token = _wait(svc, engine, execution, 0)

    tickets.update_ticket(svc, agent, ticket_id, {"status": "closed"})
    drain_stream(svc)

    assert engine.tokens[token] == {"outcome": "cancelled"}
    clock.advance(days=2)
    assert _timeout(svc, execution, 0)["done"] is True
    assert len(_to_supplier(svc)) == 1  # no reminder for a closed ticket


def test_the_open_list_shows_an_agents_and_a_groups_consultations(
    svc: Services, people: dict[str, User]
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    consultation_id = _ask(svc, agent, ticket_id)

    mine = consultations.open_list(svc, agent, {})
    groups = consultations.open_list(svc, people["agent2"], {"group_id": "kt-first"})
    outsider = consultations.open_list(svc, people["agent3"], {"group_id": "kt-first"})

    assert [r["consultation"].id for r in mine] == [consultation_id]
    assert [r["ticket"].id for r in groups] == [ticket_id]
    assert outsider == []


@pytest.mark.parametrize(
    "body",
    [{"remind_after_hours": 0}, {"remind_after_hours": 721}, {"reminders": 6}, {"to": "nej"}],
    ids=["too-soon", "too-late", "too-many-reminders", "bad-address"],
)
def test_asking_refuses_what_cannot_be_done(
    svc: Services, people: dict[str, User], body: dict[str, Any]
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    with pytest.raises(ValidationError):
        _ask(svc, agent, ticket_id, **body)
    assert svc.tickets.get(ticket_id).consultations == []
    assert _to_supplier(svc) == []


def test_rearm_starts_each_open_consultation_once_with_the_time_left(
    svc: Services, people: dict[str, User], engine: RecordingWorkflows, clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket_id = _ticket(svc, agent)
    _ask(svc, agent, ticket_id, remind_after_hours=1)
    drain_stream(svc)
    clock.advance(minutes=45)
    fresh = RecordingWorkflows()  # the engine after a restart remembers nothing
    svc.workflows = fresh

    stored = [svc.tickets.get(ticket_id)]
    assert consultation_flow.rearm(svc, stored) == 1
    assert consultation_flow.rearm(svc, stored) == 0
    [again] = fresh.running(workflows.CONSULTATION)
    assert again.payload["wait_seconds"] == 15 * 60
