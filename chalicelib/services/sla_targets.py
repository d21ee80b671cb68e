"""SLA targets on a ticket (S12, S16): the template's targets over the general ones, in
the template's calendar or the general one; set when a ticket is placed, set again when
its priority changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.calendars import Calendar
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.sla import due_times, shift_due
from chalicelib.domain.templates import Template
from chalicelib.domain.ticket import Ticket
from chalicelib.services import calendars, directory, templates
from chalicelib.services.context import Services

logger = Logger(service="servit-templates")


def start_sla(svc: Services, ticket: Ticket, template: Template | None) -> None:
    """Set the ticket's due times from the template's targets, a target it does not give
    (per kind and priority) from the general ones (Settings, S16); in the template's
    calendar, else the general calendar, else elapsed time. Neither giving a target: the
    due times stay as they are. Settings are one Config GetItem, cached per container in
    AWS (prefill has read them already for the hidden fields)."""
    general = directory.settings(svc)
    sla = merged_sla(template.sla if template else {}, general.sla)
    if not sla:
        return
    calendar_id = (template.calendar_id if template else "") or general.calendar_id
    calendar = sla_calendar(svc, calendar_id, template.id if template else None)
    # Which statuses stop the clock (S12): the template's choice, else the general one;
    # fixed on the ticket now, so a later change of either does not rewrite its history.
    own = template.sla_pausing if template is not None else None
    now = svc.clock()
    ticket.set_sla_pausing(general.sla_pausing if own is None else own, calendar, "system:sla", now)
    first, resolution = due_times(sla, ticket.priority, ticket.created_at, calendar)
    # Due times counted from the creation again: moved on by the clock's pauses so far.
    paused = timedelta(seconds=ticket.sla_paused_seconds)
    ticket.set_sla(
        shift_due(first, paused, calendar) if first else None,
        shift_due(resolution, paused, calendar) if resolution else None,
        now=now,
    )


def restart_sla(svc: Services, ticket: Ticket) -> None:
    """Due times again after the priority changed: the targets of the template the ticket
    got (the version it remembers) and the general ones, for the new priority. A priority
    with no target at all clears them. One GetItem for the template version, plus the
    calendar's; only when the priority changes."""
    template = None
    if ticket.template_id:
        template = templates.load_version(svc, ticket.template_id, ticket.template_version or 0)
        template = template or templates.load(svc, ticket.template_id)
    if not merged_sla(template.sla if template else {}, directory.settings(svc).sla):
        ticket.set_sla(None, None, now=svc.clock())
        return
    start_sla(svc, ticket, template)


def merged_sla(own: dict[str, Any], general: dict[str, Any]) -> dict[str, Any]:
    """The template's targets over the general ones, per kind and priority."""
    merged: dict[str, Any] = {}
    for kind in {**general, **own}:
        targets = {**(general.get(kind) or {}), **(own.get(kind) or {})}
        if targets:
            merged[kind] = targets
    return merged


def sla_calendar(svc: Services, calendar_id: str, template_id: str | None) -> Calendar | None:
    """The calendar whose opening hours the SLA clock runs in; None runs it in elapsed
    time. One Config GetItem (cached per container in AWS). A calendar that is gone or no
    longer valid is logged and the clock runs in elapsed time: a ticket is never refused
    for it."""
    if not calendar_id:
        return None
    try:
        calendar = calendars.load(svc, calendar_id)
    except ValidationError as exc:
        calendar, reason = None, f"stored calendar is not valid: {exc.message}"
    else:
        reason = "calendar not found"
    if calendar is None:
        logger.warning(
            "SLA clock runs in elapsed time: %s",
            reason,
            extra={"template": template_id or "", "calendar": calendar_id},
        )
    return calendar
