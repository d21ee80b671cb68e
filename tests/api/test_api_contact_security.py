"""Issue 10, finding 1: who may edit a contact, and what an address change leaves behind.

An agent who may not see any of a contact's tickets must not be able to point the contact's
address at themselves (the next reply, and its portal link, would go to them). An allowed
change of the addresses is recorded on each open ticket of the contact and shown to whoever
replies next.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.apiclient import Api, assert_error
from tests.support import FrozenClock

CUSTOMER = "kund@example.com"
ATTACKER = "agent1.private@example.net"


def new_ticket(api: Api, **body: Any) -> dict[str, Any]:
    reply = api.as_user("dispatcher").post(
        "/api/tickets", {"title": "Fakturan", "contact": {"email": CUSTOMER}, **body}
    )
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


@pytest.fixture
def hidden(api: Api) -> dict[str, Any]:
    """A kt-second ticket at kundtjanst (level own_groups): agent1 may not see it."""
    return new_ticket(api, group_id="kt-second")


def history(api: Api, ticket_id: str) -> list[dict[str, Any]]:
    return api.as_user("admin").get(f"/api/tickets/{ticket_id}").body["events"]  # type: ignore[no-any-return]


def test_an_agent_who_sees_none_of_the_contacts_tickets_cannot_redirect_its_address(
    api: Api, hidden: dict[str, Any]
) -> None:
    # Given agent1, who gets 404 on the customer's only ticket
    agent1 = api.as_user("agent1")
    assert agent1.get(f"/api/tickets/{hidden['id']}").status == 404
    contact_id = hidden["contact_id"]
    before = api.as_user("admin").get(f"/api/contacts/{contact_id}").body
    events_before = history(api, hidden["id"])

    # When agent1 sets the customer's address to their own
    reply = agent1.patch(f"/api/contacts/{contact_id}", {"emails": [ATTACKER]})

    # Then it is refused and nothing changed: not the card, not the ticket's history
    assert_error(reply, 403, "contact_not_yours")
    after = api.as_user("admin").get(f"/api/contacts/{contact_id}").body
    assert after["emails"] == [CUSTOMER] and after == before
    assert history(api, hidden["id"]) == events_before


def test_refused_for_any_field_not_only_the_address(api: Api, hidden: dict[str, Any]) -> None:
    reply = api.as_user("agent1").patch(f"/api/contacts/{hidden['contact_id']}", {"name": "X"})

    assert_error(reply, 403, "contact_not_yours")


@pytest.mark.parametrize("who", ["agent3", "admin", "dispatcher"])
def test_an_agent_who_sees_a_ticket_and_admins_and_dispatchers_may_edit(
    api: Api, hidden: dict[str, Any], who: str
) -> None:
    # agent3 is in kt-second; admins and dispatchers see every ticket
    reply = api.as_user(who).patch(f"/api/contacts/{hidden['contact_id']}", {"name": "Kim Kund"})

    assert reply.status == 200, reply.body
    assert reply.body["name"] == "Kim Kund"


def test_a_contact_without_tickets_may_be_edited_by_any_agent(api: Api) -> None:
    created = api.as_user("agent2").post("/api/contacts", {"name": "Ny", "emails": ["ny@x.se"]})
    assert created.status == 201, created.body

    reply = api.as_user("agent1").patch(
        f"/api/contacts/{created.body['id']}", {"emails": ["ny@example.se"]}
    )

    assert reply.status == 200, reply.body
    assert reply.body["emails"] == ["ny@example.se"]


def test_an_address_change_is_recorded_on_each_open_ticket_and_warned_about(
    api: Api, hidden: dict[str, Any]
) -> None:
    # Given a second open ticket and a closed one of the same customer
    second = new_ticket(api, group_id="kt-first")
    closed = new_ticket(api, group_id="kt-first")
    admin = api.as_user("admin")
    assert admin.patch(f"/api/tickets/{closed['id']}", {"status": "closed"}).status == 200
    assert second["contact_id"] == hidden["contact_id"] == closed["contact_id"]

    # When agent3 (who sees the kt-second ticket) changes the address
    reply = api.as_user("agent3").patch(
        f"/api/contacts/{hidden['contact_id']}", {"emails": ["kim@example.org"]}
    )
    assert reply.status == 200, reply.body

    # Then each open ticket's history says so, the closed one's does not
    for ticket in (hidden, second):
        changes = [e for e in history(api, ticket["id"]) if e["type"] == "contact_changed"]
        assert len(changes) == 1
        assert changes[0]["actor"] == "agent3"
        assert changes[0]["data"] == {"before": [CUSTOMER], "after": ["kim@example.org"]}
        # and the ticket JSON carries the warning shown before a reply goes out
        shown = admin.get(f"/api/tickets/{ticket['id']}").body
        assert shown["address_changed"]["by"] == "agent3"
        assert shown["address_changed"]["after"] == ["kim@example.org"]
        assert shown["address_changed"]["at"] == changes[0]["at"]
    assert not [e for e in history(api, closed["id"]) if e["type"] == "contact_changed"]
    assert admin.get(f"/api/tickets/{closed['id']}").body["address_changed"] is None


def test_a_change_of_other_fields_records_nothing(api: Api, hidden: dict[str, Any]) -> None:
    reply = api.as_user("admin").patch(
        f"/api/contacts/{hidden['contact_id']}", {"name": "Kim", "emails": [CUSTOMER.upper()]}
    )

    assert reply.status == 200, reply.body
    assert not [e for e in history(api, hidden["id"]) if e["type"] == "contact_changed"]
    assert api.as_user("admin").get(f"/api/tickets/{hidden['id']}").body["address_changed"] is None


def test_the_warning_lasts_as_long_as_a_portal_link(
    api: Api, clock: FrozenClock, hidden: dict[str, Any]
) -> None:
    admin = api.as_user("admin")
    admin.patch(f"/api/contacts/{hidden['contact_id']}", {"emails": ["kim@example.org"]})

    clock.advance(days=29)
    assert admin.get(f"/api/tickets/{hidden['id']}").body["address_changed"] is not None
    clock.advance(days=2)
    assert admin.get(f"/api/tickets/{hidden['id']}").body["address_changed"] is None


def test_the_first_reply_after_an_address_change_waits_for_an_agent_to_confirm_it(
    api: Api, svc: Any
) -> None:
    # Given a ticket whose contact's address was changed (say, by someone else)
    ticket = new_ticket(api, group_id="kt-first")
    changed = api.as_user("admin").patch(
        f"/api/contacts/{ticket['contact_id']}", {"emails": [ATTACKER]}
    )
    assert changed.status == 200
    agent = api.as_user("agent1")
    sent_before = len(svc.mailer.sent)

    # When an agent replies without having confirmed the new address
    blocked = agent.post(f"/api/tickets/{ticket['id']}/replies", {"text": "Här är fakturan."})

    # Then nothing is sent: the answer names who changed it, from what to what
    assert_error(blocked, 409, "address_changed")
    assert CUSTOMER in blocked.body["message"] and ATTACKER in blocked.body["message"]
    assert len(svc.mailer.sent) == sent_before

    # When the agent confirms they checked it, the reply goes out
    confirmed = agent.post(
        f"/api/tickets/{ticket['id']}/replies",
        {"text": "Här är fakturan.", "confirm_address_change": True},
    )
    assert confirmed.status == 201, confirmed.body
    assert len(svc.mailer.sent) == sent_before + 1
    # And the warning is done with: the next reply needs no confirmation
    assert agent.get(f"/api/tickets/{ticket['id']}").body["address_changed"] is None
    again = agent.post(f"/api/tickets/{ticket['id']}/replies", {"text": "Och en till."})
    assert again.status == 201, again.body
