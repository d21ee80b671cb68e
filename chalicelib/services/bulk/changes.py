"""One bulk change (agent, group, status, priority) checked once and applied per ticket.

The same rules as ``PATCH /api/tickets/{id}`` (services/tickets.update_ticket): a group of
the ticket's response point, an active agent, a move the status machine allows, the due
times again after a priority change, a closed parent closing its children.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import REOPENABLE, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, inputs, parent_tickets
from chalicelib.services.context import Services
from chalicelib.services.sla_targets import restart_sla
from chalicelib.services.tickets import checked_assignment

FIELDS = ("agent_id", "group_id", "status", "priority")
ASSIGNMENT = ("agent_id", "group_id")


@dataclass(frozen=True)
class Change:
    """Which fields to set (a field absent from ``fields`` stays as it is)."""

    fields: frozenset[str]
    agent_id: str | None = None
    group_id: str | None = None
    status: Status | None = None
    priority: Priority | None = None

    def before(self, ticket: Ticket) -> dict[str, Any]:
        """The ticket's values of the fields this change sets: an undo puts them back.
        Agent and group go together (a new group may leave the agent outside it)."""
        names = set(self.fields) | (set(ASSIGNMENT) if self.fields & set(ASSIGNMENT) else set())
        values = {
            "agent_id": ticket.agent_id,
            "group_id": ticket.group_id,
            "status": ticket.status.value,
            "priority": ticket.priority.value,
        }
        return {name: values[name] for name in FIELDS if name in names}


def parse_change(svc: Services, data: Any) -> Change:
    """The change as sent, checked as far as it can be without a ticket: 422 on a value
    no ticket could take, so nothing is written for a typo."""
    change = inputs.require_object(data)
    inputs.only_keys(change, set(FIELDS))
    if not change:
        raise ValidationError("changes must set at least one of " + ", ".join(FIELDS))
    agent_id = inputs.text(change, "agent_id", max_len=63)
    group_id = inputs.text(change, "group_id", max_len=63)
    if agent_id:
        try:
            agent = directory.user(svc, agent_id)
        except NotFoundError:
            raise ValidationError(f"no agent {agent_id!r}") from None
        if not agent.active:
            raise ValidationError(f"agent {agent_id!r} is not active")
    if group_id:
        try:
            directory.group(svc, group_id)
        except NotFoundError:
            raise ValidationError(f"no group {group_id!r}") from None
    status = inputs.enum(change, "status", Status) if "status" in change else None
    if "status" in change and status is None:
        raise ValidationError("status cannot be empty")
    if status is Status.DORMANT_UNTIL:
        raise ValidationError("dormant until a date is set per ticket, not in bulk")
    priority = inputs.enum(change, "priority", Priority) if "priority" in change else None
    if "priority" in change and priority is None:
        raise ValidationError("priority cannot be empty")
    return Change(frozenset(change), agent_id or None, group_id or None, status, priority)


def apply_change(
    svc: Services, actor: User, ticket: Ticket, change: Change, *, undoing: bool = False
) -> None:
    """Apply ``change`` to ``ticket`` in memory (the caller saves). Raises the domain's
    errors; the ticket object is then dropped, so nothing of it is written.

    ``undoing``: putting back an open status on a ticket the change resolved or closed
    reopens it first (a plain move from resolved to open is refused: "use reopen").
    """
    now = svc.clock()
    status_before = ticket.status
    reopen = change.status is not None and change.status not in REOPENABLE
    if undoing and reopen and ticket.status in REOPENABLE:
        ticket.reopen(actor.id, now, reason="undo")  # before the assignment: open again
    if change.priority is not None and change.priority is not ticket.priority:
        ticket.set_priority(change.priority, actor.id, now)
        restart_sla(svc, ticket)  # the targets are per priority
    if change.fields & set(ASSIGNMENT):
        rp = directory.response_point(svc, ticket.response_point_id)
        group_in = change.group_id if "group_id" in change.fields else ticket.group_id
        agent_in = change.agent_id if "agent_id" in change.fields else ticket.agent_id
        group_id, agent_id = checked_assignment(svc, rp, group_in, agent_in)
        ticket.assign(actor.id, now, agent_id=agent_id, group_id=group_id)
    if change.status is not None:
        ticket.change_status(change.status, actor.id, now)  # the status machine decides
        parent_tickets.on_status_change(svc, actor, ticket, status_before)
