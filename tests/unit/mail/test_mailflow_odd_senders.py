"""Every sender becomes a ticket (issue 9, class 2): addresses RFC 5322 allows stay as
given, broken forms are salvaged, missing ones are taken from Sender, Reply-To,
Return-Path or the SMTP envelope, and a mail with no address at all is still filed."""

from __future__ import annotations

import pytest

from chalicelib.domain.mail_log import Outcome
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from tests.unit.mail.flows import inbound, store_raw

pytestmark = pytest.mark.usefixtures("people")


def mail_with(headers: str, body: str = "Hej, jag behöver hjälp med min faktura.") -> bytes:
    return (
        f"{headers}To: kundtjanst@example.com\r\nSubject: Fakturafråga\r\n"
        "Date: Tue, 08 Dec 2026 08:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"\r\n{body}\r\n"
    ).encode()


CASES = [
    # (header lines, envelope sender, expected contact address, expected name, note)
    ('From: "john smith"@example.com\r\n', None, '"john smith"@example.com', "", None),
    ("From: Helpdesk <helpdesk@intranet>\r\n", None, "helpdesk@intranet", "Helpdesk", None),
    (
        "From: Test User test@example.com\r\n",
        None,
        "test@example.com",
        "Test User",
        "malformed address",
    ),
    (
        "From: Kalle Anka\r\nReply-To: kalle@ankeborg.example.se\r\n",
        None,
        "kalle@ankeborg.example.se",
        "Kalle Anka",
        "sender taken from Reply-To",
    ),
    (
        "From: a@kund.example.se, b@kund.example.se\r\nSender: a@kund.example.se\r\n",
        None,
        "a@kund.example.se",
        "",
        "several From addresses",
    ),
    (
        "Sender: Växeln <vaxel@kommun.example.se>\r\n",
        None,
        "vaxel@kommun.example.se",
        "Växeln",
        "no From header; sender taken from Sender",
    ),
    (
        "Return-Path: <skript@server.example.se>\r\n",
        None,
        "skript@server.example.se",
        "",
        "sender taken from Return-Path",
    ),
    (
        "From: <>\r\n",
        "cron@backup.example.se",
        "cron@backup.example.se",
        "",
        "sender taken from the SMTP envelope",
    ),
    ("From: Dörte <dörte@exämple.se>\r\n", None, "dörte@exämple.se", "Dörte", None),
]


@pytest.mark.parametrize(
    ("headers", "envelope", "address", "name", "note"),
    CASES,
    ids=[
        "quoted-local-part",
        "domain-without-dot",
        "no-angle-brackets",
        "display-name-only-reply-to",
        "several-from",
        "no-from-sender",
        "no-from-return-path",
        "empty-from-envelope",
        "utf8-local-part-idn-domain",
    ],
)
def test_every_sender_form_becomes_a_ticket_with_a_contact(
    svc: Services,
    headers: str,
    envelope: str | None,
    address: str,
    name: str,
    note: str | None,
) -> None:
    # Given a mail whose sender strict validation used to refuse
    key = store_raw(svc, mail_with(headers))

    # When it arrives (with its SMTP envelope sender, as SES and our SMTP server pass it)
    entry = mail_intake.ingest(svc, key, ["kundtjanst@example.com"], envelope_sender=envelope)

    # Then it is a ticket, not a quarantined mail, and its contact has the address
    assert entry.outcome is Outcome.CREATED, entry.reason
    ticket = svc.tickets.get(entry.ticket_id or "")
    contact = svc.contacts.get(ticket.contact_id or "")
    assert contact.emails == [address]
    if name:
        assert contact.name == name
    assert entry.sender == address
    # And what was guessed is noted on the message for the agent
    [message] = inbound(svc, ticket.id)
    assert message.data["text"] == "Hej, jag behöver hjälp med min faktura."
    if note:
        assert any(note in problem for problem in message.data["problems"])


def test_a_replay_uses_the_envelope_sender_the_mail_arrived_with(svc: Services) -> None:
    # Given a mail without sender headers that was quarantined for another reason
    key = store_raw(svc, mail_with(""))
    entry = mail_intake.ingest(
        svc, key, ["kundtjanst@example.com"], envelope_sender="larm@drift.example.se",
        hold="held: SES marked the mail as spam (spamVerdict FAIL); replay files it",
    )  # fmt: skip
    assert entry.outcome is Outcome.QUARANTINED

    # When an admin replays it
    replayed = mail_intake.replay(svc, entry.id)

    # Then the envelope sender it came with is its sender
    assert replayed.outcome is Outcome.CREATED
    assert replayed.sender == "larm@drift.example.se"


@pytest.mark.parametrize(
    ("headers", "name"),
    [("From: Bara Ett Namn\r\n", "Bara Ett Namn"), ("", "Unknown sender")],
    ids=["display-name-only", "no-sender-headers-at-all"],
)
def test_a_mail_without_any_address_is_filed_under_a_contact_without_address(
    svc: Services, headers: str, name: str
) -> None:
    # Given a mail with no usable address anywhere, not even in the envelope
    key = store_raw(svc, mail_with(headers))

    # When it arrives
    entry = mail_intake.ingest(svc, key, ["kundtjanst@example.com"], envelope_sender="")

    # Then it is a ticket with a contact card named as the mail names its sender
    assert entry.outcome is Outcome.CREATED
    ticket = svc.tickets.get(entry.ticket_id or "")
    contact = svc.contacts.get(ticket.contact_id or "")
    assert contact.emails == []
    assert contact.name == name
    # And the history and the mail log say why there is no address
    [message] = inbound(svc, ticket.id)
    assert mail_intake.NO_SENDER in message.data["problems"]
    assert mail_intake.NO_SENDER in entry.reason
    # And nobody was sent an acknowledgement
    assert svc.mailer.sent == []  # type: ignore[attr-defined]
