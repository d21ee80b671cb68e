"""Inboxes and ticket lists: every list is one Query on an index (S3, S4, S16)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.inbox import InboxKind, InboxRef
from chalicelib.domain.organisation import User, VisibilityLevel
from chalicelib.domain.statuses import Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, Page, TicketQuery
from chalicelib.services.visibility import filter_visible


@dataclass(frozen=True)
class InboxSummary:
    id: str
    kind: str
    key: str
    name: str
    count: int


def my_inboxes(svc: Services, actor: User) -> list[InboxSummary]:
    refs: list[tuple[InboxRef, str]] = [(InboxRef(InboxKind.AGENT, actor.id), actor.name)]
    groups = {g.id: g for g in directory.groups(svc)}
    for group_id in actor.groups:
        if group_id in groups:
            name = groups[group_id].name
            refs.append((InboxRef(InboxKind.GROUP, group_id), name))
            refs.append((InboxRef(InboxKind.UNASSIGNED_GROUP, group_id), name))
    for rp in directory.response_points(svc):
        if actor.sees_everything or rp.visibility_level is VisibilityLevel.ALL:
            refs.append((InboxRef(InboxKind.RESPONSE_POINT, rp.id), rp.name))
            refs.append((InboxRef(InboxKind.UNASSIGNED_RP, rp.id), rp.name))
    return [
        InboxSummary(
            ref.id, ref.kind.value, ref.key, name, svc.tickets.count_inbox(ref.kind, ref.key)
        )
        for ref, name in refs
    ]


def inbox_page(
    svc: Services, actor: User, inbox_id: str, *, limit: int, cursor: str | None
) -> Page[Ticket]:
    ref = InboxRef.parse(inbox_id)
    check_inbox_access(svc, actor, ref)
    page = svc.tickets.inbox(ref.kind, ref.key, limit=limit, cursor=cursor)
    return Page(filter_visible(svc, actor, page.items), page.cursor)


def check_inbox_access(svc: Services, actor: User, ref: InboxRef) -> None:
    if actor.sees_everything:
        return
    if ref.kind is InboxKind.AGENT:
        # Another agent's inbox may be listed: each ticket is filtered by the level below.
        allowed = True
    elif ref.kind in (InboxKind.GROUP, InboxKind.UNASSIGNED_GROUP):
        allowed = ref.key in actor.groups or _group_rp_all(svc, ref.key)
    else:
        allowed = _rp_level(svc, ref.key) is VisibilityLevel.ALL
    if not allowed:
        raise NotFoundError(f"no inbox {ref.id!r}")


def _rp_level(svc: Services, rp_id: str) -> VisibilityLevel | None:
    try:
        return directory.response_point(svc, rp_id).visibility_level
    except NotFoundError:
        return None


def _group_rp_all(svc: Services, group_id: str) -> bool:
    try:
        return (
            _rp_level(svc, directory.group(svc, group_id).response_point_id) is VisibilityLevel.ALL
        )
    except NotFoundError:
        return False


# Filters of GET /api/tickets: the first present anchor picks the index; the
# rest narrow each page (a FilterExpression on the Query, never a Scan).
ANCHORS = (
    ("agent", ListIndex.AGENT),
    ("group", ListIndex.GROUP),
    ("response_point", ListIndex.RESPONSE_POINT),
    ("contact", ListIndex.CONTACT),
    ("parent", ListIndex.PARENT),
)
FILTERABLE = {"agent": "agent_id", "group": "group_id", "response_point": "response_point_id",
              "type": "ticket_type", "priority": "priority", "status": "status"}  # fmt: skip
STATUS_SORTED = {ListIndex.AGENT, ListIndex.GROUP, ListIndex.RESPONSE_POINT}


def search_tickets(
    svc: Services, actor: User, params: dict[str, str], *, limit: int, cursor: str | None
) -> Page[Ticket]:
    unknown = set(params) - {a for a, _ in ANCHORS} - set(FILTERABLE)
    if unknown:
        raise ValidationError(f"unknown filters: {sorted(unknown)}")
    if "status" in params:
        _check_enum(params["status"], Status, "status")
    if "priority" in params:
        _check_enum(params["priority"], Priority, "priority")
    anchor = next(((name, index) for name, index in ANCHORS if params.get(name)), None)
    if anchor is None:
        raise ValidationError(
            "filter by at least one of agent, group, response_point, contact or parent: "
            "other filters alone would need a full table scan",
            code="needs_index",
        )
    name, index = anchor
    status = params.get("status") if index in STATUS_SORTED else None
    filters = {FILTERABLE[k]: v for k, v in params.items() if k in FILTERABLE and k != name and v}
    if status:
        filters.pop("status", None)
    query = TicketQuery(
        index, params[name], status=status, filters=filters, limit=limit, cursor=cursor
    )
    page = svc.tickets.query(query)
    return Page(filter_visible(svc, actor, page.items), page.cursor)


def _check_enum(value: str, kind: type[Status] | type[Priority], what: str) -> None:
    try:
        kind(value)
    except ValueError:
        raise ValidationError(f"{what} must be one of {[m.value for m in kind]}") from None
