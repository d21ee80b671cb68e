"""Templates at work on tickets (S12): prefill, the checklist, solution texts for a reply."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import ItilProcess, Priority
from chalicelib.domain.templates import Template
from chalicelib.domain.ticket import Ticket
from chalicelib.services import (
    directory,
    field_settings,
    inputs,
    template_texts,
    templates,
)
from chalicelib.services.context import Services
from chalicelib.services.sla_targets import start_sla
from chalicelib.services.ticket_access import save_ticket, writable_ticket
from chalicelib.services.visibility import visible_ticket

logger = Logger(service="servit-templates")


def render_context(svc: Services, ticket: Ticket, agent_id: str | None) -> dict[str, Any]:
    """The placeholders' values for one ticket (template_texts.PLACEHOLDERS names them)."""

    def name_of(read: Any, item_id: str | None) -> str:
        if not item_id:
            return ""
        try:
            return str(read(svc, item_id).name)
        except NotFoundError:
            return ""

    contact_name = ""
    if ticket.contact_id:
        try:
            contact = svc.contacts.get(ticket.contact_id)
            contact_name = contact.name or (contact.emails[0] if contact.emails else "")
        except NotFoundError:
            pass
    return {
        "ticket_number": ticket.number,
        "ticket_title": ticket.title,
        "contact_name": contact_name,
        "agent_name": name_of(directory.user, agent_id or ticket.agent_id),
        "response_point": name_of(directory.response_point, ticket.response_point_id),
    }


def prefill(
    svc: Services,
    ticket: Ticket,
    template: Template,
    actor_id: str,
    now: datetime,
    *,
    overwrite: bool,
    keep: Collection[str] = (),
    agent_id: str | None = None,
) -> list[str]:
    """Fill the ticket from the template (fields the response point hides are left out)
    and start its SLA clock from the template's targets, the general ones beside them."""
    hidden = field_settings.hidden_fields(svc, ticket.response_point_id)
    context = render_context(svc, ticket, agent_id)

    def render(text: str) -> str:
        try:
            return template_texts.render_text(text, context) if text else ""
        except ValidationError:
            # Checked when the template was saved; should a value still trip it, the
            # ticket is made all the same, with the text as written.
            return text

    values: dict[str, Any] = {
        "title": render(template.ticket_title),
        "description": render(template.description),
        "ticket_type": template.default_ticket_type or None,
        "itil_process": ItilProcess(template.itil_process) if template.itil_process else None,
        "priority": Priority(template.default_priority),
        "custom_fields": {
            k: v
            for k, v in template.custom_fields.items()
            if not field_settings.is_hidden(f"custom_fields.{k}", hidden)
        },
    }
    values = {k: v for k, v in values.items() if not field_settings.is_hidden(k, hidden)}
    changed = ticket.prefill(
        values,
        actor_id,
        now,
        template_id=template.id,
        template_version=template.version,
        overwrite=overwrite,
        keep=keep,
    )
    start_sla(svc, ticket, template)
    return changed


def apply_template(svc: Services, actor: User, ticket_id: str, body: Any) -> Ticket:
    """An agent applies a template: empty fields are filled, or all with ``overwrite``."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"template_id", "overwrite"})
    overwrite = data.get("overwrite", False)
    if not isinstance(overwrite, bool):
        raise ValidationError("overwrite must be true or false")
    template_id = inputs.text(data, "template_id", max_len=63, required=True) or ""
    ticket = writable_ticket(svc, actor, ticket_id, None)  # a hidden ticket is 404 before all else
    template = _usable(svc, template_id)
    prefill(svc, ticket, template, actor.id, svc.clock(), overwrite=overwrite, agent_id=actor.id)
    return save_ticket(svc, actor, ticket)


def check_step(svc: Services, actor: User, ticket_id: str, body: Any) -> Ticket:
    """Tick (or untick) a step of the template's instruction."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"step", "done"})
    step, done = data.get("step"), data.get("done", True)
    if isinstance(step, bool) or not isinstance(step, int) or not isinstance(done, bool):
        raise ValidationError("step must be a step's number (from 0), done true or false")
    ticket = writable_ticket(svc, actor, ticket_id, None)
    template = _ticket_template(svc, ticket)
    if template is None:
        raise ValidationError("the ticket has no template, so no steps")
    ticket.check_step(step, done, len(template.steps), actor.id, svc.clock())
    return save_ticket(svc, actor, ticket)


def guidance(svc: Services, actor: User, ticket_id: str) -> dict[str, Any]:
    """The ticket's template at the version it got, its texts rendered for this ticket:
    the checklist with what is done, the instruction for the ticket's type, and the
    solution text and suggestions ready to go into a reply with one action."""
    ticket = visible_ticket(svc, actor, ticket_id)
    template = _ticket_template(svc, ticket)
    if template is None:
        return {"template": None}
    context = render_context(svc, ticket, actor.id)
    render = template_texts.render_text
    return {
        "template": {"id": template.id, "version": template.version, "title": template.title},
        "instruction": render(template.instruction_for(ticket.ticket_type), context),
        "steps": [
            {"step": n, "text": render(text, context), "done": n in ticket.steps_done}
            for n, text in enumerate(template.steps)
        ],
        "solution_text": render(template.solution_text, context),
        "solution_suggestions": [
            {"title": s["title"], "text": render(s["text"], context)}
            for s in template.solution_suggestions
        ],
    }


def _ticket_template(svc: Services, ticket: Ticket) -> Template | None:
    if not ticket.template_id:
        return None
    if ticket.template_version:
        found = templates.load_version(svc, ticket.template_id, ticket.template_version)
        if found is not None:
            return found
    return templates.load(svc, ticket.template_id)


def _usable(svc: Services, template_id: str) -> Template:
    template = templates.load(svc, template_id)
    if template is None or not template.enabled:
        raise ValidationError(f"no enabled template {template_id!r}")
    return template
