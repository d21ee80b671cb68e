"""External consultation (S6), the agent's side: ask, list, answer for them, cancel; the
open consultations of an agent or a group; the saved external parties to choose from.

The question is mailed in the request (as a reply is) and stored with the ticket in one
conditional write; the TicketEvents stream then starts its workflow (consultation_flow).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import consultation as consult
from chalicelib.domain.calendars import Calendar, add_open_time
from chalicelib.domain.consultation import Consultation, ConsultationStatus
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import Role, User, check_email
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import directory, inputs, reply_inputs
from chalicelib.services.consultation import mail as consultation_mail
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, TicketQuery
from chalicelib.services.sla_targets import sla_calendar
from chalicelib.services.ticket_access import save_ticket, writable_ticket
from chalicelib.services.visibility import filter_visible, visible_ticket

EXTERNAL_PARTY = directory.EXTERNAL_PARTY  # Config kind: suppliers and experts (admins)
ASK_KEYS = {"to", "to_name", "party_id", "contact_id", "text", "remind_after_hours", "reminders",
            "attachments"}  # fmt: skip
DEFAULT_HOURS, DEFAULT_REMINDERS = 24.0, 1
_SAVE_ATTEMPTS = 5


def ask(svc: Services, actor: User, ticket_id: str, body: Any) -> Consultation:
    """Mail the question to the external party; the ticket waits ``with_external``."""
    data = inputs.require_object(body)
    inputs.only_keys(data, ASK_KEYS)
    text = inputs.text(data, "text", max_len=consult.MAX_TEXT, required=True) or ""
    if not text.strip():
        raise ValidationError("a consultation needs a question (text)")
    hours = consult.check_hours(data.get("remind_after_hours", DEFAULT_HOURS))
    reminders = consult.check_reminders(data.get("reminders", DEFAULT_REMINDERS))
    files = reply_inputs.attachments(data.get("attachments"))
    ticket = writable_ticket(svc, actor, ticket_id, None)
    if not ticket.is_open:
        raise ValidationError(f"ticket #{ticket.number} is {ticket.status}: reopen it first")
    to, name, extra = _party(svc, data)
    reply_inputs.refuse_unreachable([to])
    rp = directory.response_point(svc, ticket.response_point_id)
    now = svc.clock()
    calendar = calendar_of(svc, ticket)
    consultation = Consultation(
        id=new_ulid(now),
        # A counter, not the ticket's list: the number is in the mailed address, so a
        # concurrent consultation must never get it too.
        seq=svc.config.next_number(f"consultation:{ticket.id}", 1),
        to=to,
        to_name=name,
        asked_by=actor.id,
        asked_at=now,
        remind_after_hours=hours,
        reminders=reminders,
        deadline=wait_end(now, hours, calendar),
        calendar_id=calendar.id if calendar else "",
        extra=extra,
    )
    mail = consultation_mail.question(svc, ticket, rp, consultation, text, files)
    sent = consultation_mail.send(svc, mail)
    consultation.message_id = sent.message_id
    event_data = {
        **sent.data(mail),
        "to_name": name,
        "remind_after_hours": str(hours),
        "reminders": reminders,
        "deadline": iso(consultation.deadline),
    }
    for attempt in range(_SAVE_ATTEMPTS):
        consult.begin(ticket, consultation, event_data, now, sent.event_id)
        try:
            svc.tickets.save(ticket, claims=consultation_mail.claims(ticket, sent))
            return consultation
        except ConflictError:
            if attempt == _SAVE_ATTEMPTS - 1:
                raise
            ticket = svc.tickets.get(ticket.id)  # the mail is out: record it on what is there
    raise AssertionError("unreachable")


def for_ticket(svc: Services, actor: User, ticket_id: str) -> list[Consultation]:
    ticket = visible_ticket(svc, actor, ticket_id)
    return sorted(ticket.consultations, key=lambda c: c.asked_at, reverse=True)


def answer_for_them(
    svc: Services, actor: User, ticket_id: str, consultation_id: str, body: Any
) -> TicketEvent:
    """The agent enters the answer they got another way (a phone call)."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"text"})
    text = inputs.text(data, "text", max_len=consult.MAX_TEXT, required=True) or ""
    if not text.strip():
        raise ValidationError("the answer needs text")
    return _end(
        svc, actor, ticket_id, consultation_id, ConsultationStatus.ANSWERED,
        EventType.EXTERNAL_ANSWER, {"text": text, "channel": "phone", "entered_by": actor.id},
    )  # fmt: skip


def cancel(
    svc: Services, actor: User, ticket_id: str, consultation_id: str, body: Any
) -> TicketEvent:
    data = inputs.require_object(body or {})
    inputs.only_keys(data, {"reason"})
    reason = inputs.text(data, "reason", max_len=2000) or ""
    return _end(
        svc, actor, ticket_id, consultation_id, ConsultationStatus.CANCELLED,
        EventType.CONSULTATION_CANCELLED, {"reason": reason},
    )  # fmt: skip


def _end(
    svc: Services,
    actor: User,
    ticket_id: str,
    consultation_id: str,
    status: ConsultationStatus,
    event_type: EventType,
    data: dict[str, Any],
) -> TicketEvent:
    # The agent did not answer a version of the ticket but the consultation: a write in
    # between (the workflow's wait step storing its task token, a mail) is no conflict, so
    # read again and apply once more; ending an ended consultation still is one.
    for attempt in range(_SAVE_ATTEMPTS):
        ticket = writable_ticket(svc, actor, ticket_id, None)
        consultation = consult.find(ticket, consultation_id)
        if not consultation.is_open:
            raise ConflictError(
                f"the consultation is {consultation.status} already", code="consultation_ended"
            )
        now = svc.clock()
        event = consult.end(
            ticket, consultation, status, event_type, {**data, "from": consultation.to},
            actor=actor.id, now=now, event_id=new_ulid(now),
        )  # fmt: skip
        try:
            save_ticket(svc, actor, ticket)
            return event
        except ConflictError:
            if attempt == _SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def open_list(svc: Services, actor: User, query: dict[str, str]) -> list[dict[str, Any]]:
    """Open consultations of one agent's tickets (default: the caller's) or one group's:
    one Query on the ticket index by owner or group, narrowed to ``with_external``."""
    group_id, agent_id = query.get("group_id"), query.get("agent_id")
    if group_id:
        found = TicketQuery(ListIndex.GROUP, group_id, status=Status.WITH_EXTERNAL.value, limit=200)
    else:
        agent_id = agent_id or actor.id
        others = agent_id != actor.id
        if others and not (actor.has_role(Role.DISPATCHER) or actor.has_role(Role.ADMIN)):
            raise NotFoundError("an agent sees their own consultations and their groups'")
        found = TicketQuery(ListIndex.AGENT, agent_id, status=Status.WITH_EXTERNAL.value, limit=200)
    tickets = filter_visible(svc, actor, svc.tickets.query(found).items)
    rows = [
        {"ticket": ticket, "consultation": c}
        for ticket in tickets
        for c in consult.open_ones(ticket)
    ]
    return sorted(rows, key=lambda r: r["consultation"].deadline)


def external_parties(svc: Services, actor: User) -> list[dict[str, Any]]:
    """The saved suppliers and experts to choose from (one Query of the Config kind)."""
    del actor  # every agent may consult them
    parties = svc.config.list(EXTERNAL_PARTY)
    return sorted(
        ({"id": p["id"], "name": p.get("name", ""), "email": p.get("email", "")} for p in parties),
        key=lambda p: (p["name"].lower(), p["id"]),
    )


# --- helpers ------------------------------------------------------------------------------


def _party(svc: Services, data: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """The address to ask, its name, and where it came from: a saved external party, a
    contact, or any address."""
    name = inputs.text(data, "to_name", max_len=200) or ""
    if party_id := inputs.text(data, "party_id", max_len=100):
        party = svc.config.get(EXTERNAL_PARTY, party_id)
        if party is None:
            raise ValidationError(f"no external party {party_id!r}", code="unknown_party")
        return (
            check_email(str(party.get("email") or "")),
            name or party.get("name", ""),
            {"party_id": party_id},
        )
    if contact_id := inputs.text(data, "contact_id", max_len=100):
        try:
            contact = svc.contacts.get(contact_id)
        except NotFoundError:
            raise ValidationError(f"no contact {contact_id!r}", code="unknown_contact") from None
        if not contact.emails:
            raise ValidationError("that contact has no e-mail address", code="no_address")
        return contact.emails[0], name or contact.name, {"contact_id": contact_id}
    to = inputs.text(data, "to", max_len=320)
    if not to:
        raise ValidationError("give 'to' (an address), 'party_id' or 'contact_id'")
    return check_email(to), name, {}


def calendar_of(svc: Services, ticket: Ticket) -> Calendar | None:
    """The calendar whose open hours a wait counts: the ticket's SLA calendar, else its
    template's; None counts clock hours."""

    calendar_id = ticket.sla_calendar_id
    if not calendar_id and ticket.template_id:
        calendar_id = str(
            (svc.config.get("template", ticket.template_id) or {}).get("calendar_id") or ""
        )
    return sla_calendar(svc, calendar_id, ticket.template_id) if calendar_id else None


def wait_end(start: datetime, hours: float, calendar: Calendar | None) -> datetime:
    amount = timedelta(hours=hours)
    if calendar is not None:
        end = add_open_time(calendar, start, amount)
        if end is not None:
            return end
    return start + amount


def wait_seconds(now: datetime, deadline: datetime) -> int:
    """What the ASL's TimeoutSecondsPath takes: whole seconds, at least one."""
    return max(1, math.ceil((deadline - now).total_seconds()))
