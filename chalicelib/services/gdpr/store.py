"""The port GDPR work needs beyond the repositories: rewriting history items in place and
deleting a ticket with its history. Kept in this room rather than services/ports.py: no
other use case may rewrite or delete history (it is append-only everywhere else).

A rewritten history item reaches the TicketEvents stream as a MODIFY record, which the
stream consumer ignores (chalicelib/api/events.py handles INSERT only): no rule, trigger,
notification or statistics counter sees it a second time.
"""

from __future__ import annotations

import abc
from typing import Any


class HistoryStore(abc.ABC):
    @abc.abstractmethod
    def rewrite_event(
        self, ticket_id: str, sort_key: str, data: dict[str, Any], actor: str
    ) -> None:
        """Replace the data of one history item, and its actor where that was the customer's
        address or number (type, time and ids unchanged)."""

    @abc.abstractmethod
    def delete_ticket(self, ticket_id: str) -> int:
        """Delete the ticket item and every history item; returns the items deleted."""

    @abc.abstractmethod
    def delete_notifications(self, user_id: str, ticket_ids: set[str]) -> int:
        """Delete the user's notifications about these tickets; returns how many."""

    @abc.abstractmethod
    def closed_before(self, rp_id: str, before: str, *, limit: int, skip_title: str) -> list[str]:
        """Ids of the response point's closed tickets last changed before ``before`` (ISO),
        oldest first, whose title is not ``skip_title``: one Query on by_rp_status (sort
        key "closed#<updated>"), never a Scan."""

    @abc.abstractmethod
    def count_closed_before(self, rp_id: str, before: str, *, skip_title: str) -> int:
        """How many ``closed_before`` would find without a limit (Select=COUNT pages)."""
