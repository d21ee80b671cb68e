"""Which inboxes a ticket sits in (S3), and their order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.inbox import InboxKind, InboxRef, inbox_memberships, inbox_sort_key
from chalicelib.domain.statuses import OPEN_STATUSES, Priority, Status
from tests.unit.domain.builders import NOW, ticket_in

K = InboxKind


@pytest.mark.parametrize(
    ("group_id", "agent_id", "expected"),
    [
        (None, None, {K.RESPONSE_POINT: "kundtjanst", K.UNASSIGNED_RP: "kundtjanst"}),
        (
            "kt-first",
            None,
            {
                K.RESPONSE_POINT: "kundtjanst",
                K.UNASSIGNED_RP: "kundtjanst",
                K.UNASSIGNED_GROUP: "kt-first",
                K.GROUP: "kt-first",
            },
        ),
        (
            "kt-first",
            "agent1",
            {K.RESPONSE_POINT: "kundtjanst", K.AGENT: "agent1", K.GROUP: "kt-first"},
        ),
        (None, "agent1", {K.RESPONSE_POINT: "kundtjanst", K.AGENT: "agent1"}),
    ],
    ids=["unrouted", "in-group-pool", "owned-in-group", "owned-no-group"],
)
def test_an_open_ticket_sits_in_the_inboxes_of_its_place(
    group_id: str | None, agent_id: str | None, expected: dict[InboxKind, str]
) -> None:
    ticket = ticket_in(Status.OPEN, group_id=group_id, agent_id=agent_id)

    assert inbox_memberships(ticket) == expected


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES), ids=str)
def test_every_open_status_keeps_the_ticket_in_its_inboxes(status: Status) -> None:
    ticket = ticket_in(status, group_id="kt-first", agent_id="agent1")

    assert inbox_memberships(ticket)[K.RESPONSE_POINT] == "kundtjanst"


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED], ids=str)
def test_resolved_and_closed_tickets_drop_out_of_every_inbox(status: Status) -> None:
    ticket = ticket_in(Status.OPEN, group_id="kt-first", agent_id="agent1")

    ticket.change_status(status, "agent1", NOW)

    assert inbox_memberships(ticket) == {}


def test_a_reopened_ticket_comes_back_to_its_inboxes() -> None:
    ticket = ticket_in(Status.CLOSED, group_id="kt-first")

    ticket.reopen("agent1", NOW)

    assert inbox_memberships(ticket)[K.GROUP] == "kt-first"


def test_inboxes_sort_high_priority_first_then_oldest_first() -> None:
    old_low = ticket_in(Status.OPEN, priority=Priority.LOW, created_at=NOW)
    new_high = ticket_in(Status.OPEN, priority=Priority.HIGH, created_at=NOW + timedelta(days=3))
    old_high = ticket_in(Status.OPEN, priority=Priority.HIGH, created_at=NOW + timedelta(days=1))
    medium = ticket_in(Status.OPEN, priority=Priority.MEDIUM, created_at=NOW)

    ordered = sorted([old_low, new_high, old_high, medium], key=inbox_sort_key)

    assert ordered == [old_high, new_high, medium, old_low]


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("agent:agent1", K.AGENT, "agent1"),
        ("group:kt-first", K.GROUP, "kt-first"),
        ("rp:kundtjanst", K.RESPONSE_POINT, "kundtjanst"),
        ("pool-group:kt-first", K.UNASSIGNED_GROUP, "kt-first"),
        ("pool-rp:it-support", K.UNASSIGNED_RP, "it-support"),
    ],
    ids=["agent", "group", "rp", "pool-group", "pool-rp"],
)
def test_inbox_ids_parse_and_print_back(text: str, kind: InboxKind, key: str) -> None:
    ref = InboxRef.parse(text)

    assert (ref.kind, ref.key) == (kind, key)
    assert ref.id == text


@pytest.mark.parametrize("text", ["", "agent", "agent:", "team:x", ":x", "AGENT:x"], ids=repr)
def test_unknown_inbox_ids_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="unknown inbox"):
        InboxRef.parse(text)
