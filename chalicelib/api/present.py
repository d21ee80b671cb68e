"""What the API shows of domain objects (JSON shapes)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.contact import Contact
from chalicelib.domain.crm_organisation import CustomerOrganisation
from chalicelib.domain.email_address import unreachable_reason
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.notifications import Notification
from chalicelib.domain.organisation import User
from chalicelib.domain.records import to_record
from chalicelib.domain.sla import sla_state
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import field_settings
from chalicelib.services.sign_in import Outcome
from chalicelib.services.sms.numbers import mobile_of


def _t(value: datetime | None) -> str | None:
    return iso(value) if value else None


def ticket_json(
    ticket: Ticket, now: datetime, hidden: Collection[str] | None = None
) -> dict[str, Any]:
    """The ticket as the API shows it, without the fields its response point hides (S16).

    ``hidden`` defaults to the ticket's own field settings, read through the services
    (config, cached per container), so that every route hides the same fields.
    """
    if hidden is None:
        hidden = field_settings.hidden_fields(bootstrap.services(), ticket.response_point_id)
    shown = _ticket_fields(ticket, now)
    for name in hidden:
        if name.startswith("custom_fields."):
            shown["custom_fields"].pop(name.partition(".")[2], None)
        else:
            shown.pop(name, None)
    # Of the copies a reply sends by default, those mail cannot reach (after hiding, so a
    # hidden field's addresses do not show here either).
    shown["unreachable"] = unreachable_addresses([*shown.get("cc", []), *shown.get("bcc", [])])
    return shown


def unreachable_addresses(addresses: Iterable[str]) -> dict[str, str]:
    """``{address: why mail cannot reach it}`` for the addresses a reply would be refused for
    (code ``address_unreachable``), so the UI can say so before the agent writes."""
    found = ((a, unreachable_reason(a)) for a in dict.fromkeys(addresses))
    return {address: reason for address, reason in found if reason is not None}


def _ticket_fields(ticket: Ticket, now: datetime) -> dict[str, Any]:
    holder = ticket.lock_holder(now)
    state = sla_state(
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        breached=ticket.sla_breached,
        now=now,
        paused_since=ticket.sla_paused_since,
    )
    return {
        "id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "template_id": ticket.template_id,
        "organisation_id": ticket.organisation_id,
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
        "custom_fields": dict(ticket.custom_fields),
        "channel": ticket.channel.value,
        "created_at": _t(ticket.created_at),
        "updated_at": _t(ticket.updated_at),
        "resolved_at": _t(ticket.resolved_at),
        "closed_at": _t(ticket.closed_at),
        "dormant_until": _t(ticket.dormant_until),
        "lock": {"by": holder, "until": _t(ticket.locked_until)} if holder else None,
        "template_version": ticket.template_version,
        "steps_done": list(ticket.steps_done),
        # Which matching rule placed the ticket and why (S2, S3); null: not routed.
        "routing": ticket.routing,
        "sla": {
            "state": state.value,
            "first_response_due": _t(ticket.first_response_due),
            "resolution_due": _t(ticket.resolution_due),
            "first_response_at": _t(ticket.first_response_at),
            # The clock stands still since then (S12); null: it runs.
            "paused_since": _t(ticket.sla_paused_since),
        },
        # Issue 10: the contact's addresses changed lately ({at, by, before, after}); the
        # composer shows "address changed by … at …" before a reply goes out. null: no.
        "address_changed": ticket.address_warning(now),
        "portal_generation": ticket.portal_generation,
        "version": ticket.version,
        # Issue 15: the last message is the customer's, after an agent's reply (list rows).
        "customer_replied": ticket.customer_replied,
    }


def events_json(events: list[TicketEvent], hidden: Collection[str]) -> list[dict[str, Any]]:
    """The history, less changes to hidden fields."""
    return [
        event_json(e)
        for e in events
        if not (e.type == EventType.FIELD_CHANGED and _hides(hidden, str(e.data.get("field"))))
    ]


def _hides(hidden: Collection[str], name: str) -> bool:
    return name in hidden or (name == "custom_fields" and any(
        h.startswith("custom_fields.") for h in hidden))  # fmt: skip


def event_json(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.event_id,
        "at": iso(event.at),
        "type": event.type,
        "actor": event.actor,
        "data": event.data,
    }


def notification_json(notice: Notification) -> dict[str, Any]:
    return {
        "id": notice.id,
        "at": iso(notice.at),
        "kind": notice.kind.value,
        "ticket_id": notice.ticket_id,
        "number": notice.number,
        "title": notice.title,
        "actor": notice.actor,
        "events": notice.events,
        "read": notice.read,
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "emails": contact.emails,
        "unreachable": unreachable_addresses(contact.emails),
        "phones": contact.phones,
        # The number an SMS reply goes to (E.164), or None; and the ones that said STOP.
        "mobile": mobile_of(contact),
        "sms_opted_out": contact.sms_opted_out,
        "organisation": contact.organisation,
        "organisation_id": contact.organisation_id,
        "language": contact.language.value,
        "notes": contact.notes,
        "created_at": _t(contact.created_at),
        "version": contact.version,
    }


def organisation_json(org: CustomerOrganisation) -> dict[str, Any]:
    """A customer organisation's record (issue 14)."""
    return {
        "id": org.id,
        "name": org.name,
        "org_number": org.org_number,
        "domains": org.domains,
        "phone": org.phone,
        "address": org.address,
        "notes": org.notes,
        "custom_fields": org.custom_fields,
        "created_at": _t(org.created_at),
        "version": org.version,
    }


def signed_in_json(outcome: Outcome) -> dict[str, Any]:
    """A login step's answer: the token and user, or the next challenge and its handle."""
    if outcome.token and outcome.user is not None:
        return {"token": outcome.token, "user": user_json(outcome.user)}
    body = {"challenge": outcome.challenge, "session": outcome.session}
    if outcome.secret:  # MFA_SETUP: typed in, or the URI as a link or QR code
        body |= {"secret": outcome.secret, "otpauth_uri": outcome.uri}
    return body


def user_json(user: User) -> dict[str, Any]:
    record = to_record(user)
    keys = ("id", "email", "name", "roles", "groups", "language", "view", "notify", "notify_email")
    return {k: record[k] for k in keys}
