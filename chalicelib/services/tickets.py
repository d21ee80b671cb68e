"""Use cases on one ticket: create (agent-entered intake, S1), read, update, note, reopen."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import reply_workflow
from chalicelib.domain.contact import Contact
from chalicelib.domain.custom_fields import clean_custom_values
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.events import NoteKind, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.matching import Sample
from chalicelib.domain.organisation import ResponsePoint, User, check_email
from chalicelib.domain.statuses import Channel, ItilProcess, Priority, Status
from chalicelib.domain.templates import Template
from chalicelib.domain.ticket import MAX_DESCRIPTION, Ticket, check_move, check_title
from chalicelib.services import (
    directory,
    field_settings,
    inputs,
    metrics,
    parent_tickets,
    routing,
    templates,
)
from chalicelib.services.contacts import find_or_create_contact
from chalicelib.services.context import Services
from chalicelib.services.sla_targets import restart_sla, start_sla
from chalicelib.services.ticket_access import save_ticket, writable_ticket
from chalicelib.services.visibility import visible_ticket

TICKET_NUMBER_COUNTER = "ticket_number"
FIRST_TICKET_NUMBER = 10001

CREATE_KEYS = {
    "title", "description", "priority", "itil_process", "ticket_type", "response_point_id",
    "group_id", "agent_id", "parent_id", "contact_id", "contact", "cc", "bcc",
    "custom_fields", "template_id", "status", "dormant_until", "apply_rules",
}  # fmt: skip
# Fields a template fills (template_use.prefill); an agent's own value wins.
PREFILLED = {"title", "description", "priority", "itil_process", "ticket_type", "custom_fields"}
UPDATE_KEYS = {
    "title", "description", "priority", "itil_process", "ticket_type", "response_point_id",
    "group_id", "agent_id", "parent_id", "cc", "bcc", "custom_fields", "template_id",
    "status", "dormant_until",
}  # fmt: skip


def create_ticket(svc: Services, actor: User, body: Any) -> Ticket:
    data = inputs.require_object(body)
    inputs.only_keys(data, CREATE_KEYS)
    apply_rules = data.get("apply_rules", False)
    if not isinstance(apply_rules, bool):
        raise ValidationError("apply_rules must be true or false")
    rp = _response_point_for(svc, inputs.text(data, "response_point_id", max_len=63))
    field_settings.refuse_hidden_writes(svc, rp.id, data)
    group_id, agent_id = checked_assignment(
        svc,
        rp,
        inputs.text(data, "group_id", max_len=63),
        inputs.text(data, "agent_id", max_len=63),
    )
    template_id = inputs.text(data, "template_id", max_len=63)
    template = _enabled_template(svc, template_id) if template_id else None
    now = svc.clock()
    fields: dict[str, Any] = {
        "title": check_title(inputs.text(data, "title", required=True)),
        "description": inputs.text(data, "description", max_len=MAX_DESCRIPTION) or "",
        "priority": inputs.enum(data, "priority", Priority) or Priority.MEDIUM,
        "itil_process": inputs.enum(data, "itil_process", ItilProcess),
        "ticket_type": _checked_type(svc, inputs.text(data, "ticket_type", max_len=63)),
        "response_point_id": rp.id,
        "group_id": group_id,
        "agent_id": agent_id,
        "parent_id": _checked_parent(svc, actor, inputs.text(data, "parent_id", max_len=40)),
        "cc": _addresses(data, "cc"),
        "bcc": _addresses(data, "bcc"),
        "custom_fields": clean_custom_values(
            directory.custom_fields(svc), inputs.mapping(data, "custom_fields") or {}
        ),
    }
    initial = inputs.enum(data, "status", Status) or Status.NEW
    dormant_until = inputs.instant(data, "dormant_until")
    check_move(Status.NEW, initial, now, dormant_until)
    # Everything is checked: only now write (the contact, the number), so that bad
    # input leaves no orphan contact and no gap in the ticket numbers.
    contact = _contact_for(svc, data)
    ticket = Ticket.open_new(
        actor=actor.id,
        id=new_ulid(now),
        number=svc.config.next_number(TICKET_NUMBER_COUNTER, FIRST_TICKET_NUMBER),
        channel=Channel.MANUAL,
        created_at=now,
        updated_at=now,
        contact_id=contact.id if contact else None,
        organisation_id=contact.organisation_id if contact else None,
        **fields,
    )
    if template is not None or apply_rules:
        _route_entered(svc, actor, ticket, data, rp, template, contact)
    else:  # no template, no rules: the general SLA targets (Settings, S16), if any
        start_sla(svc, ticket, None)
    if ticket.group_id is None and ticket.agent_id is None and not actor.sees_everything:
        ticket.group_id, ticket.agent_id = _own_placement(svc, actor, rp)
    if initial is not Status.NEW and ticket.is_open:
        ticket.change_status(initial, actor.id, now, dormant_until=dormant_until)
    svc.tickets.add(ticket)
    metrics.count(metrics.TICKETS_CREATED)
    return ticket


def _route_entered(
    svc: Services,
    actor: User,
    ticket: Ticket,
    data: dict[str, Any],
    rp: ResponsePoint,
    template: Template | None,
    contact: Contact | None,
) -> None:
    """An agent-entered ticket from a template, or placed by the matching rules as mail is
    (S2, S3); what the agent wrote stays as written."""
    written = {k for k, v in data.items() if v not in (None, "", [], {})}
    keep = written & (PREFILLED | {"response_point_id", "group_id", "agent_id", "status"})
    if template is not None:
        decision = routing.for_template(svc, template, rp)
        routing.apply(svc, ticket, decision, actor.id, svc.clock(), keep=keep, record=False)
        return
    sample = Sample(
        subject=ticket.title,
        body=ticket.description,
        sender=contact.emails[0] if contact and contact.emails else "",
        channel=ticket.channel.value,
    )
    routing.apply(svc, ticket, routing.decide(svc, sample, rp), actor.id, svc.clock(), keep=keep)


def _enabled_template(svc: Services, template_id: str) -> Template:
    template = templates.load(svc, template_id)
    if template is None or not template.enabled:
        raise ValidationError(f"no enabled template {template_id!r}")
    return template


def get_ticket(svc: Services, actor: User, ticket_id: str) -> tuple[Ticket, list[TicketEvent]]:
    ticket = visible_ticket(svc, actor, ticket_id)
    return ticket, svc.tickets.events(ticket.id)


def update_ticket(
    svc: Services, actor: User, ticket_id: str, body: Any, *, if_match: int | None = None
) -> Ticket:
    data = inputs.require_object(body)
    inputs.only_keys(data, UPDATE_KEYS)
    ticket = writable_ticket(svc, actor, ticket_id, if_match)
    field_settings.refuse_hidden_writes(svc, ticket.response_point_id, data)
    now = svc.clock()
    for name in ("title", "description", "template_id", "parent_id"):
        if name in data:
            value = inputs.text(data, name, max_len=MAX_DESCRIPTION)
            if name == "parent_id" and value:
                _checked_parent(svc, actor, value)

                parent_tickets.check_child(svc, ticket, svc.tickets.get(value))
            ticket.set_field(name, value if name != "description" else value or "", actor.id, now)
    if "itil_process" in data:
        ticket.set_field(
            "itil_process", inputs.enum(data, "itil_process", ItilProcess), actor.id, now
        )
    if "ticket_type" in data:
        ticket.set_field(
            "ticket_type",
            _checked_type(svc, inputs.text(data, "ticket_type", max_len=63)),
            actor.id,
            now,
        )
    for name in ("cc", "bcc"):
        if name in data:
            ticket.set_field(name, _addresses(data, name), actor.id, now)
    if "custom_fields" in data:
        merged = clean_custom_values(
            directory.custom_fields(svc),
            inputs.mapping(data, "custom_fields") or {},
            existing=ticket.custom_fields,
        )
        ticket.set_field("custom_fields", merged, actor.id, now)
    if "priority" in data:
        priority = inputs.enum(data, "priority", Priority, required=True)
        assert priority is not None
        before = ticket.priority
        ticket.set_priority(priority, actor.id, now)
        if ticket.priority is not before:
            # The targets are per priority: the due times become the new priority's,
            # still counted from the ticket's creation.

            restart_sla(svc, ticket)
    if {"response_point_id", "group_id", "agent_id"} & set(data):
        _reassign(svc, actor, ticket, data)
    if "status" in data or "dormant_until" in data:
        status = inputs.enum(data, "status", Status) or ticket.status
        status_before = ticket.status
        ticket.change_status(
            status, actor.id, now, dormant_until=inputs.instant(data, "dormant_until")
        )

        parent_tickets.on_status_change(svc, actor, ticket, status_before)  # closes its children
    return save_ticket(svc, actor, ticket)


def add_note(svc: Services, actor: User, ticket_id: str, body: Any) -> TicketEvent:
    data = inputs.require_object(body)
    inputs.only_keys(data, {"kind", "text", "status"})
    kind = inputs.enum(data, "kind", NoteKind) or NoteKind.NOTE
    status = reply_workflow.status_of(data)  # "Save and set status" (issue 15)
    ticket = writable_ticket(svc, actor, ticket_id, None)
    now = svc.clock()
    if status is not None:
        check_move(ticket.status, status, now)
    event = ticket.add_note(
        kind, inputs.text(data, "text", max_len=100_000, required=True) or "", actor.id, now
    )
    if status is not None:
        ticket.change_status(status, actor.id, now)
    save_ticket(svc, actor, ticket)
    return event


def reopen_ticket(svc: Services, actor: User, ticket_id: str, body: Any) -> Ticket:
    data = inputs.require_object(body or {})
    inputs.only_keys(data, {"reason"})
    ticket = writable_ticket(svc, actor, ticket_id, None)
    ticket.reopen(actor.id, svc.clock(), reason=inputs.text(data, "reason", max_len=2000) or "")
    return save_ticket(svc, actor, ticket)


# --- helpers shared by the ticket use cases ---------------------------------


def _reassign(svc: Services, actor: User, ticket: Ticket, data: dict[str, Any]) -> None:
    rp_id = (
        inputs.text(data, "response_point_id", max_len=63)
        if "response_point_id" in data
        else ticket.response_point_id
    )
    rp = directory.response_point(svc, rp_id or "")
    group_in = inputs.text(data, "group_id", max_len=63) if "group_id" in data else ticket.group_id
    agent_in = inputs.text(data, "agent_id", max_len=63) if "agent_id" in data else ticket.agent_id
    group_id, agent_id = checked_assignment(svc, rp, group_in, agent_in)
    now = svc.clock()
    if rp.id != ticket.response_point_id:
        ticket.set_response_point(rp.id, actor.id, now)
    ticket.assign(actor.id, now, agent_id=agent_id, group_id=group_id)


def _response_point_for(svc: Services, rp_id: str | None) -> ResponsePoint:
    if rp_id:
        try:
            return directory.response_point(svc, rp_id)
        except NotFoundError:
            raise ValidationError(f"no response point {rp_id!r}") from None
    default = directory.settings(svc).default_response_point_id
    if not default:
        raise ValidationError("response_point_id is required (no default response point set)")
    return directory.response_point(svc, default)


def _own_placement(svc: Services, actor: User, rp: ResponsePoint) -> tuple[str | None, str | None]:
    """An agent's ticket with no group or agent goes to their own group at that response
    point, else to themself: whoever enters a ticket can always see it afterwards."""
    groups = {g.id for g in directory.groups(svc) if g.response_point_id == rp.id}
    mine = next((g for g in actor.groups if g in groups), None)
    return (mine, None) if mine else (None, actor.id)


def checked_assignment(
    svc: Services, rp: ResponsePoint, group_id: str | None, agent_id: str | None
) -> tuple[str | None, str | None]:
    if group_id:
        try:
            group = directory.group(svc, group_id)
        except NotFoundError:
            raise ValidationError(f"no group {group_id!r}") from None
        if group.response_point_id != rp.id:
            raise ValidationError(f"group {group_id!r} belongs to another response point")
    if agent_id:
        try:
            agent = directory.user(svc, agent_id)
        except NotFoundError:
            raise ValidationError(f"no agent {agent_id!r}") from None
        if not agent.active:
            raise ValidationError(f"agent {agent_id!r} is not active")
    return group_id or None, agent_id or None


def _checked_type(svc: Services, type_id: str | None) -> str | None:
    if type_id and type_id not in {t.id for t in directory.ticket_types(svc)}:
        raise ValidationError(f"no ticket type {type_id!r}")
    return type_id


def _checked_parent(svc: Services, actor: User, parent_id: str | None) -> str | None:
    if parent_id:
        try:
            # Through the multi-user level: a hidden ticket must not show by being linkable.
            parent = visible_ticket(svc, actor, parent_id)
        except NotFoundError:
            raise ValidationError(f"no parent ticket {parent_id!r}") from None

        parent_tickets.check_parent(svc, parent)  # one level: a child is no parent
    return parent_id


def _contact_for(svc: Services, data: dict[str, Any]) -> Contact | None:
    contact_id = inputs.text(data, "contact_id", max_len=40)
    if contact_id:
        try:
            return svc.contacts.get(contact_id)
        except NotFoundError:
            raise ValidationError(f"no contact {contact_id!r}") from None
    inline = inputs.mapping(data, "contact")
    return find_or_create_contact(svc, inline) if inline else None


def _addresses(data: dict[str, Any], key: str) -> list[str]:
    return [check_email(a) for a in inputs.string_list(data, key) or []]
