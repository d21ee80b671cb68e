"""Assignment (S17): pick, release, pick next, and the dispatcher's hand-out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.access import can_override_lock
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.inbox import InboxKind
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.statuses import PICKABLE_STATUSES
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, inputs
from chalicelib.services.context import Services
from chalicelib.services.ticket_access import writable_ticket
from chalicelib.services.tickets import checked_assignment
from chalicelib.services.visibility import require_role, visible_ticket

# How many pool candidates to read per group in one pick-next round.
CANDIDATES_PER_GROUP = 10
PICK_ROUNDS = 2  # a second read of the pool after losing every race of the first


def _lock_for(svc: Services) -> timedelta:
    return timedelta(minutes=directory.settings(svc).lock_minutes)


def pick_ticket(svc: Services, actor: User, ticket_id: str) -> Ticket:
    ticket = visible_ticket(svc, actor, ticket_id)
    ticket.pick(actor.id, svc.clock(), _lock_for(svc))
    svc.tickets.save(ticket)
    return ticket


def release_ticket(svc: Services, actor: User, ticket_id: str) -> Ticket:
    ticket = visible_ticket(svc, actor, ticket_id)
    ticket.release(actor.id, svc.clock(), override=can_override_lock(actor))
    svc.tickets.save(ticket)
    return ticket


def pick_next(svc: Services, actor: User) -> Ticket | None:
    """Claim the most urgent, oldest unassigned ticket of the actor's groups.

    Candidates come from the eventually consistent pool index; the claim is a
    write conditioned on the version we read, so two agents racing for one
    ticket cannot both get it: the loser moves on to the next candidate. An agent
    who lost every race reads the pool again (once) rather than hearing "nothing
    to pick" while tickets remain. (Trying the rest in random order after a lost
    race was measured and made the median worse: bench/routing_bench.py.)
    """
    if not actor.groups:
        raise ValidationError("you belong to no group, so there is nothing to pick")
    now = svc.clock()
    for _round in range(PICK_ROUNDS):
        candidates: list[Ticket] = []
        for group_id in actor.groups:
            candidates.extend(_candidates(svc, actor, group_id, now))
        candidates.sort(key=lambda t: (t.priority != "high", t.priority != "medium", t.created_at))
        picked, lost = _claim_first(svc, actor, candidates, now)
        if picked is not None or not lost:
            return picked
    return None


def _claim_first(
    svc: Services, actor: User, candidates: list[Ticket], now: datetime
) -> tuple[Ticket | None, bool]:
    """(the ticket claimed, whether a race was lost on the way)."""
    lost = False
    while candidates:
        candidate = candidates.pop(0)
        ticket = candidate
        for attempt in range(2):
            if not _pickable(ticket, actor, now):
                break
            try:
                ticket.pick(actor.id, now, _lock_for(svc))
                svc.tickets.save(ticket)
                return ticket, lost
            except ConflictError:
                # The index copy was stale or someone else won: look again, once.
                lost = True
                if attempt:
                    break
                try:
                    ticket = svc.tickets.get(candidate.id)
                except NotFoundError:
                    break
    return None, lost


def _candidates(svc: Services, actor: User, group_id: str, now: datetime) -> list[Ticket]:
    """The first pickable tickets of a group's pool, read on past any number of
    dormant or waiting ones that sort before them."""
    found: list[Ticket] = []
    cursor: str | None = None
    while True:
        page = svc.tickets.inbox(
            InboxKind.UNASSIGNED_GROUP, group_id, limit=CANDIDATES_PER_GROUP, cursor=cursor
        )
        found.extend(t for t in page.items if _pickable(t, actor, now))
        cursor = page.cursor
        if len(found) >= CANDIDATES_PER_GROUP or cursor is None:
            return found[:CANDIDATES_PER_GROUP]


def _pickable(ticket: Ticket, actor: User, now: datetime) -> bool:
    return (
        not ticket.agent_id
        and ticket.status in PICKABLE_STATUSES
        and ticket.lock_holder(now) in (None, actor.id)
    )


def assign_tickets(svc: Services, actor: User, body: Any) -> list[Ticket]:
    """The dispatcher tool: hand one or many tickets to an agent and/or group."""
    require_role(actor, Role.DISPATCHER, Role.ADMIN)
    data = inputs.require_object(body)
    inputs.only_keys(data, {"ticket_ids", "agent_id", "group_id"})
    ids = inputs.string_list(data, "ticket_ids", max_items=100, max_len=40)
    if not ids:
        raise ValidationError("ticket_ids must name at least one ticket")
    agent_id = inputs.text(data, "agent_id", max_len=63)
    group_id = inputs.text(data, "group_id", max_len=63)
    tickets = [writable_ticket(svc, actor, ticket_id, None) for ticket_id in dict.fromkeys(ids)]
    now = svc.clock()
    for ticket in tickets:
        rp = directory.response_point(svc, ticket.response_point_id)
        checked_group, checked_agent = checked_assignment(
            svc, rp, group_id or ticket.group_id, agent_id
        )
        ticket.assign(actor.id, now, agent_id=checked_agent, group_id=checked_group)
    # Each ticket is its own transaction: a conflict on one leaves the others assigned
    # and is reported, never half-writes a single ticket.
    for ticket in tickets:
        if ticket.pending_events:
            svc.tickets.save(ticket)
    return tickets
