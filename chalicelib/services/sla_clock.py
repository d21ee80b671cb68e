"""The SLA clock on Step Functions (S12, issue 12): pauses, and breaches at their moment.

Pauses. While a ticket is in a status that pauses its clock (``Ticket.sla_pausing``,
fixed from its template or the general settings when its SLA starts) the clock stands
still; when it leaves, its unmet due times move on by the open time paused, counted in
the ticket's calendar (``Ticket.settle_sla_pause``). The domain marks the resume
(``sla_resumed_at``; the status change carries ``sla_resume``); ``settle`` moves the due
times: at once on the agent's request path (``ticket_access.save_ticket``), and from the
stream for every other path (a customer's reply, a wake-up, a consultation's answer).

Breaches. Every change of the due times (``sla_set``, ``sla_resumed``) carries a new
``sla_generation``; the stream reaction ``arm`` starts the Wakeup machine as execution
``sla-<ticket>-<generation>-<target>`` at the due time, and at that moment the step
``breach`` records ``sla_breached`` only if the ticket still carries that generation, its
clock runs and the target is unmet; once per target. A pause bumps the generation, so
nothing breaches while paused; the resume arms the new deadlines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import EventType
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.sla import TARGETS
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import parse_iso
from chalicelib.services import metrics, workflows
from chalicelib.services.context import Services
from chalicelib.services.sla_targets import sla_calendar

logger = Logger(service="servit-workflows")

STEP = "sla_due"
_SAVE_ATTEMPTS = 5
# A deadline that arrives this much before its due time (clock skew) still counts.
_EARLY = timedelta(seconds=60)


def execution(ticket_id: str, generation: int, target: str) -> str:
    return workflows.execution_name("sla", ticket_id, generation, target)


def deadline_payload(ticket_id: str, generation: int, target: str, due: datetime) -> dict[str, Any]:
    # The Wait state's TimestampPath wants RFC 3339 UTC; to the second, rounded up (a
    # deadline is never early).
    if due.microsecond:
        due = due.replace(microsecond=0) + timedelta(seconds=1)
    return {
        "step": STEP,
        "ticket_id": ticket_id,
        "generation": generation,
        "target": target,
        "at": due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def settle(svc: Services, ticket: Ticket) -> bool:
    """Move the due times of a ticket whose clock runs again (in memory; the caller
    saves). One calendar GetItem, cached per container, only on a resume."""
    if ticket.sla_resumed_at is None:
        return False

    calendar = sla_calendar(svc, ticket.sla_calendar_id, ticket.template_id)
    return ticket.settle_sla_pause(calendar, svc.clock())


def arm(svc: Services, change: list[StoredEvent]) -> int:
    """Stream reaction: settle a resume the change left pending, start the deadlines of a
    new generation, stop those of the one before."""
    started = 0
    for stored in change:
        event = stored.event
        data = event.data
        if event.type in (EventType.STATUS_CHANGED.value, EventType.WOKE_UP.value):
            if data.get("sla_resume"):
                _settle_stored(svc, event.ticket_id)
            continue
        if event.type not in (
            EventType.SLA_SET.value,
            EventType.SLA_RESUMED.value,
            EventType.SLA_PAUSED.value,
        ):
            continue
        generation = data.get("generation")
        if not isinstance(generation, int):
            continue
        if generation > 1:  # the deadlines armed before are void: save their transitions
            for target in TARGETS:
                svc.workflows.stop(
                    workflows.WAKEUP, execution(event.ticket_id, generation - 1, target)
                )
        if event.type == EventType.SLA_PAUSED.value or data.get("paused"):
            continue
        for target in data.get("unmet") or []:
            due = data.get(f"{target}_due")
            if target not in TARGETS or not isinstance(due, str):
                continue
            started += svc.workflows.start(
                workflows.WAKEUP,
                execution(event.ticket_id, generation, target),
                deadline_payload(event.ticket_id, generation, target, parse_iso(due)),
            )
    return started


def _settle_stored(svc: Services, ticket_id: str) -> None:
    for _ in range(_SAVE_ATTEMPTS):
        try:
            ticket = svc.tickets.get(ticket_id)
        except NotFoundError:
            return
        if not settle(svc, ticket):
            return  # settled already (the agent's request did it), or paused again
        try:
            svc.tickets.save(ticket)
            return
        except ConflictError:
            continue
    raise ConflictError(f"ticket {ticket_id} kept changing; the SLA resume is retried")


def breach(svc: Services, payload: dict[str, Any]) -> dict[str, Any]:
    """Workflow step: a due time has come. Records ``sla_breached`` once, and only if
    the deadline is still the ticket's (generation), its clock runs and the target is
    unmet; anything else does nothing."""
    ticket_id, generation = str(payload["ticket_id"]), int(payload["generation"])
    target = str(payload["target"])
    if target not in TARGETS:
        raise ValueError(f"unknown SLA target {target!r}")
    for _ in range(_SAVE_ATTEMPTS):
        try:
            ticket = svc.tickets.get(ticket_id)
        except NotFoundError:
            return {"outcome": "gone"}
        now = svc.clock()
        due = ticket.sla_due(target)
        if (
            generation == ticket.sla_generation
            and due is not None
            and due - now > _EARLY
            and ticket.sla_paused_since is None
        ):
            return {"outcome": "early", "due": due.isoformat()}
        if not ticket.record_sla_breach(target, generation, now):
            return {"outcome": "not_breached", "ticket_id": ticket_id, "target": target}
        try:
            svc.tickets.save(ticket)
        except ConflictError:
            continue
        metrics.count(metrics.SLA_BREACHES)
        logger.info("SLA breached", extra={"ticket_id": ticket_id, "target": target})
        return {"outcome": "breached", "ticket_id": ticket_id, "target": target}
    raise ConflictError(f"ticket {ticket_id} kept changing; the SLA deadline is retried")


def rearm(svc: Services, tickets: list[Ticket]) -> int:
    """The deadlines of every open ticket given whose clock runs and whose targets are
    unmet and not yet breached (the local stack after a restart, or operations after an
    incident); a resume left pending is settled (its change then arms). Execution names
    carry the generation, so one already running is left alone."""
    started = 0
    for ticket in tickets:
        if not ticket.is_open:
            continue
        if ticket.sla_resumed_at is not None:
            _settle_stored(svc, ticket.id)
            continue
        if ticket.sla_paused_since is not None:
            continue
        for target in ticket.sla_unmet():
            due = ticket.sla_due(target)
            if due is None or target in ticket.sla_breaches:
                continue
            started += svc.workflows.start(
                workflows.WAKEUP,
                execution(ticket.id, ticket.sla_generation, target),
                deadline_payload(ticket.id, ticket.sla_generation, target, due),
            )
    return started


__all__ = ["arm", "breach", "deadline_payload", "execution", "rearm", "settle"]
