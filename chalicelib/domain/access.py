"""Who may see and change which ticket: the multi-user level (S16)."""

from __future__ import annotations

from chalicelib.domain.organisation import ResponsePoint, Role, User, VisibilityLevel
from chalicelib.domain.ticket import Ticket


def can_see(user: User, ticket: Ticket, response_point: ResponsePoint | None) -> bool:
    if user.sees_everything:
        return True
    if ticket.agent_id == user.id:
        return True
    level = response_point.visibility_level if response_point else VisibilityLevel.OWN_GROUPS
    if level is VisibilityLevel.ALL:
        return True
    return ticket.group_id is not None and ticket.group_id in user.groups


def can_override_lock(user: User) -> bool:
    """Dispatchers and admins may hand over or release another agent's ticket."""
    return user.has_role(Role.ADMIN) or user.has_role(Role.DISPATCHER)
