"""A new contact from a listed domain joins the organisation, whichever way it arrives, and
its tickets carry the organisation (issue 14)."""

from __future__ import annotations

from email.message import EmailMessage

from chalicelib.domain.organisation import User
from chalicelib.services import contacts, tickets
from chalicelib.services.context import Services
from chalicelib.services.crm import organisations
from tests.support import seed_helpdesk
from tests.unit.mail.flows import deliver


def mail_from(sender: str, subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "kundtjanst@example.com"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{subject.replace(' ', '.')}@kund.example>"
    msg.set_content("Hej, fakturan stämmer inte.")
    return bytes(msg)


def test_a_mail_from_a_listed_domain_makes_a_member_and_an_organisation_ticket(
    svc: Services,
) -> None:
    seed_helpdesk(svc)
    org = organisations.create(svc, {"name": "Bygg AB", "domains": ["bygg.se"]})
    entry = deliver(svc, mail_from("Anna Berg <anna@BYGG.se>", "Fel faktura"))
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert ticket.organisation_id == org.id
    assert svc.contacts.get(ticket.contact_id or "").organisation_id == org.id
    other = deliver(svc, mail_from("bo@annat.se", "Annat"))
    assert svc.tickets.get(other.ticket_id or "").organisation_id is None


def test_an_agent_entered_contact_joins_and_an_explicit_choice_wins(svc: Services) -> None:
    people: dict[str, User] = seed_helpdesk(svc)
    bygg = organisations.create(svc, {"name": "Bygg AB", "domains": ["bygg.se"]})
    other = organisations.create(svc, {"name": "Annat AB"})
    made = tickets.create_ticket(
        svc, people["agent1"], {"title": "Hjälp", "contact": {"email": "karin@bygg.se"}}
    )
    assert made.organisation_id == bygg.id
    chosen = contacts.create_contact(
        svc, {"name": "Per", "emails": ["per@bygg.se"], "organisation_id": other.id}
    )
    assert chosen.organisation_id == other.id
    no_mail = contacts.create_contact(svc, {"name": "Sven", "phones": ["070-111 22 33"]})
    assert no_mail.organisation_id is None and no_mail.phones == ["+46701112233"]
