"""What an agent's reply does besides the message, for every reply channel (issue 15): it
picks a ticket nobody holds, takes over a held one only when a dispatcher or admin says so,
and sets the status asked for, in the save that records the message
(``domain/reply_workflow.py`` holds the rules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import reply_workflow
from chalicelib.domain.access import can_override_lock
from chalicelib.domain.errors import BadRequestError
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory
from chalicelib.services.context import Services

KEYS = {"status", "take_over"}  # the reply body's keys this adds

AfterSent = Callable[[Ticket, datetime], None]


def plan_reply(
    svc: Services, actor: User, ticket: Ticket, data: dict[str, Any], *, ask: bool
) -> AfterSent:
    """Refuse now, before anything is sent, what could not be done (400 ``invalid_status``,
    409 ``locked``, 422 ``invalid_transition``); return what to do in the message's save."""
    plan = reply_workflow.parse(data)
    if ask and plan.status not in (None, Status.WITH_CONTACT):
        raise BadRequestError(
            "ask_customer sets status with_contact; give ask_customer or status, not both",
            code="invalid_status",
        )
    may = can_override_lock(actor)
    reply_workflow.check(ticket, actor.id, plan, svc.clock(), may_take_over=may)
    lock_for = timedelta(minutes=directory.settings(svc).lock_minutes)
    return lambda saved, now: reply_workflow.apply(saved, actor.id, plan, now, lock_for)
