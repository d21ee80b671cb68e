"""Loading tickets through the multi-user level: what a user may not see is not there."""

from __future__ import annotations

from chalicelib.domain.access import can_see
from chalicelib.domain.errors import NotFoundError, PermissionDeniedError
from chalicelib.domain.organisation import ResponsePoint, Role, User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory
from chalicelib.services.context import Services


def visible_ticket(svc: Services, actor: User, ticket_id: str) -> Ticket:
    """The ticket, or NotFoundError when it does not exist or the actor may not see it."""
    ticket = svc.tickets.get(ticket_id)
    if not can_see(actor, ticket, _rp_or_none(svc, ticket.response_point_id)):
        raise NotFoundError(f"no ticket {ticket_id!r}")
    return ticket


def filter_visible(svc: Services, actor: User, tickets: list[Ticket]) -> list[Ticket]:
    if actor.sees_everything:
        return tickets
    rps: dict[str, ResponsePoint | None] = {}
    visible = []
    for ticket in tickets:
        rp_id = ticket.response_point_id
        if rp_id not in rps:
            rps[rp_id] = _rp_or_none(svc, rp_id)
        if can_see(actor, ticket, rps[rp_id]):
            visible.append(ticket)
    return visible


def require_role(actor: User, *roles: Role) -> None:
    if not any(actor.has_role(r) for r in roles):
        raise PermissionDeniedError(f"needs role {' or '.join(r.value for r in roles)}")


def _rp_or_none(svc: Services, rp_id: str) -> ResponsePoint | None:
    try:
        return directory.response_point(svc, rp_id)
    except NotFoundError:
        return None
