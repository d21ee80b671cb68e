"""Dormant until a date (S10, "vilande till datum"): the wake-up.

Setting ``dormant_until`` bumps the ticket's wake generation and stores a status change
carrying it; the stream consumer's ``arm`` starts the Wakeup machine as execution
``dormant-<ticket>-<generation>`` with the date; at that moment the machine runs
``wake``, which opens the ticket only if it still carries that generation. Moving the
date arms a new generation (and stops the old execution, to save its transitions);
leaving the status stops it; a late or repeated wake of an old generation does nothing.
A date already past wakes at once: the Wait state passes straight through.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import EventType
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.statuses import Status
from chalicelib.domain.timefmt import parse_iso
from chalicelib.services import workflows
from chalicelib.services.context import Services

logger = Logger(service="servit-workflows")

STEP = "dormant_wake"
_SAVE_ATTEMPTS = 5


def execution(ticket_id: str, generation: int) -> str:
    return workflows.execution_name("dormant", ticket_id, generation)


def wake_payload(ticket_id: str, generation: int, at: datetime) -> dict[str, Any]:
    # The Wait state's TimestampPath wants RFC 3339; UTC, to the second, rounded up (a
    # wake-up is never early).
    if at.microsecond:
        at = at.replace(microsecond=0) + timedelta(seconds=1)
    return {
        "step": STEP,
        "ticket_id": ticket_id,
        "generation": generation,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def arm(svc: Services, change: list[StoredEvent]) -> int:
    """Stream reaction: start the wake-up a stored change asks for, stop a void one."""
    started = 0
    for stored in change:
        event = stored.event
        if event.type != EventType.STATUS_CHANGED.value:
            continue
        left = event.data.get("left_generation")
        if isinstance(left, int) and left > 0:
            svc.workflows.stop(workflows.WAKEUP, execution(event.ticket_id, left))
        if event.data.get("to") != Status.DORMANT_UNTIL.value:
            continue
        generation, until = event.data.get("generation"), event.data.get("dormant_until")
        if not isinstance(generation, int) or not isinstance(until, str):
            continue  # a change from before wake-ups existed: re-armed by ``rearm``
        payload = wake_payload(event.ticket_id, generation, parse_iso(until))
        started += svc.workflows.start(
            workflows.WAKEUP, execution(event.ticket_id, generation), payload
        )
    return started


def wake(svc: Services, payload: dict[str, Any]) -> dict[str, Any]:
    """Workflow step: the date has come. Idempotent: acts once per generation."""
    ticket_id, generation = str(payload["ticket_id"]), int(payload["generation"])
    for _ in range(_SAVE_ATTEMPTS):
        try:
            ticket = svc.tickets.get(ticket_id)
        except NotFoundError:
            return {"outcome": "gone"}
        if not ticket.wake(generation, svc.clock()):
            return {"outcome": "superseded", "status": ticket.status.value}
        try:
            svc.tickets.save(ticket)
        except ConflictError:
            continue  # someone changed it meanwhile: look again
        logger.info("ticket woke up", extra={"ticket_id": ticket_id, "generation": generation})
        return {"outcome": "woke", "ticket_id": ticket_id}
    raise ConflictError(f"ticket {ticket_id} kept changing; the wake-up is retried")


def rearm(svc: Services, tickets: list[Any]) -> int:
    """Start the wake-up of every ticket given that is still dormant until a date (the
    local stack after a restart, or operations after an incident): execution names carry
    the generation, so one already running is left alone."""
    started = 0
    for ticket in tickets:
        if ticket.status is Status.DORMANT_UNTIL and ticket.dormant_until is not None:
            generation = ticket.wake_generation
            started += svc.workflows.start(
                workflows.WAKEUP,
                execution(ticket.id, generation),
                wake_payload(ticket.id, generation, ticket.dormant_until),
            )
    return started


__all__ = ["arm", "execution", "rearm", "wake", "wake_payload"]
