"""Tickets, events and contacts to model items and back."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb.models import ContactModel, TicketEventModel, TicketModel
from chalicelib.domain.consultation import Consultation
from chalicelib.domain.contact import Contact
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.inbox import InboxKind, inbox_memberships, inbox_sort_key
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.organisation import Language
from chalicelib.domain.statuses import Channel, ItilProcess, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso, parse_iso

_INBOX_ATTR = {
    InboxKind.AGENT: "ib_agent",
    InboxKind.GROUP: "ib_group",
    InboxKind.RESPONSE_POINT: "ib_rp",
    InboxKind.UNASSIGNED_GROUP: "pool_group",
    InboxKind.UNASSIGNED_RP: "pool_rp",
}
INBOX_INDEX = {
    InboxKind.AGENT: TicketModel.inbox_agent,
    InboxKind.GROUP: TicketModel.inbox_group,
    InboxKind.RESPONSE_POINT: TicketModel.inbox_rp,
    InboxKind.UNASSIGNED_GROUP: TicketModel.pool_by_group,
    InboxKind.UNASSIGNED_RP: TicketModel.pool_by_rp,
}
_PLAIN = (
    "title", "response_point_id", "contact_id", "template_id", "ticket_type", "group_id",
    "agent_id", "parent_id", "locked_by", "organisation_id",
)  # fmt: skip
_INSTANTS = (
    "resolved_at", "closed_at", "dormant_until", "locked_until",
    "first_response_due", "resolution_due", "first_response_at",
    "sla_paused_since", "sla_resumed_at",
)  # fmt: skip
# Every ticket's key in the by_created index (all tickets, newest first).
ALL_TICKETS = "ticket"


def plain(value: Any) -> Any:
    """Enums to their values, tuples to lists, floats kept: what a DynamoDB map can hold."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def ticket_to_model(ticket: Ticket) -> TicketModel:
    item = TicketModel(
        ticket.id,
        number=ticket.number,
        status=ticket.status.value,
        priority=ticket.priority.value,
        channel=ticket.channel.value,
        itil_process=ticket.itil_process.value if ticket.itil_process else None,
        description=ticket.description or None,
        cc=list(ticket.cc) or None,
        bcc=list(ticket.bcc) or None,
        attachments=plain(ticket.attachments) or None,
        custom_fields=plain(ticket.custom_fields) or None,
        created_at=iso(ticket.created_at),
        updated_at=iso(ticket.updated_at),
        version=ticket.version + 1,
        status_updated=f"{ticket.status.value}#{iso(ticket.updated_at)}",
        template_version=ticket.template_version,
        steps_done=list(ticket.steps_done) or None,
        routing=plain(ticket.routing) if ticket.routing else None,
        sla_breached=ticket.sla_breached or None,
        agent_replied=ticket.agent_replied or None,  # issue 15: list rows
        customer_replied=ticket.customer_replied or None,
        portal_generation=ticket.portal_generation or None,
        wake_generation=ticket.wake_generation or None,
        # An empty list is stored as such: it pauses nothing, while absent is the default.
        sla_pausing=list(ticket.sla_pausing) if ticket.sla_pausing is not None else None,
        sla_calendar_id=ticket.sla_calendar_id or None,
        sla_paused_seconds=ticket.sla_paused_seconds or None,
        sla_generation=ticket.sla_generation or None,
        sla_breaches=list(ticket.sla_breaches) or None,
        contact_change=plain(ticket.contact_change) if ticket.contact_change else None,
        consultations=[plain(c.to_record()) for c in ticket.consultations] or None,
        children_run=plain(ticket.children_run) if ticket.children_run else None,
        title_lc=ticket.title.casefold(),
        list_pk=ALL_TICKETS,
    )
    for name in _PLAIN:
        setattr(item, name, getattr(ticket, name) or None)
    for name in _INSTANTS:
        value = getattr(ticket, name)
        setattr(item, name, iso(value) if value else None)
    memberships = inbox_memberships(ticket)
    for kind, attr in _INBOX_ATTR.items():
        setattr(item, attr, memberships.get(kind))
    item.ib_sort = inbox_sort_key(ticket) if memberships else None
    return item


def ticket_from_model(item: TicketModel) -> Ticket:
    custom = item.custom_fields.as_dict() if item.custom_fields is not None else {}
    ticket = Ticket(
        id=item.ticket_id,
        number=int(item.number),
        title=item.title,
        response_point_id=item.response_point_id,
        contact_id=item.contact_id,
        channel=Channel(item.channel),
        created_at=parse_iso(item.created_at),
        updated_at=parse_iso(item.updated_at),
        status=Status(item.status),
        priority=Priority(item.priority),
        itil_process=ItilProcess(item.itil_process) if item.itil_process else None,
        description=item.description or "",
        cc=[str(a) for a in item.cc or []],
        bcc=[str(a) for a in item.bcc or []],
        attachments=[_as_dict(a) for a in item.attachments or []],
        custom_fields=plain_numbers(custom),
        version=int(item.version),
        template_version=int(item.template_version) if item.template_version else None,
        steps_done=[int(n) for n in item.steps_done or []],
        routing=_as_dict(item.routing) if item.routing is not None else None,
        sla_breached=bool(item.sla_breached),
        agent_replied=bool(item.agent_replied),
        customer_replied=bool(item.customer_replied),
        portal_generation=int(item.portal_generation or 0),
        wake_generation=int(item.wake_generation or 0),
        sla_pausing=[str(s) for s in item.sla_pausing] if item.sla_pausing is not None else None,
        sla_calendar_id=item.sla_calendar_id or "",
        sla_paused_seconds=int(item.sla_paused_seconds or 0),
        sla_generation=int(item.sla_generation or 0),
        sla_breaches=[str(s) for s in item.sla_breaches or []],
        contact_change=_as_dict(item.contact_change) if item.contact_change is not None else None,
        consultations=[Consultation.from_record(_as_dict(c)) for c in item.consultations or []],
        children_run=_as_dict(item.children_run) if item.children_run is not None else None,
    )
    for name in _PLAIN:
        setattr(ticket, name, getattr(item, name))
    for name in _INSTANTS:
        value = getattr(item, name)
        setattr(ticket, name, parse_iso(value) if value else None)
    return ticket


def event_to_model(event: TicketEvent, change: StoredEvent | None = None) -> TicketEventModel:
    """``change`` (its event ignored) says which change wrote the event: the stream needs it."""
    return TicketEventModel(
        event.ticket_id,
        event.sort_key,
        event_id=event.event_id,
        at=iso(event.at),
        type=event.type,
        actor=event.actor,
        data=plain(event.data) or None,
        change=change.change if change else None,
        change_size=change.size if change else None,
        owner=change.owner if change else None,
    )


def event_from_model(item: TicketEventModel) -> TicketEvent:
    data = item.data.as_dict() if item.data is not None else {}
    return TicketEvent(
        ticket_id=item.ticket_id,
        event_id=item.event_id,
        at=parse_iso(item.at),
        type=item.type,
        actor=item.actor,
        data=plain_numbers(data),
    )


def stored_event_from_model(item: TicketEventModel) -> StoredEvent:
    return StoredEvent(
        event_from_model(item),
        change=int(item.change) if item.change is not None else None,
        size=int(item.change_size) if item.change_size is not None else None,
        owner=item.owner or None,
    )


def contact_to_model(contact: Contact) -> ContactModel:
    return ContactModel(
        contact.id,
        name=contact.name or None,
        emails=list(contact.emails) or None,
        phones=list(contact.phones) or None,
        identities=list(contact.identities) or None,
        sms_opted_out=list(contact.sms_opted_out) or None,
        organisation=contact.organisation or None,
        organisation_id=contact.organisation_id or None,
        language=contact.language.value,
        notes=contact.notes or None,
        created_at=iso(contact.created_at) if contact.created_at else None,
        version=contact.version + 1,
        list_pk="contact",
        name_sort=f"{(contact.name or '').lower()}#{contact.id}",
    )


def contact_from_model(item: ContactModel) -> Contact:
    return Contact(
        id=item.contact_id,
        name=item.name or "",
        emails=[str(e) for e in item.emails or []],
        phones=[str(p) for p in item.phones or []],
        identities=[str(i) for i in item.identities or []],
        sms_opted_out=[str(p) for p in item.sms_opted_out or []],
        organisation=item.organisation or "",
        organisation_id=item.organisation_id or None,
        language=Language(item.language),
        notes=item.notes or "",
        created_at=parse_iso(item.created_at) if item.created_at else None,
        version=int(item.version),
    )


def _as_dict(value: Any) -> dict[str, Any]:
    raw = value.as_dict() if hasattr(value, "as_dict") else dict(value)
    return dict(plain_numbers(raw))


def plain_numbers(value: Any) -> Any:
    """DynamoDB gives numbers back as Decimal-like floats; keep integers integers."""
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_numbers(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
