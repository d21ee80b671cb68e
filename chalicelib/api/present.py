"""What the API shows of domain objects (JSON shapes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.contact import Contact
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.organisation import User
from chalicelib.domain.records import to_record
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso


def _t(value: datetime | None) -> str | None:
    return iso(value) if value else None


def ticket_json(ticket: Ticket, now: datetime) -> dict[str, Any]:
    holder = ticket.lock_holder(now)
    return {
        "id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "template_id": ticket.template_id,
        "itil_process": ticket.itil_process.value if ticket.itil_process else None,
        "ticket_type": ticket.ticket_type,
        "response_point_id": ticket.response_point_id,
        "group_id": ticket.group_id,
        "agent_id": ticket.agent_id,
        "parent_id": ticket.parent_id,
        "contact_id": ticket.contact_id,
        "description": ticket.description,
        "cc": ticket.cc,
        "bcc": ticket.bcc,
        "attachments": ticket.attachments,
        "custom_fields": ticket.custom_fields,
        "channel": ticket.channel.value,
        "created_at": _t(ticket.created_at),
        "updated_at": _t(ticket.updated_at),
        "resolved_at": _t(ticket.resolved_at),
        "closed_at": _t(ticket.closed_at),
        "dormant_until": _t(ticket.dormant_until),
        "lock": {"by": holder, "until": _t(ticket.locked_until)} if holder else None,
        "version": ticket.version,
    }


def event_json(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.event_id,
        "at": iso(event.at),
        "type": event.type,
        "actor": event.actor,
        "data": event.data,
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "emails": contact.emails,
        "phones": contact.phones,
        "organisation": contact.organisation,
        "language": contact.language.value,
        "notes": contact.notes,
        "created_at": _t(contact.created_at),
        "version": contact.version,
    }


def user_json(user: User) -> dict[str, Any]:
    record = to_record(user)
    return {k: record[k] for k in ("id", "email", "name", "roles", "groups", "language", "view")}
