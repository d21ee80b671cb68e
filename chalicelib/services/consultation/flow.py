"""External consultation (S6) on Step Functions: the ExternalConsultation machine
(infra/statemachines/consultation.asl.json) and the steps its Lambda tasks run.

- ``arm`` (stream reaction): a stored ``consultation_sent`` starts execution
  ``consult-<ticket>-<consultation>`` with round 0 and the seconds until its deadline; a
  stored answer or cancel completes the wait with SendTaskSuccess on the token the
  consultation holds, and the machine ends.
- ``wait`` (the ``.waitForTaskToken`` task): keeps the task token on the consultation, or,
  when the consultation ended meanwhile (or this is a superseded round), completes the token
  at once so the machine ends.
- ``timeout`` (after ``States.Timeout``/``States.HeartbeatTimeout``): sends the next
  reminder and returns the next wait, or, after the last, hands the ticket back to its agent
  with "no answer from …". A repeated delivery of a timeout already handled returns the wait
  that is running and sends nothing.

DynamoDB holds the truth (the consultation on its ticket: id, round, reminders sent, task
token, deadline); every step reads it first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain import consultation as consult
from chalicelib.domain.consultation import Consultation, ConsultationStatus
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import EventType
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso, parse_iso
from chalicelib.services import directory, workflows
from chalicelib.services.consultation import mail as consultation_mail
from chalicelib.services.consultation import use_cases as consultations
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound

logger = Logger(service="servit-workflows")

ACTOR = "system:consultation"
WAIT_STEP, TIMEOUT_STEP = "consultation_wait", "consultation_timeout"
_SAVE_ATTEMPTS = 5
_ENDING = {EventType.EXTERNAL_ANSWER.value, EventType.CONSULTATION_CANCELLED.value}


def execution(ticket_id: str, consultation_id: str) -> str:
    return workflows.execution_name("consult", ticket_id, consultation_id)


def start_payload(ticket_id: str, c: Consultation, now: datetime) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "consultation_id": c.id,
        "round": c.round,
        "wait_seconds": consultations.wait_seconds(now, c.deadline),
    }


# --- the stream reaction -------------------------------------------------------------------


def arm(svc: Services, change: list[StoredEvent]) -> int:
    started = 0
    for stored in change:
        event = stored.event
        if event.type == EventType.CONSULTATION_SENT.value:
            deadline = parse_iso(str(event.data["deadline"]))
            payload = {
                "ticket_id": event.ticket_id,
                "consultation_id": event.data["consultation_id"],
                "round": 0,
                "wait_seconds": consultations.wait_seconds(svc.clock(), deadline),
            }
            name = execution(event.ticket_id, str(event.data["consultation_id"]))
            started += svc.workflows.start(workflows.CONSULTATION, name, payload)
        elif (
            event.type in _ENDING
            and "consultation_id" in event.data
            # an out-of-office or a late word ended nothing: nothing waits on it
            and not (event.data.get("late") or event.data.get("automatic"))
        ):
            _complete(svc, event.ticket_id, str(event.data["consultation_id"]))
    return started


def _complete(svc: Services, ticket_id: str, consultation_id: str) -> None:
    """The consultation ended: its wait ends too (no token yet: the wait step ends it)."""
    try:
        c = consult.find(svc.tickets.get(ticket_id), consultation_id)
    except NotFoundError:
        return
    if c.task_token and not c.is_open:
        svc.workflows.send_task_success(c.task_token, {"outcome": c.status.value})


# --- the steps -----------------------------------------------------------------------------


def wait(svc: Services, payload: dict[str, Any]) -> dict[str, Any]:
    ticket_id, consultation_id = str(payload["ticket_id"]), str(payload["consultation_id"])
    round_, token = int(payload["round"]), str(payload["token"])
    for _ in range(_SAVE_ATTEMPTS):
        try:
            ticket = svc.tickets.get(ticket_id)
            c = consult.find(ticket, consultation_id)
        except NotFoundError:
            svc.workflows.send_task_success(token, {"outcome": "gone"})
            return {"outcome": "gone"}
        if not c.is_open or c.round != round_:
            outcome = c.status.value if not c.is_open else "superseded"
            svc.workflows.send_task_success(token, {"outcome": outcome})
            return {"outcome": outcome}
        c.task_token = token
        try:
            svc.tickets.save(ticket)  # no history event: nothing for the stream
        except ConflictError:
            continue  # an answer may have come: look again
        return {"outcome": "waiting", "round": round_}
    raise ConflictError(f"ticket {ticket_id} kept changing; the wait step is retried")


def timeout(svc: Services, payload: dict[str, Any]) -> dict[str, Any]:
    ticket_id, consultation_id = str(payload["ticket_id"]), str(payload["consultation_id"])
    round_ = int(payload["round"])
    reminder: consultation_mail.Sent | None = None
    suppressed: bool | None = None
    mail = None
    for _ in range(_SAVE_ATTEMPTS):
        try:
            ticket = svc.tickets.get(ticket_id)
            c = consult.find(ticket, consultation_id)
        except NotFoundError:
            return _result(ticket_id, consultation_id, round_, 0, done=True)
        now = svc.clock()
        if not c.is_open:
            return _result(ticket_id, c.id, c.round, 0, done=True)
        if round_ < c.round and reminder is None:  # handled before: the wait that runs
            return _result(ticket_id, c.id, c.round, consultations.wait_seconds(now, c.deadline))
        if suppressed is None and not c.hands_back_next and reminder is None:
            # A reminder is automatic mail: never to a bouncing address, and within the
            # hourly caps (as acknowledgements). Decided once, whatever the retries below.
            suppressed = not outbound.may_send_automatic(svc, c.to, now)
        if c.hands_back_next or suppressed:
            note = f"no answer from {c.to}"
            if suppressed:
                note += " (no reminder sent: the address bounces or got too much automatic mail)"
            consult.end(
                ticket, c, ConsultationStatus.UNANSWERED, EventType.CONSULTATION_UNANSWERED,
                {"note": note, "reminders_sent": c.reminders_sent},
                actor=ACTOR, now=now, event_id=new_ulid(now),
            )  # fmt: skip
            done = True
        else:
            if reminder is None:  # sent once, whatever the retries of the save below
                rp = directory.response_point(svc, ticket.response_point_id)
                mail = consultation_mail.reminder(svc, ticket, rp, c, _question(svc, ticket, c))
                reminder = consultation_mail.send(svc, mail)
            assert mail is not None
            _reminded(svc, ticket, c, mail, reminder, now)
            done = False
        try:
            svc.tickets.save(
                ticket, claims=consultation_mail.claims(ticket, reminder) if reminder else None
            )
        except ConflictError:
            continue
        logger.info(
            "consultation handed back" if done else "consultation reminder sent",
            extra={"ticket_id": ticket_id, "consultation_id": c.id, "round": c.round},
        )
        seconds = 0 if done else consultations.wait_seconds(now, c.deadline)
        return _result(ticket_id, c.id, c.round, seconds, done=done)
    raise ConflictError(f"ticket {ticket_id} kept changing; the timeout step is retried")


def _reminded(
    svc: Services,
    ticket: Ticket,
    c: Consultation,
    mail: Any,
    sent: consultation_mail.Sent,
    now: datetime,
) -> None:
    c.reminders_sent += 1
    c.round += 1
    c.task_token = ""
    calendar = consultations.calendar_of(svc, ticket) if c.calendar_id else None
    c.deadline = consultations.wait_end(now, c.remind_after_hours, calendar)
    ticket.record_message(
        EventType.CONSULTATION_REMINDED,
        {
            **sent.data(mail),
            "consultation_id": c.id,
            "party": c.to,
            "reminder": c.reminders_sent,
            "reminders": c.reminders,
            "deadline": iso(c.deadline),
        },
        actor=ACTOR,
        now=now,
        event_id=sent.event_id,
    )


def _question(svc: Services, ticket: Ticket, c: Consultation) -> str:
    """The question as asked (its event; the ticket item keeps no texts)."""
    for event in svc.tickets.events(ticket.id):
        if event.type == EventType.CONSULTATION_SENT.value and (
            event.data.get("consultation_id") == c.id
        ):
            return str(event.data.get("text") or "")
    return ""


def _result(
    ticket_id: str, consultation_id: str, round_: int, seconds: int, *, done: bool = False
) -> dict[str, Any]:
    """What the machine's Remind state selects: the next wait, or the end."""
    return {
        "ticket_id": ticket_id,
        "consultation_id": consultation_id,
        "round": round_,
        "wait_seconds": max(1, seconds),
        "done": done,
    }


def rearm(svc: Services, tickets: list[Ticket]) -> int:
    """Start the wait of every open consultation of the tickets given (the local stack after
    a restart: its engine remembers nothing). A deadline passed meanwhile times out at once."""
    started, now = 0, svc.clock()
    for ticket in tickets:
        for c in consult.open_ones(ticket):
            started += svc.workflows.start(
                workflows.CONSULTATION, execution(ticket.id, c.id), start_payload(ticket.id, c, now)
            )
    return started


__all__ = ["arm", "execution", "rearm", "timeout", "wait"]
