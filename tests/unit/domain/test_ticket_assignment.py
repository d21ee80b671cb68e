"""Assignment by a dispatcher (S3, S17): owner, group, response point."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import InvalidTransitionError
from chalicelib.domain.events import EventType
from chalicelib.domain.statuses import Status
from tests.unit.domain.builders import NOW, ticket_in


def test_assigning_sets_agent_and_group_and_records_what_was_before() -> None:
    ticket = ticket_in(Status.NEW, group_id="kt-first")

    ticket.assign("dispatcher", NOW, agent_id="agent2", group_id="kt-second")

    assert (ticket.agent_id, ticket.group_id) == ("agent2", "kt-second")
    [event] = ticket.pending_events
    assert event.type == EventType.ASSIGNED
    assert event.actor == "dispatcher"
    assert event.data == {
        "before": {"agent_id": None, "group_id": "kt-first"},
        "agent_id": "agent2",
        "group_id": "kt-second",
    }


def test_assigning_what_is_already_there_records_nothing() -> None:
    ticket = ticket_in(Status.OPEN, group_id="kt-first", agent_id="agent1")

    ticket.assign("dispatcher", NOW, agent_id="agent1", group_id="kt-first")

    assert ticket.pending_events == []


def test_handing_over_breaks_the_previous_owners_lock() -> None:
    ticket = ticket_in(Status.OPEN, group_id="kt-first")
    ticket.pick("agent1", NOW, timedelta(minutes=30))

    ticket.assign("dispatcher", NOW, agent_id="agent2", group_id="kt-first")

    assert ticket.lock_holder(NOW) is None
    assert ticket.agent_id == "agent2"


def test_moving_the_lock_holders_ticket_to_another_group_keeps_their_lock() -> None:
    ticket = ticket_in(Status.OPEN, group_id="kt-first")
    ticket.pick("agent1", NOW, timedelta(minutes=30))

    ticket.assign("dispatcher", NOW, agent_id="agent1", group_id="kt-second")

    assert ticket.lock_holder(NOW) == "agent1"


def test_unassigning_puts_the_ticket_back_without_owner_or_lock() -> None:
    ticket = ticket_in(Status.OPEN, group_id="kt-first")
    ticket.pick("agent1", NOW, timedelta(minutes=30))

    ticket.assign("dispatcher", NOW, agent_id=None, group_id="kt-first")

    assert (ticket.agent_id, ticket.locked_by) == (None, None)


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED], ids=str)
def test_a_resolved_or_closed_ticket_cannot_be_handed_to_someone_else(status: Status) -> None:
    ticket = ticket_in(status, group_id="kt-first")

    with pytest.raises(InvalidTransitionError):
        ticket.assign("dispatcher", NOW, agent_id="agent2", group_id="kt-first")

    assert ticket.agent_id is None


def test_a_closed_ticket_accepts_its_own_assignment_unchanged() -> None:
    # A client that sends back the fields it shows must not get an error for it.
    ticket = ticket_in(Status.CLOSED, group_id="kt-first", agent_id="agent1")

    ticket.assign("agent1", NOW, agent_id="agent1", group_id="kt-first")

    assert ticket.pending_events == []


def test_moving_to_another_response_point_is_recorded_as_a_field_change() -> None:
    ticket = ticket_in(Status.OPEN)

    ticket.set_response_point("it-support", "dispatcher", NOW)
    ticket.set_response_point("it-support", "dispatcher", NOW)

    assert ticket.response_point_id == "it-support"
    [event] = ticket.pending_events
    assert event.data == {
        "field": "response_point_id",
        "before": "kundtjanst",
        "after": "it-support",
    }
