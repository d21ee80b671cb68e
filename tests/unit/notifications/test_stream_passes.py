"""The stream consumer's two passes (issue 15): open lists hear of every handled change
before the statistics counters and the search index run; a failure in that second pass is
delivered again from its own change, and the redelivery counts and indexes it once."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.organisation import User
from chalicelib.services import event_stream, tickets
from chalicelib.services.context import Services
from tests.support import drain_stream

pytestmark = pytest.mark.usefixtures("people")


def test_a_failing_index_write_redelivers_its_change_after_the_lists_heard_of_both(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = people["dispatcher"]
    first = tickets.create_ticket(svc, dispatcher, {"title": "Först", "group_id": "kt-first"})
    second = tickets.create_ticket(svc, dispatcher, {"title": "Sedan", "group_id": "kt-first"})
    order: list[str] = []
    indexed: list[str] = []
    pushed: list[str] = []
    real_index = event_stream.search_indexing.index_change
    real_push = event_stream.live_fanout.push_changes

    def push(svc: Services, changes: list[list[StoredEvent]]) -> Any:
        order.append("push")
        pushed.extend(c[0].event.ticket_id for c in changes)
        return real_push(svc, changes)

    def index(svc: Services, change: list[StoredEvent]) -> int:
        order.append("index")
        ticket_id = change[0].event.ticket_id
        if ticket_id == second.id and not any(i == second.id for i in indexed[-1:]):
            indexed.append("failed")
            raise RuntimeError("DynamoDB throttled")
        indexed.append(ticket_id)
        return int(real_index(svc, change))

    monkeypatch.setattr(event_stream.live_fanout, "push_changes", push)
    monkeypatch.setattr(event_stream.search_indexing, "index_change", index)

    (answer,) = drain_stream(svc)

    # Both changes reached the open lists before any index write
    assert order[0] == "push" and set(pushed) == {first.id, second.id}
    # The second change's index write failed: it alone is delivered again
    assert answer["batchItemFailures"], "the second change is to be delivered again"
    assert indexed == [first.id, "failed"]

    monkeypatch.setattr(
        event_stream.search_indexing,
        "index_change",
        lambda svc, change: (indexed.append(change[0].event.ticket_id), real_index(svc, change))[1],
    )
    assert drain_stream(svc) == [{"batchItemFailures": []}]
    assert indexed == [first.id, "failed", second.id]
