"""Customer notified by link (S16): a signed, expiring link to the ticket's public history
and a reply form whose messages join the ticket like e-mail replies."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest

from chalicelib.domain import portal_token
from chalicelib.domain.errors import AuthenticationError, NotFoundError
from chalicelib.domain.events import EventType
from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import contacts, portal, tickets
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound
from tests.support import FrozenClock
from tests.unit.mail.flows import configure_rp, deliver, inbound, mail_file, parsed, sent

CUSTOMER = "anna.andersson@kund.example.se"
LINK = re.compile(r"http://127\.0\.0\.1:8000/portal/t/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)")


@pytest.fixture
def admin(people: dict[str, User]) -> User:
    return people["admin"]


@pytest.fixture
def ticket(svc: Services, people: dict[str, User]) -> Ticket:
    """A ticket at kundtjanst, which notifies its customers by link."""
    configure_rp(svc, "kundtjanst", notification_mode="link")
    entry = deliver(svc, mail_file("customer_request.eml"))
    return svc.tickets.get(entry.ticket_id or "")


def answer(svc: Services, admin: User, ticket: Ticket, **body: object) -> str:
    """The agent answers; returns the portal token from the mail the customer got."""
    outbound.send_reply(svc, admin, ticket.id, {"text": "Byt tonerkassett.", **body})
    text = parsed(sent(svc)[-1].raw).get_body(preferencelist=("plain",))
    assert text is not None
    found = LINK.search(str(text.get_content()))
    assert found, text
    return found.group(1)


def test_in_link_mode_the_customer_gets_a_short_mail_with_a_link_not_the_answer(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # When the agent answers a ticket of a link-mode response point
    answer(svc, admin, ticket, text="Den hemliga lösningen är att byta tonerkassett.")

    # Then the mail holds the link and no answer text
    body = parsed(sent(svc)[-1].raw).get_body(preferencelist=("plain",))
    assert body is not None
    assert "Den hemliga lösningen" not in str(body.get_content())
    assert f"#{ticket.number}" in str(body.get_content())


def test_the_link_shows_the_whole_public_history_with_the_agents_answer(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # Given an answer sent by link
    token = answer(svc, admin, ticket, text="Byt tonerkassett, den sitter bakom luckan.")

    # When the customer opens the link
    shown = portal.view(svc, token)

    # Then she sees her mail and the answer itself
    texts = [
        e.data.get("stripped_text") or e.data.get("text")
        for e in shown.events
        if e.type in (EventType.MESSAGE_IN, EventType.MESSAGE_OUT)
    ]
    assert len(texts) == 2
    assert "tomma sidor" in (texts[0] or "")
    assert texts[1] == "Byt tonerkassett, den sitter bakom luckan."
    assert shown.ticket.id == ticket.id


def test_the_files_of_an_answer_sent_by_link_can_be_downloaded_from_the_portal(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # Given an answer with a file, sent by link (the mail itself carries no files)
    token = answer(
        svc,
        admin,
        ticket,
        attachments=[
            {
                "filename": "manual.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(b"%PDF manual").decode(),
            }
        ],
    )
    assert list(parsed(sent(svc)[-1].raw).iter_attachments()) == []

    # When the customer opens the link and the file
    shown = portal.view(svc, token)
    [out] = [e for e in shown.events if e.type == EventType.MESSAGE_OUT]
    ref, payload = portal.attachment(svc, token, out.event_id, 0)

    # Then she gets the file
    assert (ref["filename"], payload) == ("manual.pdf", b"%PDF manual")


def test_internal_notes_and_bounces_are_never_shown_on_the_portal(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # Given an internal note, and a bounce of our answer (link mode sends to the contact only)
    tickets.add_note(svc, admin, ticket.id, {"kind": "note", "text": "Kunden är besvärlig."})
    token = answer(svc, admin, ticket)
    deliver(
        svc,
        mail_file(
            "dsn_report.eml",
            message_id="dsn@x.example",
            recipient=sent(svc)[-1].recipients[0],
            original_id=sent(svc)[-1].message_id,
        ),
    )
    assert inbound(svc, ticket.id)[-1].data["bounce"]

    # When the customer opens the link
    shown = portal.view(svc, token)

    # Then neither the note nor the bounce (robot text, internal) is there
    assert all(e.type != EventType.NOTE for e in shown.events)
    assert [e.data.get("bounce") for e in shown.events if e.type == EventType.MESSAGE_IN] == [None]


@pytest.mark.parametrize(
    ("language", "expected"), [("sv", "sv"), ("en", "en")], ids=["swedish", "english"]
)
def test_the_portal_speaks_the_contacts_language(
    svc: Services, admin: User, ticket: Ticket, language: str, expected: str
) -> None:
    # Given a contact with a language
    contact_id = ticket.contact_id or ""
    contacts.update_contact(svc, contact_id, {"language": language}, if_match=None)

    # When she opens the link
    shown = portal.view(svc, answer(svc, admin, ticket))

    # Then the page is in her language
    assert shown.language == expected


def test_a_portal_reply_joins_the_ticket_like_an_email_reply(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # Given a question to the customer, sent by link
    token = answer(svc, admin, ticket, ask_customer=True)
    assert svc.tickets.get(ticket.id).status is Status.WITH_CONTACT

    # When she answers in the portal with a photo
    entry = portal.reply(svc, token, "Här är en bild.", [("foto.jpg", "image/jpeg", b"\xff\xd8")])

    # Then the message is on the ticket with the file, and the ticket is back with the agents
    assert (entry.outcome, entry.ticket_id) == (Outcome.APPENDED, ticket.id)
    message = inbound(svc, ticket.id)[-1]
    assert message.data["channel"] == "portal"
    assert message.data["text"] == "Här är en bild."
    assert message.data["from"] == CUSTOMER
    [photo] = message.data["attachments"]
    assert svc.blobs.get(photo["key"]) == b"\xff\xd8"
    assert svc.tickets.get(ticket.id).status is Status.OPEN
    assert svc.mail_log.get(entry.id).ticket_id == ticket.id


def test_a_portal_reply_to_a_closed_ticket_within_the_window_reopens_it(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # Given a closed ticket and a link the customer got
    token = answer(svc, admin, ticket)
    tickets.update_ticket(svc, admin, ticket.id, {"status": "closed"}, if_match=None)

    # When she writes in the portal
    entry = portal.reply(svc, token, "Det krånglar igen.", [])

    # Then the ticket reopens
    assert entry.outcome is Outcome.REOPENED
    assert svc.tickets.get(ticket.id).status is Status.OPEN


def altered(token: str) -> str:
    body, signature = token.split(".")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    # version|ticket|contact|expires|addresses|generation
    fields = raw.split("|")
    fields[3] = str(int(fields[3]) + 86400 * 365)
    longer = "|".join(fields).encode()
    return base64.urlsafe_b64encode(longer).decode().rstrip("=") + "." + signature


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: "nonsense",
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        altered,
        lambda token: token + ".x",
        lambda token: token + "x",
        lambda token: "",
        lambda token: base64.urlsafe_b64encode(b"t|c|99999999999999999999").decode() + ".AAAA",
    ],
    ids=[
        "garbage",
        "signature-changed",
        "expiry-extended",
        "extra-part",
        "trailing-character",
        "empty",
        "absurd-expiry",
    ],
)
def test_a_wrong_or_altered_link_is_refused(
    svc: Services, admin: User, ticket: Ticket, spoil: object
) -> None:
    # Given a real link, spoiled
    token = spoil(answer(svc, admin, ticket))  # type: ignore[operator]

    # When it is used to read or to write
    # Then both are refused
    with pytest.raises(AuthenticationError):
        portal.view(svc, token)
    with pytest.raises(AuthenticationError):
        portal.reply(svc, token, "Släpp in mig", [])
    assert len(inbound(svc, ticket.id)) == 1


def test_a_link_expires_after_the_configured_days(
    svc: Services, admin: User, ticket: Ticket, clock: FrozenClock
) -> None:
    # Given a link the customer got
    token = answer(svc, admin, ticket)

    # When it is used the day before and just after its expiry
    clock.advance(days=svc.mail.portal_link_days - 1)
    portal.view(svc, token)
    clock.advance(days=1, seconds=1)

    # Then the late use is refused as expired
    with pytest.raises(AuthenticationError) as refused:
        portal.view(svc, token)
    assert refused.value.code == "expired_link"


def test_a_link_for_a_contact_who_is_not_the_tickets_contact_is_refused(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # Given a correctly signed link naming this ticket and some other contact
    other = contacts.create_contact(svc, {"name": "Bo", "emails": ["bo@example.org"]})
    grant = portal_token.PortalGrant(ticket.id, other.id, svc.clock() + timedelta(days=1))
    token = portal_token.issue(grant, svc.mail.secret)

    # When it is used
    # Then the ticket is not shown
    with pytest.raises(AuthenticationError):
        portal.view(svc, token)


def test_the_portal_serves_files_of_this_tickets_messages_only(
    svc: Services, admin: User, ticket: Ticket
) -> None:
    # Given a second customer's ticket with a file
    token = answer(svc, admin, ticket)
    other = deliver(
        svc,
        mail_file("rich_html_inline_image_and_pdf.eml", sender="asa@example.org", message_id="o@x"),
    )
    other_event = inbound(svc, other.ticket_id or "")[0]

    # When the first customer asks for the other ticket's file through her link
    # Then there is no such file
    with pytest.raises(NotFoundError):
        portal.attachment(svc, token, other_event.event_id, 1)
