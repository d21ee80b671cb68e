"""Replies to addresses strict validation used to refuse (issue 9): IDN domains are answered
IDNA-encoded; addresses mail cannot reach are refused with 422 ``address_unreachable``
before anything is sent, and the contact and ticket say which ones."""

from __future__ import annotations

from typing import Any

from chalicelib.services.context import Services
from tests.api.mail.conftest import Web
from tests.unit.mail.flows import parsed


def sent(svc: Services) -> list[Any]:
    return list(svc.mailer.sent)  # type: ignore[attr-defined]


def new_ticket(web: Web, email: str, **fields: Any) -> dict[str, Any]:
    answer = web.as_user("agent1").post(
        "/api/tickets",
        {"title": "Skrivaren", "group_id": "kt-first", "contact": {"email": email}, **fields},
    )
    assert answer.status == 201, answer.raw
    return answer.json  # type: ignore[no-any-return]


def reply(web: Web, ticket_id: str, **fields: Any) -> Any:
    return web.as_user("agent1").post(
        f"/api/tickets/{ticket_id}/replies", {"text": "Hej! Vi tittar på det.", **fields}
    )


def message_outs(web: Web, ticket_id: str) -> list[dict[str, Any]]:
    events = web.as_user("agent1").get(f"/api/tickets/{ticket_id}").json["events"]
    return [e for e in events if e["type"] == "message_out"]


def test_a_reply_to_a_dotless_domain_is_refused_and_nothing_is_sent(
    svc: Services, web: Web
) -> None:
    # Given a ticket whose contact writes from the intranet
    ticket = new_ticket(web, "helpdesk@intranet")

    # When an agent answers
    answer = reply(web, ticket["id"])

    # Then the reply is refused, saying which address and why; nothing went or was recorded
    assert answer.status == 422, answer.raw
    assert answer.json["error"] == "address_unreachable"
    assert "helpdesk@intranet" in answer.json["message"]
    assert "not a public mail domain" in answer.json["message"]
    assert sent(svc) == []
    assert message_outs(web, ticket["id"]) == []


def test_the_contact_card_says_which_addresses_cannot_take_mail(web: Web) -> None:
    ticket = new_ticket(web, "helpdesk@intranet")
    agent = web.as_user("agent1")
    contact_id = ticket["contact_id"]
    emails = ["helpdesk@intranet", "Dörte@Exämple.se", "x@[192.0.2.1]"]
    patched = agent.request("PATCH", f"/api/contacts/{contact_id}", {"emails": emails})
    assert patched.status == 200, patched.raw

    card = agent.get(f"/api/contacts/{contact_id}").json

    assert card["emails"] == ["helpdesk@intranet", "dörte@exämple.se", "x@[192.0.2.1]"]
    assert set(card["unreachable"]) == {"helpdesk@intranet", "dörte@exämple.se", "x@[192.0.2.1]"}
    assert "not a public mail domain" in card["unreachable"]["helpdesk@intranet"]
    assert "non-ASCII" in card["unreachable"]["dörte@exämple.se"]
    listed = agent.get("/api/contacts?email=helpdesk@intranet").json["items"]
    assert listed[0]["unreachable"] == card["unreachable"]


def test_a_reply_to_an_idn_domain_goes_out_idna_encoded(svc: Services, web: Web) -> None:
    # Given a customer at an internationalised domain
    ticket = new_ticket(web, "doerte@exämple.se")
    assert (
        web.as_user("agent1").get(f"/api/contacts/{ticket['contact_id']}").json["unreachable"] == {}
    )

    # When an agent answers
    answer = reply(web, ticket["id"])

    # Then the mail goes to the Punycode domain, in the envelope and the To header
    assert answer.status == 201, answer.raw
    [mail] = sent(svc)
    assert mail.recipients == ("doerte@xn--exmple-cua.se",)
    assert [a.addr_spec for a in parsed(mail.raw)["To"].addresses] == ["doerte@xn--exmple-cua.se"]
    # and the history keeps the address as the customer wrote it
    assert message_outs(web, ticket["id"])[0]["data"]["to"] == ["doerte@exämple.se"]


def test_a_quoted_local_part_is_answered_quoted(svc: Services, web: Web) -> None:
    ticket = new_ticket(web, '"john smith"@example.com')

    answer = reply(web, ticket["id"])

    assert answer.status == 201, answer.raw
    [mail] = sent(svc)
    assert mail.recipients == ('"john smith"@example.com',)
    assert [a.addr_spec for a in parsed(mail.raw)["To"].addresses] == ['"john smith"@example.com']


def test_a_utf8_local_part_is_refused_as_ses_cannot_send_it(svc: Services, web: Web) -> None:
    # SES has no SMTPUTF8: the agent is told now instead of the mail failing at SES.
    ticket = new_ticket(web, "dörte@exämple.se")

    answer = reply(web, ticket["id"])

    assert answer.status == 422, answer.raw
    assert answer.json["error"] == "address_unreachable"
    assert "dörte@exämple.se" in answer.json["message"]
    assert sent(svc) == []


def test_an_unreachable_copy_is_named_on_the_ticket_and_refuses_the_reply(
    svc: Services, web: Web
) -> None:
    # Given a ticket copied to an address on a reserved domain
    ticket = new_ticket(web, "anna@kund.example.se", cc=["chef@kund.invalid"])
    assert "reserved" in ticket["unreachable"]["chef@kund.invalid"]

    # When an agent answers with the ticket's copies, the reply is refused
    refused = reply(web, ticket["id"])
    assert refused.status == 422 and refused.json["error"] == "address_unreachable"
    assert "chef@kund.invalid" in refused.json["message"]

    # and without the copy it goes
    answer = reply(web, ticket["id"], cc=[])
    assert answer.status == 201, answer.raw
    assert sent(svc)[0].recipients == ("anna@kund.example.se",)


def test_an_unreachable_to_given_by_the_agent_is_refused(svc: Services, web: Web) -> None:
    ticket = new_ticket(web, "anna@kund.example.se")

    answer = reply(web, ticket["id"], to=["kalle@[192.0.2.1]"])

    assert answer.status == 422 and answer.json["error"] == "address_unreachable"
    assert "address literal" in answer.json["message"]
    assert sent(svc) == []
