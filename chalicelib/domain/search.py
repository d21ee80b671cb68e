"""Ticket search criteria (S14, S16): any combination of fields, ranges and words.

``SearchCriteria.matches`` is the meaning of a search; the in-memory repository
uses it as it is, the DynamoDB one turns it into a key condition on the best index
plus a FilterExpression (contract tests hold the two to the same answers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.sla import SlaState, sla_state
from chalicelib.domain.ticket import Ticket

# Equality filters: criteria name = ticket attribute name.
EQUAL_FIELDS = (
    "response_point_id", "group_id", "agent_id", "ticket_type", "template_id", "priority",
    "itil_process", "channel", "contact_id", "organisation_id",
)  # fmt: skip
RANGES = ("created", "updated", "closed")  # each with _from and _to (inclusive)
MAX_WORDS = 10


@dataclass(frozen=True)
class SearchCriteria:
    statuses: tuple[str, ...] = ()
    equal: dict[str, str] = field(default_factory=dict)  # EQUAL_FIELDS present in the search
    ranges: dict[str, tuple[datetime | None, datetime | None]] = field(default_factory=dict)
    sla_state: SlaState | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    words: tuple[str, ...] = ()  # case-folded; each must be in the title

    def matches(self, ticket: Ticket, now: datetime) -> bool:
        if self.statuses and ticket.status.value not in self.statuses:
            return False
        for name, value in self.equal.items():
            if str(getattr(ticket, name) or "") != value:
                return False
        for name, (low, high) in self.ranges.items():
            at = getattr(ticket, f"{name}_at")
            if at is None or (low and at < low) or (high and at > high):
                return False
        if self.sla_state is not None and self.sla_state is not ticket_sla_state(ticket, now):
            return False
        for key, value in self.custom_fields.items():
            if ticket.custom_fields.get(key) != value:
                return False
        title = ticket.title.casefold()
        return all(word in title for word in self.words)


def ticket_sla_state(ticket: Ticket, now: datetime) -> SlaState:
    return sla_state(
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        breached=ticket.sla_breached,
        now=now,
        paused_since=ticket.sla_paused_since,
    )
