"""Link-mode notices go to the contact only; made-up ids never reach References."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import User
from chalicelib.services import portal
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound
from tests.unit.mail.flows import configure_rp, deliver, mail_file, parsed, sent


def new_mail_ticket(svc: Services) -> str:
    entry = deliver(svc, mail_file("customer_request.eml"))
    assert entry.ticket_id is not None
    return entry.ticket_id


def test_in_link_mode_a_reply_to_anyone_but_the_contact_is_refused_and_nothing_is_sent(
    svc: Services, people: dict[str, User]
) -> None:
    configure_rp(svc, "kundtjanst", notification_mode="link")
    ticket_id = new_mail_ticket(svc)
    before = len(sent(svc))
    with pytest.raises(ValidationError) as refused:
        outbound.send_reply(
            svc, people["admin"], ticket_id, {"text": "Svar", "cc": ["boss@example.org"]}
        )
    assert refused.value.code == "link_mode_recipients"
    assert len(sent(svc)) == before


def test_in_link_mode_the_contact_alone_gets_the_link(
    svc: Services, people: dict[str, User]
) -> None:
    configure_rp(svc, "kundtjanst", notification_mode="link")
    ticket_id = new_mail_ticket(svc)
    outbound.send_reply(svc, people["admin"], ticket_id, {"text": "Svar", "cc": []})
    mail = sent(svc)[-1]
    contact = svc.contacts.get(svc.tickets.get(ticket_id).contact_id or "")
    assert list(mail.recipients) == contact.emails[:1]
    assert "/portal/t/" in parsed(mail.raw).get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_portal_messages_do_not_put_made_up_ids_into_references(
    svc: Services, people: dict[str, User]
) -> None:
    ticket_id = new_mail_ticket(svc)
    ticket = svc.tickets.get(ticket_id)
    link = outbound._portal_link(svc, ticket, svc.contacts.get(ticket.contact_id or ""))
    assert link is not None
    portal.reply(svc, link.rsplit("/", 1)[1], "Från portalen", [])
    outbound.send_reply(svc, people["admin"], ticket_id, {"text": "Svar"})
    references = str(parsed(sent(svc)[-1].raw).get("References", ""))
    assert "@portal" not in references and references  # the customer's real mail is still there
