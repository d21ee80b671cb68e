"""What an agent's reply does to the ticket besides the message (issue 15): it picks a ticket
nobody holds, may take over one someone else holds (asked first, by those who may), and may
set the status in the same save ("Send and set status").

Pure: the use cases check the plan before anything is sent (``check``) and apply it to the
ticket they save with the message (``apply``), in one write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.errors import BadRequestError, TicketLockedError
from chalicelib.domain.statuses import Status, allowed_moves
from chalicelib.domain.ticket import Ticket, check_move

# The statuses a reply (or note) may set: every status but those that need more than a word.
# ``new`` is only a start; ``dormant_until`` needs a date, set on the ticket itself.
SETTABLE = (
    Status.OPEN,
    Status.WITH_CONTACT,
    Status.WITH_EXTERNAL,
    Status.DORMANT,
    Status.RESOLVED,
    Status.CLOSED,
)


@dataclass(frozen=True)
class AfterReply:
    status: Status | None = None  # set in the same save as the message
    take_over: bool = False  # the agent agreed to take the ticket from its holder


def status_of(data: dict[str, Any]) -> Status | None:
    """The optional ``status`` of a reply or note body; 400 on anything else."""
    value = data.get("status")
    if value is None:
        return None
    if value == Status.DORMANT_UNTIL.value:
        raise BadRequestError(
            "status dormant_until needs a date: set it on the ticket "
            "(PATCH /api/tickets/{id} with dormant_until), not with a reply",
            code="invalid_status",
        )
    if not isinstance(value, str) or value not in {s.value for s in SETTABLE}:
        raise BadRequestError(
            f"status must be one of {[s.value for s in SETTABLE]}", code="invalid_status"
        )
    return Status(value)


def parse(data: dict[str, Any]) -> AfterReply:
    take_over = data.get("take_over", False)
    if not isinstance(take_over, bool):
        raise BadRequestError("take_over must be true or false", code="invalid")
    return AfterReply(status=status_of(data), take_over=take_over)


def picks(ticket: Ticket, actor: str, now: datetime) -> bool:
    """Whether the reply picks the ticket: open, nobody holds it, and nobody else owns it (an
    owner without a lock keeps their ticket; a colleague's answer does not take it)."""
    return ticket.is_open and ticket.lock_holder(now) is None and ticket.agent_id in (None, actor)


def check(
    ticket: Ticket, actor: str, plan: AfterReply, now: datetime, *, may_take_over: bool
) -> None:
    """Refuse, before anything is sent, what ``apply`` could not do: a ticket someone else
    holds (409 ``locked``, also for those who may take over until they say so), a status the
    ticket cannot move to."""
    holder = ticket.lock_holder(now)
    if holder is not None and holder != actor and not (plan.take_over and may_take_over):
        raise TicketLockedError(f"ticket #{ticket.number} is locked by {holder}")
    if plan.status is not None:
        after_pick = Status.OPEN if ticket.status is Status.NEW and ticket.is_open else None
        check_move(after_pick or ticket.status, plan.status, now)


def apply(ticket: Ticket, actor: str, plan: AfterReply, now: datetime, lock_for: timedelta) -> None:
    """After the message is recorded on ``ticket``: pick it (or take it over), then set the
    status. A ticket someone else picked while the mail went out is left to them."""
    holder = ticket.lock_holder(now)
    if holder is not None and holder != actor:
        if not plan.take_over:
            return
        # The hand-over breaks the holder's lock (Ticket.assign), then the pick locks it.
        ticket.assign(actor, now, agent_id=actor, group_id=ticket.group_id)
        ticket.pick(actor, now, lock_for)
    elif picks(ticket, actor, now):
        ticket.pick(actor, now, lock_for)
    elif holder == actor:
        ticket.touch_lock(actor, now, lock_for)
    # Checked before sending; a move another write made impossible since is skipped, not
    # raised: the mail is out and its record must be saved.
    if plan.status is not None and plan.status in allowed_moves(ticket.status):
        ticket.change_status(plan.status, actor, now)
