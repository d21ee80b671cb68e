"""Issue 15: a notice about a customer's mail names the customer, not "system:mail"."""

from __future__ import annotations

from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.notifications import named_actor
from tests.unit.domain.builders import NOW


def event(type: EventType, actor: str, **data: object) -> TicketEvent:
    return TicketEvent.new("T1", NOW, str(type), actor, **data)


def test_a_customers_mail_followed_by_system_events_names_the_customer() -> None:
    change = [
        event(
            EventType.MESSAGE_IN,
            "karin@example.se",
            **{"from": "karin@example.se", "from_name": "Karin Lindqvist"},
        ),
        event(EventType.STATUS_CHANGED, "system:mail", **{"from": "resolved", "to": "open"}),
    ]
    assert named_actor(change) == "Karin Lindqvist <karin@example.se>"


def test_a_sender_without_a_name_is_named_by_address() -> None:
    change = [event(EventType.MESSAGE_IN, "system:mail", **{"from": "olga@example.ru"})]
    assert named_actor(change) == "olga@example.ru"


def test_an_agents_change_names_the_agent_and_a_system_change_the_system() -> None:
    assert named_actor([event(EventType.NOTE, "agent2", text="x")]) == "agent2"
    assert named_actor([event(EventType.ROUTED, "system:mail")]) == "system:mail"
