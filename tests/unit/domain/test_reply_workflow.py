"""What a reply does to the ticket besides the message (issue 15): pick, take over, status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain import reply_workflow
from chalicelib.domain.errors import InvalidTransitionError, TicketLockedError
from chalicelib.domain.reply_workflow import AfterReply
from chalicelib.domain.statuses import Status
from tests.unit.domain.builders import NOW, ticket_in

LOCK = timedelta(minutes=30)


def test_a_reply_on_a_pool_ticket_picks_it_and_sets_the_status_after_the_pick() -> None:
    ticket = ticket_in(Status.NEW, group_id="kt-first")
    plan = AfterReply(status=Status.RESOLVED)

    reply_workflow.check(ticket, "agent1", plan, NOW, may_take_over=False)
    reply_workflow.apply(ticket, "agent1", plan, NOW, LOCK)

    assert ticket.agent_id == "agent1"
    assert ticket.status is Status.RESOLVED
    # Resolving ends the lock the pick took, as a resolve always does.
    assert ticket.lock_holder(NOW) is None


def test_a_lock_taken_while_the_mail_was_out_is_left_to_its_holder() -> None:
    # Given the check passed, then agent2 picked the ticket before the reply was saved
    ticket = ticket_in(Status.NEW, group_id="kt-first")
    plan = AfterReply(status=Status.WITH_CONTACT)
    reply_workflow.check(ticket, "agent1", plan, NOW, may_take_over=False)
    ticket.pick("agent2", NOW, LOCK)

    reply_workflow.apply(ticket, "agent1", plan, NOW, LOCK)

    # Then agent2 keeps it and their status; the reply is only recorded (by the caller)
    assert (ticket.agent_id, ticket.lock_holder(NOW)) == ("agent2", "agent2")
    assert ticket.status is Status.OPEN


def test_a_held_ticket_is_refused_unless_one_who_may_agrees_to_take_it_over() -> None:
    ticket = ticket_in(Status.OPEN, group_id="kt-first")
    ticket.pick("agent2", NOW, LOCK)

    with pytest.raises(TicketLockedError):
        reply_workflow.check(ticket, "admin", AfterReply(), NOW, may_take_over=True)
    with pytest.raises(TicketLockedError):
        reply_workflow.check(ticket, "agent1", AfterReply(take_over=True), NOW, may_take_over=False)

    plan = AfterReply(take_over=True)
    reply_workflow.check(ticket, "admin", plan, NOW, may_take_over=True)
    reply_workflow.apply(ticket, "admin", plan, NOW, LOCK)
    assert (ticket.agent_id, ticket.lock_holder(NOW)) == ("admin", "admin")


def test_a_status_the_ticket_cannot_reach_is_refused_before_sending() -> None:
    ticket = ticket_in(Status.RESOLVED)

    with pytest.raises(InvalidTransitionError):
        reply_workflow.check(ticket, "agent1", AfterReply(Status.OPEN), NOW, may_take_over=False)
