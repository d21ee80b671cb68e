"""An agent who enters a ticket without choosing group or agent can still see it (S1, S16)."""

from __future__ import annotations

from chalicelib.services import tickets
from chalicelib.services.context import Services
from tests.support import seed_helpdesk


def test_an_agent_entered_ticket_without_group_goes_to_the_agents_own_group(svc: Services) -> None:
    people = seed_helpdesk(svc)
    ticket = tickets.create_ticket(
        svc, people["agent1"], {"title": "Ringde om fakturan", "response_point_id": "kundtjanst"}
    )
    assert ticket.group_id == "kt-first" and ticket.agent_id is None
    seen, _ = tickets.get_ticket(svc, people["agent1"], ticket.id)
    assert seen.id == ticket.id


def test_with_no_group_at_that_response_point_the_agent_becomes_the_owner(svc: Services) -> None:
    people = seed_helpdesk(svc)
    ticket = tickets.create_ticket(
        svc, people["agent1"], {"title": "IT-fråga", "response_point_id": "it-support"}
    )
    assert ticket.group_id is None and ticket.agent_id == "agent1"


def test_admins_and_dispatchers_leave_the_ticket_unplaced_for_the_dispatcher_board(
    svc: Services,
) -> None:
    people = seed_helpdesk(svc)
    ticket = tickets.create_ticket(
        svc, people["dispatcher"], {"title": "Till fördelning", "response_point_id": "kundtjanst"}
    )
    assert ticket.group_id is None and ticket.agent_id is None
