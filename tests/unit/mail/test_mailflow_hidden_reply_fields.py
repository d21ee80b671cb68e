"""A reply cannot use cc, bcc or attachments where the response point hides them (S16)."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound
from tests.unit.mail.flows import configure_rp, deliver, mail_file, sent


@pytest.mark.parametrize(
    ("field", "value"),
    [("cc", ["chef@example.com"]), ("bcc", ["arkiv@example.com"]),
     ("attachments", [{"filename": "a.txt", "content_base64": "aGVq"}])],
    ids=["cc", "bcc", "attachments"],
)  # fmt: skip
def test_a_reply_naming_a_hidden_field_is_refused_and_nothing_is_sent(
    svc: Services, people: dict[str, User], field: str, value: object
) -> None:
    ticket_id = deliver(svc, mail_file("customer_request.eml")).ticket_id or ""
    configure_rp(svc, "kundtjanst", hidden_fields=[field])
    before = len(sent(svc))
    with pytest.raises(ValidationError) as refused:
        outbound.send_reply(svc, people["admin"], ticket_id, {"text": "Svar", field: value})
    assert refused.value.code == "hidden_field"
    assert len(sent(svc)) == before


def test_a_reply_without_hidden_fields_still_goes_out(
    svc: Services, people: dict[str, User]
) -> None:
    ticket_id = deliver(svc, mail_file("customer_request.eml")).ticket_id or ""
    configure_rp(svc, "kundtjanst", hidden_fields=["cc", "bcc"])
    before = len(sent(svc))
    outbound.send_reply(svc, people["admin"], ticket_id, {"text": "Svar"})
    assert len(sent(svc)) == before + 1


def test_a_hidden_cc_on_the_ticket_is_not_copied_into_replies(
    svc: Services, people: dict[str, User]
) -> None:
    ticket_id = deliver(svc, mail_file("customer_request.eml")).ticket_id or ""
    assert svc.tickets.get(ticket_id).cc  # the customer's mail had cc addresses
    configure_rp(svc, "kundtjanst", hidden_fields=["cc"])
    outbound.send_reply(svc, people["admin"], ticket_id, {"text": "Svar"})
    contact = svc.contacts.get(svc.tickets.get(ticket_id).contact_id or "")
    assert list(sent(svc)[-1].recipients) == contact.emails[:1]
