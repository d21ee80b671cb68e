"""Retention (issue 14): the daily job anonymises or deletes the response point's tickets
closed more than N months ago, leaves younger ones alone, and touches exactly as many as
the preview said; on the in-memory fakes and on DynamoDB Local (a Query, no Scan)."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.organisation import User
from chalicelib.services import contacts, tickets
from chalicelib.services.context import Services
from chalicelib.services.gdpr import retention
from tests.support import FrozenClock, seed_helpdesk


@pytest.fixture
def people(any_services: Services) -> dict[str, User]:
    return seed_helpdesk(any_services)


def _closed_ticket(svc: Services, admin: User, contact_id: str, title: str) -> str:
    ticket = tickets.create_ticket(
        svc,
        admin,
        {"title": title, "description": "Ring Ville på 070-999 11 22", "contact_id": contact_id},
    )
    for status in ("resolved", "closed"):
        tickets.update_ticket(svc, admin, ticket.id, {"status": status})
    return ticket.id


@pytest.mark.parametrize("action", ["anonymise", "delete"])
def test_the_job_handles_old_closed_tickets_only_and_as_many_as_previewed(
    any_services: Services, people: dict[str, User], clock: FrozenClock, action: str
) -> None:
    svc = any_services
    admin = people["admin"]
    ville = contacts.create_contact(svc, {"name": "Ville Vallgren", "phones": ["0709991122"]})
    old = [_closed_ticket(svc, admin, ville.id, f"Ville Vallgren {i}") for i in range(3)]
    clock.advance(days=400)
    young = _closed_ticket(svc, admin, ville.id, "Ville Vallgren nytt")
    still_open = tickets.create_ticket(svc, admin, {"title": "Öppet", "contact_id": ville.id}).id
    clock.advance(days=30)
    retention.save_setting(svc, "kundtjanst", {"months": 12, "action": action})

    preview = retention.preview(svc, "kundtjanst")
    report = retention.run(svc)

    assert preview.tickets == 3
    assert report.touched == {"kundtjanst": 3} and not report.more
    for ticket_id in old:
        if action == "delete":
            with pytest.raises(NotFoundError):
                svc.tickets.get(ticket_id)
            assert svc.tickets.events(ticket_id) == []
        else:
            ticket = svc.tickets.get(ticket_id)
            assert (ticket.title, ticket.description) == ("[anonymised]", "")
    for ticket_id in (young, still_open):
        assert svc.tickets.get(ticket_id).title.startswith(("Ville", "Öppet"))
    # The card stays: the contact has younger tickets.
    assert svc.contacts.get(ville.id).name == "Ville Vallgren"
    # The next run finds nothing more.
    assert retention.preview(svc, "kundtjanst").tickets == 0
    assert retention.run(svc).touched == {"kundtjanst": 0}


def test_the_work_per_run_is_bounded_and_the_next_run_continues(
    any_services: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    svc = any_services
    ids = [_closed_ticket(svc, people["admin"], "", f"Gammalt {i}") for i in range(3)]
    clock.advance(days=100)
    retention.save_setting(svc, "kundtjanst", {"months": 1, "action": "anonymise"})

    first = retention.run(svc, budget=2)
    second = retention.run(svc, budget=2)

    assert first.touched == {"kundtjanst": 2} and first.more
    assert second.touched == {"kundtjanst": 1} and not second.more
    assert all(svc.tickets.get(i).title == "[anonymised]" for i in ids)


def test_a_contact_whose_every_ticket_went_is_anonymised_too(
    any_services: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    svc = any_services
    gone = contacts.create_contact(svc, {"name": "Greta Gammal", "emails": ["greta@g.example"]})
    _closed_ticket(svc, people["admin"], gone.id, "Greta Gammal undrar")
    clock.advance(days=100)
    retention.save_setting(svc, "kundtjanst", {"months": 2, "action": "delete"})

    retention.run(svc)

    card = svc.contacts.get(gone.id)
    assert (card.name, card.emails) == ("[anonymised]", [])
