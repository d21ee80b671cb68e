"""Guards added after review: guessable tags, the portal's audience, titles as subjects."""

from __future__ import annotations

from chalicelib.domain.events import EventType
from chalicelib.domain.organisation import User
from chalicelib.services import portal, tickets
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound
from tests.unit.mail.flows import deliver, events_of, mail_file, sent


def first_ticket(svc: Services) -> tuple[str, int]:
    entry = deliver(svc, mail_file("customer_request.eml"))
    ticket = svc.tickets.get(entry.ticket_id or "")
    return ticket.id, ticket.number


def test_a_stranger_naming_a_ticket_number_in_the_subject_opens_a_linked_ticket(
    svc: Services, people: dict[str, User]
) -> None:
    ticket_id, number = first_ticket(svc)
    entry = deliver(svc, mail_file("customer_request.eml", sender="mallory@evil.example",
                                   subject=f"Re: [#{number}] byt kontonummer", message_id="m1@evil.example"))  # fmt: skip
    assert entry.outcome.value == "new_linked" and entry.ticket_id != ticket_id
    assert len(events_of(svc, ticket_id, EventType.MESSAGE_IN)) == 1


def test_the_contacts_colleague_on_the_same_domain_may_thread_by_the_tag(
    svc: Services, people: dict[str, User]
) -> None:
    ticket_id, number = first_ticket(svc)
    entry = deliver(svc, mail_file("customer_request.eml", sender="kollega@kund.example.se",
                                   subject=f"Re: [#{number}]", message_id="m2@kund.example.se"))  # fmt: skip
    assert entry.outcome.value == "appended" and entry.ticket_id == ticket_id


def test_the_portal_shows_the_contacts_conversation_but_not_mail_to_a_supplier(
    svc: Services, people: dict[str, User]
) -> None:
    ticket_id, _ = first_ticket(svc)
    outbound.send_reply(svc, people["admin"], ticket_id,
                        {"text": "Hej leverantör, hemligt pris", "to": ["lev@supplier.example"], "cc": []})  # fmt: skip
    ticket = svc.tickets.get(ticket_id)
    link = outbound._portal_link(svc, ticket, svc.contacts.get(ticket.contact_id or ""))
    assert link is not None
    shown = portal.view(svc, link.rsplit("/", 1)[1])
    texts = [
        str(e.data.get("text")) for e in shown.events if e.type in ("message_in", "message_out")
    ]
    assert any("Skrivaren" in t for t in texts)
    assert not any("leverantör" in t for t in texts)


def test_a_title_with_line_breaks_becomes_one_line_and_replies_still_go_out(
    svc: Services, people: dict[str, User]
) -> None:
    ticket_id, _ = first_ticket(svc)
    tickets.update_ticket(
        svc, people["admin"], ticket_id, {"title": "rad ett\r\nBcc: evil@example.com"}
    )
    assert svc.tickets.get(ticket_id).title == "rad ett Bcc: evil@example.com"
    outbound.send_reply(svc, people["admin"], ticket_id, {"text": "Svar"})
    assert b"\r\nBcc:" not in sent(svc)[-1].raw
