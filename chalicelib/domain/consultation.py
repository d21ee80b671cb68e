"""External consultation (S6): the agent asks a supplier, an expert or any address, and the
ticket waits ``with_external`` until the answer comes, reminders are spent, or the agent
answers for them (a phone call) or cancels.

A consultation lives on its ticket (``Ticket.consultations``), so that it changes in the
same conditional write as the ticket's status and history: the ticket is ``with_external``
while any consultation is open, and goes back to ``open`` when the last open one ends (an
answer, a hand-back after the last reminder, a cancel) if it is still ``with_external``
then. Closing or resolving the ticket cancels its open consultations. An agent may still
move the ticket to another working status by hand (asking the customer, say): the
consultation runs on, its answer is recorded and the agent told, and the status is theirs.

Each consultation has its own signed reply address (``support+c<number>-<seq>.<sig>@…``):
its answer threads to it whatever the subject says.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.statuses import Status
from chalicelib.domain.timefmt import iso, parse_iso

if TYPE_CHECKING:
    from chalicelib.domain.ticket import Ticket

MIN_HOURS = 0.01  # 36 seconds: demos and tests; Step Functions' timeout is whole seconds
MAX_HOURS = 720.0  # 30 days (of open hours, with a calendar)
MAX_REMINDERS = 5
MAX_OPEN = 10  # open consultations on one ticket at once
MAX_KEPT = 50  # consultations a ticket keeps (their record lives on the ticket item)
MAX_TEXT = 20_000


class ConsultationStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"  # by mail, or by the agent for them
    UNANSWERED = "unanswered"  # the last reminder went unanswered: handed back
    CANCELLED = "cancelled"


@dataclass
class Consultation:
    id: str
    seq: int  # 1, 2, … on its ticket: names the reply address
    to: str
    to_name: str
    asked_by: str
    asked_at: datetime
    remind_after_hours: float
    reminders: int  # how many reminders at most
    deadline: datetime  # when the current wait ends (a reminder, or the hand-back)
    calendar_id: str = ""  # the wait counts this calendar's open hours ("" = clock hours)
    status: ConsultationStatus = ConsultationStatus.OPEN
    round: int = 0  # waits begun: 0 for the first, +1 per reminder
    reminders_sent: int = 0
    task_token: str = ""  # the current wait's Step Functions task token
    message_id: str = ""  # the question's Message-ID: reminders answer it
    ended_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # party_id and the like

    @property
    def is_open(self) -> bool:
        return self.status is ConsultationStatus.OPEN

    @property
    def hands_back_next(self) -> bool:
        """The current wait is the last: its end hands the ticket back."""
        return self.reminders_sent >= self.reminders

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "to": self.to,
            "to_name": self.to_name,
            "asked_by": self.asked_by,
            "asked_at": iso(self.asked_at),
            "remind_after_hours": str(self.remind_after_hours),  # exact, as given
            "reminders": self.reminders,
            "deadline": iso(self.deadline),
            "calendar_id": self.calendar_id,
            "status": self.status.value,
            "round": self.round,
            "reminders_sent": self.reminders_sent,
            "task_token": self.task_token,
            "message_id": self.message_id,
            "ended_at": iso(self.ended_at) if self.ended_at else "",
            "extra": dict(self.extra),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Consultation:
        return cls(
            id=str(record["id"]),
            seq=int(record["seq"]),
            to=str(record["to"]),
            to_name=str(record.get("to_name") or ""),
            asked_by=str(record.get("asked_by") or ""),
            asked_at=parse_iso(str(record["asked_at"])),
            remind_after_hours=float(record["remind_after_hours"]),
            reminders=int(record["reminders"]),
            deadline=parse_iso(str(record["deadline"])),
            calendar_id=str(record.get("calendar_id") or ""),
            status=ConsultationStatus(record.get("status") or "open"),
            round=int(record.get("round") or 0),
            reminders_sent=int(record.get("reminders_sent") or 0),
            task_token=str(record.get("task_token") or ""),
            message_id=str(record.get("message_id") or ""),
            ended_at=parse_iso(str(record["ended_at"])) if record.get("ended_at") else None,
            extra=dict(record.get("extra") or {}),
        )


def check_hours(value: Any) -> float:
    """Hours to wait before a reminder: a number from 0.01 (36 s) to 720, decimals welcome."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError("remind_after_hours must be a number of hours")
    try:
        hours = float(value)
    except ValueError:
        raise ValidationError("remind_after_hours must be a number of hours") from None
    if not math.isfinite(hours) or not MIN_HOURS <= hours <= MAX_HOURS:
        raise ValidationError(f"remind_after_hours must be from {MIN_HOURS} to {MAX_HOURS}")
    return hours


def check_reminders(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REMINDERS:
        raise ValidationError(f"reminders must be a whole number from 0 to {MAX_REMINDERS}")
    return value


# --- the ticket's side -------------------------------------------------------------------


def find(ticket: Ticket, consultation_id: str) -> Consultation:
    for consultation in ticket.consultations:
        if consultation.id == consultation_id:
            return consultation
    raise NotFoundError(f"no consultation {consultation_id!r} on ticket #{ticket.number}")


def by_seq(ticket: Ticket, seq: int) -> Consultation | None:
    return next((c for c in ticket.consultations if c.seq == seq), None)


def open_ones(ticket: Ticket) -> list[Consultation]:
    return [c for c in ticket.consultations if c.is_open]


def next_seq(ticket: Ticket) -> int:
    return max((c.seq for c in ticket.consultations), default=0) + 1


def begin(
    ticket: Ticket, consultation: Consultation, data: dict[str, Any], now: datetime, event_id: str
) -> TicketEvent:
    """The question went out: keep the consultation, record it, and wait ``with_external``."""
    if not ticket.is_open:
        raise InvalidTransitionError(f"ticket #{ticket.number} is {ticket.status}: reopen it first")
    if len(open_ones(ticket)) >= MAX_OPEN:
        raise ValidationError(f"at most {MAX_OPEN} open consultations on one ticket")
    if len(ticket.consultations) >= MAX_KEPT:
        raise ValidationError(f"at most {MAX_KEPT} consultations on one ticket")
    ticket.consultations.append(consultation)
    event = ticket.record_message(
        EventType.CONSULTATION_SENT,
        {**data, "consultation_id": consultation.id},
        actor=consultation.asked_by,
        now=now,
        event_id=event_id,
    )
    if ticket.status is not Status.WITH_EXTERNAL:
        ticket.change_status(Status.WITH_EXTERNAL, consultation.asked_by, now)
    return event


def end(
    ticket: Ticket,
    consultation: Consultation,
    status: ConsultationStatus,
    event_type: EventType,
    data: dict[str, Any],
    *,
    actor: str,
    now: datetime,
    event_id: str,
) -> TicketEvent:
    """An open consultation ends; the ticket goes back to ``open`` when it was the last open
    one and the ticket still waits ``with_external``."""
    if not consultation.is_open:
        raise InvalidTransitionError(f"the consultation is {consultation.status} already")
    consultation.status = status
    consultation.ended_at = now
    event = ticket.record_message(
        event_type,
        {**data, "consultation_id": consultation.id, "party": consultation.to},
        actor=actor,
        now=now,
        event_id=event_id,
    )
    if not open_ones(ticket) and ticket.status is Status.WITH_EXTERNAL:
        ticket.change_status(Status.OPEN, actor, now)
    return event


def cancel_open(ticket: Ticket, actor: str, now: datetime, reason: str) -> None:
    """The ticket is done with (resolved or closed): no reminders, no hand-back."""
    for consultation in open_ones(ticket):
        consultation.status = ConsultationStatus.CANCELLED
        consultation.ended_at = now
        ticket.pending_events.append(
            TicketEvent.new(
                ticket.id,
                now,
                EventType.CONSULTATION_CANCELLED.value,
                actor,
                consultation_id=consultation.id,
                party=consultation.to,
                reason=reason,
            )
        )


# --- reply addresses ---------------------------------------------------------------------

_TOKEN = re.compile(r"^c(\d{1,12})-(\d{1,3})\.([0-9a-f]{12})$")


def _signature(number: int, seq: int, secret: bytes) -> str:
    message = f"consult:{number}:{seq}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:12]


def reply_address(base_address: str, number: int, seq: int, secret: bytes) -> str:
    """The address the external party answers to: names the ticket and the consultation,
    signed so that nobody steers mail into a consultation by guessing numbers."""
    local, _, domain = base_address.partition("@")
    return f"{local}+c{number}-{seq}.{_signature(number, seq, secret)}@{domain}"


def address_target(address: str, secret: bytes) -> tuple[int, int] | None:
    """(ticket number, consultation seq) a consultation reply address names, if signed."""
    local = address.strip().lower().rpartition("@")[0]
    _, plus, token = local.rpartition("+")
    match = _TOKEN.match(token) if plus else None
    if match is None:
        return None
    number, seq = int(match.group(1)), int(match.group(2))
    if not hmac.compare_digest(_signature(number, seq, secret), match.group(3)):
        return None
    return number, seq


@dataclass
class ExternalParty:
    """A supplier or expert the agents consult often (S6), kept by admins (Config)."""

    id: str
    name: str
    email: str
    notes: str = ""

    def __post_init__(self) -> None:
        from chalicelib.domain.checks import check_slug
        from chalicelib.domain.organisation import check_email

        check_slug(self.id, "external party id")
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 200:
            raise ValidationError("an external party needs a name (at most 200 characters)")
        self.name = self.name.strip()
        self.email = check_email(self.email)
        if not isinstance(self.notes, str) or len(self.notes) > 2000:
            raise ValidationError("notes are text of at most 2000 characters")
