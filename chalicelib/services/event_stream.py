"""The TicketEvents stream consumer (DESIGN §3: the event item is the outbox).

A batch of stream records arrives in stream order (one shard: one ticket's changes in the
order they were written). Records are grouped per change (ticket + the version the change
produced) and each change is handed to the side effects once, whole: agent notifications
(``services/notifications.change_stored``) and the automatic acknowledgement a new ticket's
created event notes as due (``services/outbound.acknowledge_change``: intake decides, this
sends). A change the batch holds only part of (a batch boundary fell inside it) is read whole
from the history first.

Failures: a change whose side effects raise stops the batch there; its first record's
sequence number is reported as the batch item failure, so Lambda (or the local poller)
delivers again from it. Everything before it is done; everything from it is done again,
which the side effects make harmless (fixed ids, conditional writes, claimed mail). The
statistics counters and the search index run in a second pass after the live notices
(issue 15: open lists must not wait for them); a failure there reports the earlier change.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.triggers import Trigger
from chalicelib.services import notifications, workflow_steps
from chalicelib.services.context import Services
from chalicelib.services.live import fanout as live_fanout
from chalicelib.services.mail import outbound
from chalicelib.services.search_index import indexing as search_indexing
from chalicelib.services.statistics import recording as statistics_recording
from chalicelib.services.triggers import firing as trigger_firing

logger = Logger(service="servit-events")


@dataclass(frozen=True)
class StreamItem:
    """One decoded INSERT record: its sequence number and the event item it carried."""

    sequence_number: str
    stored: StoredEvent


@dataclass
class BatchResult:
    changes: int = 0  # changes handled
    notices: int = 0  # notifications stored now
    acknowledgements: int = 0  # acknowledgements of new tickets sent now
    workflows: int = 0  # workflow executions started now
    triggers: int = 0  # trigger firings acted on now
    statistics: int = 0  # changes that moved statistics counters now
    indexed: int = 0  # issue 15: search index items written now
    live: int = 0  # issue 15: notices pushed to browsers (services/live/fanout)
    failed: str | None = None  # sequence number to deliver again from


def consume(svc: Services, items: list[StreamItem]) -> BatchResult:
    result = BatchResult()
    enabled: list[Trigger] | None = None  # the admins' triggers, read once per batch
    counting: statistics_recording.Counting | None = None  # statistics' settings, once too
    handled: list[tuple[StreamItem, list[StoredEvent]]] = []  # issue 15: what lists hear of
    for members in _changes(items):
        first = members[0]
        try:
            change = [m.stored for m in members]
            head = change[0]
            if head.change is not None and head.size and len(change) < head.size:
                change = svc.tickets.change_events(head.event.ticket_id, head.change) or change
            change.sort(key=lambda s: s.event.sort_key)
            result.notices += notifications.change_stored(svc, change)
            result.acknowledgements += outbound.acknowledge_change(svc, change)
            # Wake-ups, consultations, children to close: started once the change is stored.
            result.workflows += workflow_steps.react(svc, change)
            # Admins' triggers (S7): alarms by SMS and e-mail, notices, priority, group.
            if enabled is None:
                enabled = trigger_firing.enabled_triggers(svc)
            result.triggers += trigger_firing.react(svc, change, enabled)
            handled.append((first, change))
        except Exception:
            _not_handled(first, result)
            break
    # Issue 15: open lists and counts hear of the changes once their notifications are
    # written (a refresh finds them), before the counters and the search index, which take
    # longest (best effort: never fails the batch).
    result.live = live_fanout.push_changes(svc, [change for _, change in handled]).notices
    for first, change in handled:
        try:
            # Statistics counters (issue 14): this change's figures, counted once.
            if counting is None:
                counting = statistics_recording.Counting(svc)
            result.statistics += statistics_recording.record_change(svc, change, counting)
            # Issue 15: the top-bar search's words (services/search_index/indexing).
            result.indexed += search_indexing.index_change(svc, change)
            result.changes += 1
        except Exception:
            _not_handled(first, result)  # an earlier change than any the first loop left
            break
    return result


def _not_handled(first: StreamItem, result: BatchResult) -> None:
    logger.exception(
        "change not handled: delivered again from here",
        extra={
            "ticket_id": first.stored.event.ticket_id,
            "change": first.stored.change_key,
            "sequence_number": first.sequence_number,
        },
    )
    result.failed = first.sequence_number


def _changes(items: list[StreamItem]) -> list[list[StreamItem]]:
    """Items grouped per change, in the order each change first appears."""
    groups: dict[tuple[str, str], list[StreamItem]] = {}
    for item in items:
        key = (item.stored.event.ticket_id, item.stored.change_key)
        groups.setdefault(key, []).append(item)
    return list(groups.values())
