"""Saved searches on DynamoDB: a key condition on the most selective index the criteria
allow, the rest as a FilterExpression on that Query. Never a Scan.

Index choice, first that applies (docs/architecture.md, A11):
contact -> ``by_contact``; organisation -> ``by_organisation`` (issue 14); agent ->
``by_agent_status``; template -> ``by_template``; group -> ``by_group_status``; response
point -> ``by_rp_status``; otherwise ``by_created`` (every ticket under one key, newest
first). On the status-sorted indexes one status becomes
``begins_with(status_updated, "<status>#")``; on the created-sorted ones a created range
becomes ``created_at BETWEEN``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters.dynamodb.codec import ALL_TICKETS, ticket_from_model
from chalicelib.adapters.dynamodb.models import TicketModel
from chalicelib.adapters.dynamodb.paging import decode_cursor, first_page
from chalicelib.domain.search import SearchCriteria
from chalicelib.domain.sla import SlaState
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services.ports import Page

_MIN, _MAX = "0000", "9999"  # below and above every stored instant

# (criteria key, index, sorted by) in order of preference.
_ANCHORS: tuple[tuple[str, Any, str], ...] = (
    ("contact_id", TicketModel.by_contact, "created"),
    ("organisation_id", TicketModel.by_organisation, "created"),  # issue 14
    ("agent_id", TicketModel.by_agent_status, "status"),
    ("template_id", TicketModel.by_template, "created"),
    ("group_id", TicketModel.by_group_status, "status"),
    ("response_point_id", TicketModel.by_rp_status, "status"),
)


def search(
    criteria: SearchCriteria, now: datetime, *, limit: int, cursor: str | None
) -> Page[Ticket]:
    anchor = next((a for a in _ANCHORS if a[0] in criteria.equal), None)
    if anchor is None:
        name, index, sort, key = None, TicketModel.by_created, "created", ALL_TICKETS
    else:
        name, index, sort = anchor
        key = criteria.equal[name]
    range_condition: Any = None
    keyed_status = None
    if sort == "status" and len(criteria.statuses) == 1:
        keyed_status = criteria.statuses[0]
        range_condition = TicketModel.status_updated.startswith(f"{keyed_status}#")
    created = criteria.ranges.get("created")
    keyed_created = sort == "created" and created is not None
    if created is not None and keyed_created:
        low, high = created
        range_condition = TicketModel.created_at.between(
            iso(low) if low else _MIN, iso(high) if high else _MAX
        )
    results = index.query(
        key,
        range_key_condition=range_condition,
        filter_condition=_filter(
            criteria, now, skip=name, keyed_status=keyed_status, keyed_created=keyed_created
        ),
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=decode_cursor(cursor),
    )
    items, next_cursor = first_page(results, cursor)
    return Page([ticket_from_model(TicketModel.from_raw_data(i)) for i in items], next_cursor)


def _filter(
    criteria: SearchCriteria,
    now: datetime,
    *,
    skip: str | None,
    keyed_status: str | None,
    keyed_created: bool,
) -> Any:
    """The criteria the key condition did not take (a key attribute cannot be filtered)."""
    clauses: list[Any] = []
    if criteria.statuses and keyed_status is None:
        clauses.append(TicketModel.status.is_in(*criteria.statuses))
    for name, value in criteria.equal.items():
        if name != skip:
            clauses.append(getattr(TicketModel, name) == value)
    for name, (low, high) in criteria.ranges.items():
        if name == "created" and keyed_created:
            continue
        attribute = getattr(TicketModel, f"{name}_at")
        if low:
            clauses.append(attribute >= iso(low))
        if high:
            clauses.append(attribute <= iso(high))
        if not low and not high:
            clauses.append(attribute.exists())
    if criteria.sla_state is not None:
        clauses.append(_sla(criteria.sla_state, iso(now)))
    for key, value in criteria.custom_fields.items():
        clauses.append(TicketModel.custom_fields[key] == value)
    clauses.extend(TicketModel.title_lc.contains(word) for word in criteria.words)
    condition = None
    for clause in clauses:
        condition = clause if condition is None else condition & clause
    return condition


def _sla(state: SlaState, now: str) -> Any:
    """domain.sla.sla_state as an expression: a missing attribute makes a comparison false."""
    has_target = TicketModel.first_response_due.exists() | TicketModel.resolution_due.exists()
    paused = TicketModel.sla_paused_since

    def late(due: Any, met: Any) -> Any:
        # A paused clock (S12) stands still at sla_paused_since: late if due before it.
        return met.does_not_exist() & (((due < now) & paused.does_not_exist()) | (due < paused))

    breached = (
        (TicketModel.sla_breached == True)  # noqa: E712 - an expression, not a comparison
        | late(TicketModel.first_response_due, TicketModel.first_response_at)
        | late(TicketModel.resolution_due, TicketModel.resolved_at)
    )
    if state is SlaState.NONE:
        return ~has_target
    if state is SlaState.BREACHED:
        return breached
    return has_target & ~breached
