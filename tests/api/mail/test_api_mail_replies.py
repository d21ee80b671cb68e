"""Agents answer by mail (S5): POST /api/tickets/{id}/replies."""

from __future__ import annotations

import base64

import pytest

from chalicelib.services.context import Services
from tests.api.mail.conftest import Web
from tests.unit.mail.flows import deliver, inbound, mail_file, parsed, quote_reply


@pytest.fixture
def ticket_id(svc: Services, web: Web) -> str:
    """A ticket at it-support (every agent sees it) from the customer's mail."""
    raw = mail_file("customer_request.eml", to="it@example.com")
    return deliver(svc, raw, ["it@example.com"]).ticket_id or ""


def sent(svc: Services) -> list:  # type: ignore[type-arg]
    return list(svc.mailer.sent)  # type: ignore[attr-defined]


def test_an_agent_reply_is_sent_threaded_and_recorded(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # When agent3 answers with text, HTML, a cc, a bcc and a file
    answer = web.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies",
        {
            "text": "Här är manualen.",
            "html": "<p>Här är <i>manualen</i>.</p>",
            "cc": ["chef@kund.example.se"],
            "bcc": ["arkiv@example.com"],
            "attachments": [
                {
                    "filename": "manual på svenska.pdf",
                    "content_type": "application/pdf",
                    "content_base64": base64.b64encode(b"%PDF-1.4 m").decode(),
                }
            ],
        },
    )

    # Then the answer is recorded, and the mail left as the customer will see it
    assert answer.status == 201, answer.raw
    event = answer.json
    assert event["type"] == "message_out"
    [mail] = sent(svc)
    message = parsed(mail.raw)
    assert message["From"].addresses[0].addr_spec == "it@example.com"
    assert message["In-Reply-To"] == "<request-1@kund.example.se>"
    assert str(message["Message-ID"]).endswith("@servit.test>")
    assert event["data"]["message_id"] == str(message["Message-ID"]).strip("<>")
    assert message["Bcc"] is None and b"arkiv@example.com" not in mail.raw
    assert set(mail.recipients) == {
        "anna.andersson@kund.example.se",
        "chef@kund.example.se",
        "arkiv@example.com",
    }
    [file] = list(message.iter_attachments())
    assert (file.get_filename(), file.get_content()) == ("manual på svenska.pdf", b"%PDF-1.4 m")
    html = message.get_body(preferencelist=("html",))
    assert html is not None and "<i>manualen</i>" in html.get_content()
    assert message["Auto-Submitted"] is None


def test_asking_the_customer_moves_the_ticket_to_with_contact(web: Web, ticket_id: str) -> None:
    # Given an agent of it-support
    agent = web.as_user("agent3")

    # When they ask the customer something
    answer = agent.post(
        f"/api/tickets/{ticket_id}/replies", {"text": "Vilken modell?", "ask_customer": True}
    )

    # Then the ticket waits for the customer
    assert answer.status == 201, answer.raw
    assert agent.get(f"/api/tickets/{ticket_id}").json["status"] == "with_contact"


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Hej", "cc": ["chef@kund.example.se\r\nBcc: spion@evil.example"]},
        {"text": "Hej", "to": ["anna@kund.example.se\nX-Evil: 1"]},
        {
            "text": "Hej",
            "attachments": [
                {
                    "filename": "a.txt\r\nContent-Type: text/html",
                    "content_type": "text/plain",
                    "content_base64": "aGVq",
                }
            ],
        },
    ],
    ids=["cc", "to", "attachment-filename"],
)
def test_a_header_value_with_a_line_break_is_422_and_nothing_is_sent_or_recorded(
    svc: Services, web: Web, ticket_id: str, body: dict[str, object]
) -> None:
    # Given the ticket as it is
    agent = web.as_user("agent3")
    before = agent.get(f"/api/tickets/{ticket_id}").json

    # When a reply smuggles a line break into a header value
    answer = agent.post(f"/api/tickets/{ticket_id}/replies", body)

    # Then it is refused, nothing is sent and the history is unchanged
    assert answer.status == 422, answer.raw
    assert sent(svc) == []
    after = agent.get(f"/api/tickets/{ticket_id}").json
    assert after["events"] == before["events"] and after["version"] == before["version"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": "  "}, 422),
        ({}, 422),
        ({"text": "Hej", "attachments": [{"filename": "a", "content_base64": "%%%"}]}, 422),
        ({"text": "Hej", "ask_customer": "yes"}, 422),
        ({"text": "Hej", "signature": "mine"}, 422),
    ],
    ids=["blank-text", "nothing", "bad-base64", "ask-not-boolean", "unknown-field"],
)
def test_a_reply_that_is_not_complete_is_refused(
    svc: Services, web: Web, ticket_id: str, body: dict[str, object], status: int
) -> None:
    # When a reply lacks something or carries something unknown
    answer = web.as_user("agent3").post(f"/api/tickets/{ticket_id}/replies", body)

    # Then it is refused and nothing is sent
    assert answer.status == status, answer.raw
    assert sent(svc) == []


def test_an_agent_who_cannot_see_the_ticket_cannot_answer_it(svc: Services, web: Web) -> None:
    # Given a ticket at kundtjanst with no group (own_groups: agent3 is not in its groups)
    # Given a ticket at kundtjanst with no group (own_groups: agent3 is not in its groups)
    hidden = deliver(svc, mail_file("customer_request.eml", message_id="h@kund.example.se"))

    # When agent3 tries to answer it
    answer = web.as_user("agent3").post(f"/api/tickets/{hidden.ticket_id}/replies", {"text": "x"})

    # Then the ticket is not there for them, and nothing is sent
    assert answer.status == 404, answer.raw
    assert sent(svc) == []


def test_the_customers_answer_to_an_agent_reply_lands_in_the_same_ticket(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given an agent's answer
    web.as_user("agent3").post(f"/api/tickets/{ticket_id}/replies", {"text": "Starta om den."})

    # When the customer answers it from her mail program, quoting us
    entry = deliver(svc, quote_reply(svc, sent(svc)[-1].raw, text="Nu går den igen!"))

    # Then her answer is in the ticket the agent reads
    assert entry.ticket_id == ticket_id
    events = web.as_user("agent3").get(f"/api/tickets/{ticket_id}").json["events"]
    last = [e for e in events if e["type"] == "message_in"][-1]
    assert last["data"]["stripped_text"] == "Nu går den igen!"
    assert last["data"]["threading_rule"] == "reply_address"
    assert len(inbound(svc, ticket_id)) == 2
