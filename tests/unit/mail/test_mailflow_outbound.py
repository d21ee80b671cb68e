"""Mail out (S5, S13, S16): agent replies, signatures, acknowledgements."""

from __future__ import annotations

import base64
import re
from email.message import EmailMessage

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.events import EventType
from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import User
from chalicelib.domain.reply_address import ticket_number_from_address
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import contacts
from chalicelib.services.context import Services
from chalicelib.services.mail import admin as mail_admin
from chalicelib.services.mail import outbound
from tests.unit.mail.flows import (
    configure_rp,
    deliver,
    events_of,
    inbound,
    mail_file,
    parsed,
    quote_reply,
    sent,
)

CUSTOMER = "anna.andersson@kund.example.se"
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def agent(people: dict[str, User]) -> User:
    """agent3 works in it-desk; it-support lets every agent see every ticket."""
    return people["agent3"]


@pytest.fixture
def ticket(svc: Services, people: dict[str, User]) -> Ticket:
    """A ticket at it-support opened by the customer's mail (Message-ID request-1@…)."""
    entry = deliver(svc, mail_file("customer_request.eml", to="it@example.com"), ["it@example.com"])
    return svc.tickets.get(entry.ticket_id or "")


def reply(svc: Services, actor: User, ticket: Ticket, **body: object) -> EmailMessage:
    outbound.send_reply(svc, actor, ticket.id, {"text": "Prova att byta toner.", **body})
    return parsed(sent(svc)[-1].raw)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def test_a_reply_is_sent_from_the_response_point_with_a_signed_reply_to_and_our_message_id(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given a ticket at it-support
    # When the agent answers
    message = reply(svc, agent, ticket)

    # Then the mail comes from the response point, and its Reply-To names the ticket, signed
    assert message["From"].addresses[0].addr_spec == "it@example.com"
    assert message["To"].addresses[0].addr_spec == CUSTOMER
    reply_to = message["Reply-To"].addresses[0].addr_spec
    assert re.fullmatch(rf"it\+t{ticket.number}\.[0-9a-f]{{12}}@example\.com", reply_to)
    assert ticket_number_from_address(reply_to, svc.mail.secret) == ticket.number
    assert re.fullmatch(r"<[0-9a-z]+@servit\.test>", str(message["Message-ID"]))
    assert text_of(message).startswith("Prova att byta toner.")


def test_a_reply_threads_to_the_customers_mail_and_the_whole_thread(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given a ticket with one answer already sent
    first = reply(svc, agent, ticket, text="Första svaret.")

    # When the agent answers again
    second = reply(svc, agent, ticket, text="Andra svaret.")

    # Then both answer the customer's mail, and References carry the thread in order
    assert first["In-Reply-To"] == "<request-1@kund.example.se>"
    assert second["In-Reply-To"] == "<request-1@kund.example.se>"
    assert str(second["References"]).split() == [
        "<request-1@kund.example.se>",
        str(first["Message-ID"]),
    ]


@pytest.mark.parametrize(
    ("tag_in_subject", "fmt", "expected"),
    [
        (True, "[#{number}]", "Re: Skrivaren skriver tomma sidor [#{number}]"),
        (True, "(Ärende {number})", "Re: Skrivaren skriver tomma sidor (Ärende {number})"),
        (False, "[#{number}]", "Re: Skrivaren skriver tomma sidor"),
    ],
    ids=["default-tag", "custom-tag-format", "no-tag"],
)
def test_the_ticket_tag_is_in_the_subject_only_when_the_response_point_wants_it(
    svc: Services, agent: User, ticket: Ticket, tag_in_subject: bool, fmt: str, expected: str
) -> None:
    # Given the response point's subject settings
    configure_rp(svc, "it-support", tag_in_subject=tag_in_subject, subject_tag_format=fmt)

    # When the agent answers
    message = reply(svc, agent, ticket)

    # Then the subject carries the tag as configured, or none
    assert message["Subject"] == expected.replace("{number}", str(ticket.number))


def test_cc_and_bcc_reach_the_envelope_but_bcc_is_never_in_the_headers(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # When the agent answers with a cc and a bcc
    outbound.send_reply(
        svc,
        agent,
        ticket.id,
        {"text": "Svar.", "cc": ["chef@kund.example.se"], "bcc": ["tyst@example.com"]},
    )

    # Then all three receive it, and no copy reveals the bcc
    [mail] = [m for m in sent(svc)]
    assert set(mail.recipients) == {CUSTOMER, "chef@kund.example.se", "tyst@example.com"}
    assert b"tyst@example.com" not in mail.raw
    message = parsed(mail.raw)
    assert message["Bcc"] is None
    assert message["Cc"].addresses[0].addr_spec == "chef@kund.example.se"


def test_a_reply_goes_to_the_cc_kept_on_the_ticket_by_default(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given the customer cc'd a colleague when she wrote
    assert ticket.cc == ["bo.berg@kund.example.se"]

    # When the agent answers without naming a cc
    message = reply(svc, agent, ticket)

    # Then the colleague gets the answer too
    assert [a.addr_spec for a in message["Cc"].addresses] == ["bo.berg@kund.example.se"]


def test_an_explicitly_empty_cc_sends_the_reply_to_the_customer_only(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given a ticket with a cc kept from the customer's mail
    assert ticket.cc

    # When the agent answers with the cc emptied
    message = reply(svc, agent, ticket, cc=[])

    # Then only the customer gets it
    assert message["Cc"] is None
    assert sent(svc)[-1].recipients == (CUSTOMER,)


def test_an_agent_reply_is_not_marked_automatic_but_an_acknowledgement_is(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given a response point that acknowledges new tickets
    configure_rp(svc, "it-support", auto_acknowledge=True)
    deliver(
        svc,
        mail_file("customer_request.eml", to="it@example.com", message_id="r2@x.se"),
        ["it@example.com"],
    )
    acknowledgement = parsed(sent(svc)[-1].raw)

    # When the agent answers a ticket
    message = reply(svc, agent, ticket)

    # Then only the robot's mail says Auto-Submitted
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert message["Auto-Submitted"] is None


def test_html_attachments_and_the_recorded_event_of_a_reply(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # When the agent answers with HTML and a file
    pdf = b"%PDF-1.4 manual"
    event = outbound.send_reply(
        svc,
        agent,
        ticket.id,
        {
            "text": "Se manualen.",
            "html": "<p>Se <b>manualen</b>.</p>",
            "attachments": [
                {
                    "filename": "manual.pdf",
                    "content_type": "application/pdf",
                    "content_base64": base64.b64encode(pdf).decode(),
                }
            ],
        },
    )

    # Then the mail has both bodies and the file, and the history holds all of it
    message = parsed(sent(svc)[-1].raw)
    assert "<b>manualen</b>" in html_of(message)
    [attached] = list(message.iter_attachments())
    assert (attached.get_filename(), attached.get_content()) == ("manual.pdf", pdf)
    assert event.type == EventType.MESSAGE_OUT
    assert event.data["message_id"] == str(message["Message-ID"]).strip("<>")
    assert svc.blobs.get(event.data["raw_key"]) == sent(svc)[-1].raw
    assert svc.blobs.get(event.data["attachments"][0]["key"]) == pdf


def test_asking_the_customer_puts_the_ticket_with_the_contact(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # When the agent asks the customer something
    reply(svc, agent, ticket, ask_customer=True)

    # Then the ticket waits for the customer
    assert svc.tickets.get(ticket.id).status is Status.WITH_CONTACT


@pytest.mark.parametrize(
    "body",
    [
        {"cc": ["chef@kund.example.se\r\nBcc: spy@evil.example"]},
        {"to": ["anna@kund.example.se\nBcc: spy@evil.example"]},
        {"bcc": ["tyst@example.com\r\n"]},
        {
            "attachments": [
                {
                    "filename": "a.txt\r\nContent-Type: text/html",
                    "content_type": "text/plain",
                    "content_base64": "aGVq",
                }
            ]
        },
        {
            "attachments": [
                {
                    "filename": "a.txt",
                    "content_type": "text/plain\r\nX-Evil: 1",
                    "content_base64": "aGVq",
                }
            ]
        },
    ],
    ids=["cc", "to", "bcc", "attachment-filename", "attachment-content-type"],
)
def test_header_values_with_line_breaks_are_refused_and_nothing_is_sent_or_recorded(
    svc: Services, agent: User, ticket: Ticket, body: dict[str, object]
) -> None:
    # Given the ticket's history as it is
    before = svc.tickets.events(ticket.id)
    blobs_before = set(svc.blobs.blobs)  # type: ignore[attr-defined]

    # When a reply smuggles a line break into a header value
    with pytest.raises(ValidationError):
        outbound.send_reply(svc, agent, ticket.id, {"text": "Hej", **body})

    # Then nothing was sent, stored or recorded
    assert sent(svc) == []
    assert svc.tickets.events(ticket.id) == before
    assert set(svc.blobs.blobs) == blobs_before  # type: ignore[attr-defined]


def test_a_ticket_title_with_a_line_break_cannot_smuggle_a_header_into_the_subject(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given a ticket whose title holds a line break
    stored = svc.tickets.get(ticket.id)
    stored.title = "Skrivaren\r\nBcc: spy@evil.example"
    svc.tickets.save(stored)

    # When the agent answers
    with pytest.raises(ValidationError):
        outbound.send_reply(svc, agent, ticket.id, {"text": "Hej"})

    # Then nothing left
    assert sent(svc) == []


def test_the_customers_answer_to_our_reply_lands_in_the_same_ticket(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given our answer as the customer received it
    reply(svc, agent, ticket)

    # When she answers it, quoting us
    entry = deliver(svc, quote_reply(svc, sent(svc)[-1].raw, text="Nu fungerar det, tack!"))

    # Then the answer joins the ticket, and the agent sees only what she wrote
    assert (entry.outcome, entry.ticket_id) == (Outcome.APPENDED, ticket.id)
    assert inbound(svc, ticket.id)[-1].data["stripped_text"] == "Nu fungerar det, tack!"


def test_the_customers_answer_threads_by_message_id_when_the_reply_address_is_lost(
    svc: Services, agent: User, ticket: Ticket
) -> None:
    # Given our answer, and a customer mail program that answers the From, not the Reply-To
    configure_rp(svc, "it-support", tag_in_subject=False)
    ours = reply(svc, agent, ticket)
    raw = quote_reply(svc, sent(svc)[-1].raw).replace(
        str(ours["Reply-To"]).encode(), b"it@example.com"
    )

    # When it arrives
    entry = deliver(svc, raw, ["it@example.com"])

    # Then it still lands in the ticket, through In-Reply-To
    assert (entry.ticket_id, entry.threading_rule) == (ticket.id, "message_id")


# --- signatures (S13) --------------------------------------------------------


SCOPES = {
    "personal-rp": "user-rp:agent3:it-support",
    "rp": "rp:it-support",
    "user": "user:agent3",
    "global": "global",
    "other-rp": "rp:kundtjanst",
    "other-user": "user:agent1",
    "personal-other-rp": "user-rp:agent3:kundtjanst",
}


@pytest.mark.parametrize(
    ("registered", "chosen"),
    [
        (["personal-rp", "rp", "user", "global"], "personal-rp"),
        (["rp", "user", "global"], "rp"),
        (["user", "global", "other-rp", "personal-other-rp"], "user"),
        (["global", "other-user", "other-rp"], "global"),
        (["other-user", "other-rp", "personal-other-rp"], None),
    ],
    ids=[
        "personal-per-rp-first",
        "then-the-response-points",
        "then-the-users",
        "then-the-global",
        "none-that-applies",
    ],
)
def test_the_most_specific_signature_is_used(
    svc: Services,
    people: dict[str, User],
    agent: User,
    ticket: Ticket,
    registered: list[str],
    chosen: str | None,
) -> None:
    # Given signatures registered for several scopes
    for name in registered:
        mail_admin.put_signature(
            svc, people["admin"], name, {"scope": SCOPES[name], "text": f"Signatur {name}"}
        )

    # When the agent answers a ticket at it-support
    text = text_of(reply(svc, agent, ticket))

    # Then the most specific one that applies closes the mail, and only that one
    found = re.findall(r"Signatur [\w-]+", text)
    assert found == ([f"Signatur {chosen}"] if chosen else [])


def test_a_signature_logo_is_an_inline_cid_image_of_the_html_part(
    svc: Services, people: dict[str, User], agent: User, ticket: Ticket
) -> None:
    # Given a response point signature with a logo
    admin = people["admin"]
    mail_admin.put_signature(
        svc, admin, "it", {"scope": "rp:it-support", "text": "IT-support\nTel 010-123"}
    )
    mail_admin.put_signature_logo(
        svc,
        admin,
        "it",
        {"content_type": "image/png", "content_base64": base64.b64encode(LOGO).decode()},
    )

    # When the agent answers in plain text
    message = reply(svc, agent, ticket)

    # Then the HTML part shows the logo through cid:, carried in the same related part
    html = html_of(message)
    cid = re.search(r'src="cid:([^"]+)"', html)
    assert cid is not None
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert [str(p["Content-ID"]) for p in images] == [f"<{cid.group(1)}>"]
    assert images[0].get_content() == LOGO
    assert "IT-support" in html and "Prova att byta toner." in html
    assert text_of(message).rstrip().endswith("IT-support\nTel 010-123")


def test_two_signatures_cannot_share_a_scope(svc: Services, people: dict[str, User]) -> None:
    # Given a global signature
    admin = people["admin"]
    mail_admin.put_signature(svc, admin, "a", {"scope": "global", "text": "A"})

    # When a second one is registered for the same scope
    # Then it is refused: which of the two applies would be a guess
    with pytest.raises(ValidationError):
        mail_admin.put_signature(svc, admin, "b", {"scope": "global", "text": "B"})


# --- acknowledgements --------------------------------------------------------


@pytest.mark.parametrize(
    ("rp_id", "to", "contact_language", "expected_words"),
    [
        ("kundtjanst", "kundtjanst@example.com", None, "Tack för ditt meddelande"),
        ("it-support", "it@example.com", None, "Thank you for your message"),
        ("kundtjanst", "kundtjanst@example.com", "en", "Thank you for your message"),
        ("it-support", "it@example.com", "sv", "Tack för ditt meddelande"),
    ],
    ids=[
        "new-contact-swedish-response-point",
        "new-contact-english-response-point",
        "english-contact",
        "swedish-contact",
    ],
)
def test_a_new_ticket_is_acknowledged_in_the_contacts_language(
    svc: Services,
    people: dict[str, User],
    rp_id: str,
    to: str,
    contact_language: str | None,
    expected_words: str,
) -> None:
    # Given a response point that acknowledges, and perhaps a known contact with a language
    configure_rp(svc, rp_id, auto_acknowledge=True)
    if contact_language:
        contacts.create_contact(
            svc, {"name": "Anna", "emails": [CUSTOMER], "language": contact_language}
        )

    # When the contact writes a new request
    entry = deliver(svc, mail_file("customer_request.eml", to=to), [to])

    # Then the acknowledgement names the ticket, in the contact's language, and is recorded
    number = svc.tickets.get(entry.ticket_id or "").number
    [mail] = sent(svc)
    message = parsed(mail.raw)
    assert mail.recipients == (CUSTOMER,)
    assert expected_words in text_of(message)
    assert f"#{number}" in text_of(message)
    assert message["In-Reply-To"] == "<request-1@kund.example.se>"
    [event] = events_of(svc, entry.ticket_id or "", EventType.MESSAGE_OUT)
    assert event.data["acknowledgement"] is True and event.data["automatic"] is True


def test_no_acknowledgement_where_the_response_point_does_not_want_one(
    svc: Services, people: dict[str, User]
) -> None:
    # Given a response point without acknowledgements (the default)
    # When a new request arrives
    deliver(svc, mail_file("customer_request.eml"))

    # Then nothing is sent
    assert sent(svc) == []


def test_no_acknowledgement_for_a_reply_to_an_existing_ticket(
    svc: Services, people: dict[str, User]
) -> None:
    # Given an acknowledged ticket
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)
    first = deliver(svc, mail_file("customer_request.eml"))
    number = svc.tickets.get(first.ticket_id or "").number

    # When the customer adds something to it
    deliver(svc, mail_file("customer_reply.eml", subject=f"Re: [#{number}]", message_id="r@x.se"))

    # Then no second acknowledgement is sent
    assert len(sent(svc)) == 1


def test_a_failing_acknowledgement_does_not_undo_the_ticket(
    svc: Services, people: dict[str, User]
) -> None:
    # Given a mail service that is down
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)
    svc.mailer.fail_with = RuntimeError("SES throttled")  # type: ignore[attr-defined]

    # When a new request arrives
    entry = deliver(svc, mail_file("customer_request.eml"))

    # Then the ticket is there all the same
    assert entry.outcome is Outcome.CREATED
    assert len(inbound(svc, entry.ticket_id or "")) == 1
