"""E-mail intake (S1, S4): what a received mail becomes, and that nothing is ever dropped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.channels.email import mime_in
from chalicelib.channels.email.errors import MailParseError
from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import ResponsePoint, Settings
from chalicelib.domain.records import to_record
from chalicelib.domain.reply_address import reply_address
from chalicelib.services import directory
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from tests.support import FrozenClock
from tests.unit.mail.flows import deliver, inbound, mail_file, store_raw

pytestmark = pytest.mark.usefixtures("people")


def test_received_mail_becomes_a_ticket_whose_event_holds_every_header_an_agent_needs(
    svc: Services,
) -> None:
    # Given a customer's HTML mail with a cc, a Reply-To, an inline image and a PDF
    raw = mail_file("rich_html_inline_image_and_pdf.eml", sender="asa.oberg@kund.example.se")

    # When it is delivered
    entry = deliver(svc, raw)

    # Then a ticket is created, and its message event says who wrote what, to whom, when
    assert entry.outcome is Outcome.CREATED
    [event] = inbound(svc, entry.ticket_id or "")
    data = event.data
    assert data["from"] == "asa.oberg@kund.example.se"
    assert data["from_name"] == "Åsa Öberg"
    assert data["to"] == ["kundtjanst@example.com"]
    assert data["cc"] == ["carl.chef@kund.example.se"]
    assert data["reply_to"] == ["asa.privat@example.org"]
    assert data["subject"] == "Faktura med fel belopp – se bild"
    assert data["date"] == "2026-03-04T13:30:00+01:00"
    assert data["message_id"] == "request-1@kund.example.se"
    assert data["text"].startswith("Hej, fakturan har fel belopp.")
    assert data["threading_rule"] == "new"
    assert data["raw_key"] == entry.raw_key


def test_html_is_sanitised_and_cid_images_point_at_the_stored_attachment(svc: Services) -> None:
    # Given an HTML mail with a script, an onclick and an inline image
    entry = deliver(svc, mail_file("rich_html_inline_image_and_pdf.eml"))

    # When the agent reads the stored HTML
    [event] = inbound(svc, entry.ticket_id or "")
    html = event.data["html"]

    # Then the active content is gone and the image is served from our attachment URL
    assert "<script" not in html and "alert(" not in html and "onclick" not in html
    url = f"/api/tickets/{entry.ticket_id}/events/{event.event_id}/attachments/0"
    assert f'src="{url}"' in html
    assert "cid:" not in html


def test_attachments_are_stored_with_name_type_size_content_id_and_inline_flag(
    svc: Services,
) -> None:
    # Given a mail with an inline screenshot and an attached PDF
    raw = mail_file("rich_html_inline_image_and_pdf.eml")

    # When it is delivered
    entry = deliver(svc, raw)

    # Then both files are described on the event and stored byte for byte
    [event] = inbound(svc, entry.ticket_id or "")
    image, pdf = event.data["attachments"]
    assert (image["filename"], image["content_type"], image["inline"]) == (
        "skarmbild.png",
        "image/png",
        True,
    )
    assert image["content_id"] == "screenshot.1@kund.example.se"
    assert (pdf["filename"], pdf["content_type"], pdf["inline"], pdf["content_id"]) == (
        "faktura-2026-03.pdf",
        "application/pdf",
        False,
        None,
    )
    assert svc.blobs.get(pdf["key"]).startswith(b"%PDF-1.4")
    assert pdf["size"] == len(svc.blobs.get(pdf["key"]))
    assert svc.blobs.get(image["key"]).startswith(b"\x89PNG")
    assert image["size"] == len(svc.blobs.get(image["key"]))


def test_the_stripped_reply_is_kept_beside_the_full_body(svc: Services) -> None:
    # Given a customer reply that quotes our earlier answer
    raw = mail_file("customer_reply.eml", reply_text="Nu blinkar en röd lampa.")

    # When it is delivered
    entry = deliver(svc, raw)

    # Then the agent sees only what is new, and the whole body is still there
    [event] = inbound(svc, entry.ticket_id or "")
    assert event.data["stripped_text"] == "Nu blinkar en röd lampa."
    assert "> Har ni provat att byta tonerkassett?" in event.data["text"]
    assert event.data["text"].startswith("Nu blinkar en röd lampa.")


def test_the_raw_mail_stays_stored_unchanged_under_the_key_intake_was_given(
    svc: Services,
) -> None:
    # Given a raw mail stored by SES
    raw = mail_file("customer_request.eml")
    key = store_raw(svc, raw, "ses/2026/03/02/abc123")

    # When intake processes it
    entry = mail_intake.ingest(svc, key, ["kundtjanst@example.com"])

    # Then the event points at that original, which is byte for byte what arrived
    [event] = inbound(svc, entry.ticket_id or "")
    assert event.data["raw_key"] == "ses/2026/03/02/abc123"
    assert svc.blobs.get(event.data["raw_key"]) == raw


def test_a_new_ticket_takes_title_and_description_from_the_mail(svc: Services) -> None:
    # Given a new request
    raw = mail_file("customer_request.eml", subject="Skrivaren på plan 3")

    # When it is delivered
    entry = deliver(svc, raw)

    # Then the ticket is an e-mail ticket of the response point owning the address
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert ticket.title == "Skrivaren på plan 3"
    assert ticket.channel == "email"
    assert ticket.response_point_id == "kundtjanst"
    assert "skriver bara ut tomma sidor" in ticket.description
    assert ticket.number >= 10001


def test_the_sender_is_found_among_contacts_whatever_the_case_of_the_address(
    svc: Services,
) -> None:
    # Given a known contact
    first = deliver(svc, mail_file("customer_request.eml", sender="anna.andersson@kund.example.se"))
    known = svc.tickets.get(first.ticket_id or "").contact_id

    # When she writes a new mail with her address in other case
    second = deliver(
        svc,
        mail_file(
            "customer_request.eml",
            sender="Anna.Andersson@KUND.example.SE",
            message_id="request-2@kund.example.se",
            subject="Ny fråga",
        ),
    )

    # Then the new ticket is hers: no second contact card
    assert second.outcome is Outcome.CREATED
    assert svc.tickets.get(second.ticket_id or "").contact_id == known
    assert svc.contacts.list().items == [svc.contacts.get(known or "")]


def test_an_unknown_sender_becomes_a_new_contact_with_name_and_address(svc: Services) -> None:
    # Given no contacts
    # When a stranger writes
    entry = deliver(
        svc, mail_file("customer_request.eml", sender="ny.kund@example.org", sender_name="Ny Kund")
    )

    # Then a contact card is made for them
    contact = svc.contacts.get(svc.tickets.get(entry.ticket_id or "").contact_id or "")
    assert (contact.name, contact.emails) == ("Ny Kund", ["ny.kund@example.org"])


def test_cc_addresses_of_the_customer_are_kept_on_the_ticket_but_not_our_own(
    svc: Services,
) -> None:
    # Given a mail cc'd to a colleague and to our own address
    raw = mail_file("customer_request.eml")

    # When it is delivered
    entry = deliver(svc, raw)

    # Then the colleague is on the ticket's cc, our address is not
    assert svc.tickets.get(entry.ticket_id or "").cc == ["bo.berg@kund.example.se"]


@pytest.mark.parametrize(
    ("to", "envelope", "expected"),
    [
        ("it@example.com", ["it@example.com"], "it-support"),
        ("IT@Example.com", ["IT@Example.com"], "it-support"),
        ("kundtjanst+faktura@example.com", ["kundtjanst+faktura@example.com"], "kundtjanst"),
        ("okand@example.com", ["okand@example.com"], "kundtjanst"),
        ("alias@kund.example.se", ["it@example.com"], "it-support"),
    ],
    ids=[
        "owned-address",
        "owned-address-other-case",
        "plus-tagged-address",
        "unowned-address-goes-to-default",
        "envelope-recipient-counts",
    ],
)
def test_mail_goes_to_the_response_point_owning_the_address_else_the_default(
    svc: Services, to: str, envelope: list[str], expected: str
) -> None:
    # Given a mail to some address
    raw = mail_file("customer_request.eml", to=to)

    # When it is delivered with that envelope
    entry = deliver(svc, raw, envelope)

    # Then its ticket belongs to the owning response point, or the default one
    assert svc.tickets.get(entry.ticket_id or "").response_point_id == expected


def test_a_response_point_owning_a_plus_address_gets_its_mail_and_its_replies(
    svc: Services,
) -> None:
    # Given a response point on a plus address of another one's mailbox
    faktura = ResponsePoint("faktura", "Fakturor", ["kundtjanst+faktura@example.com"])
    svc.config.put(directory.RESPONSE_POINT, faktura.id, to_record(faktura))
    to = "kundtjanst+faktura@example.com"

    # When a mail is sent to that address, and later an answer to our reply address of it
    entry = deliver(svc, mail_file("customer_request.eml", to=to), [to])
    ticket = svc.tickets.get(entry.ticket_id or "")
    address = reply_address(to, ticket.number, svc.mail.secret)
    answer = deliver(
        svc,
        mail_file("customer_reply.eml", to=address, message_id="answer@kund.example.se"),
        [address],
    )

    # Then the ticket is that response point's, and the answer threads by the reply address
    assert ticket.response_point_id == "faktura"
    assert (answer.ticket_id, answer.threading_rule) == (ticket.id, "reply_address")


def test_bytes_that_are_no_mail_go_to_quarantine_with_the_reason_and_the_original_kept(
    svc: Services,
) -> None:
    # Given bytes that are not an e-mail (a PNG)
    raw = mail_file("not_a_mail.bin")

    # When they are delivered
    entry = deliver(svc, raw)

    # Then nothing is filed, the log entry waits in quarantine with why, the bytes are kept
    assert entry.outcome is Outcome.QUARANTINED
    assert entry.ticket_id is None
    assert entry.reason.startswith("cannot parse: not an e-mail")
    assert [e.id for e in svc.mail_log.quarantined()] == [entry.id]
    assert svc.blobs.get(entry.raw_key) == raw


def test_a_quarantined_mail_replayed_after_its_cause_is_fixed_becomes_a_ticket(
    svc: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a mail the parser failed on once (a parser bug, since fixed), a day ago
    real_parse = mime_in.parse_message
    failures = iter([MailParseError("parser bug: boundary handling")])

    def flaky_parse(raw: bytes, **kwargs: object) -> object:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_parse(raw, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mail_intake, "parse_message", flaky_parse)
    failed = deliver(svc, mail_file("customer_request.eml"))
    assert failed.outcome is Outcome.QUARANTINED
    assert "parser bug" in failed.reason
    clock.advance(days=1)

    # When an admin replays it
    replayed = mail_intake.replay(svc, failed.id)

    # Then it is filed as if it had just arrived, under the same log entry, out of quarantine,
    # and the log still says when it arrived
    assert replayed.outcome is Outcome.CREATED
    assert replayed.id == failed.id
    assert replayed.replayed_at == svc.clock()
    assert svc.mail_log.get(failed.id).received_at == failed.received_at
    assert svc.mail_log.quarantined() == []
    assert svc.mail_log.get(failed.id).ticket_id == replayed.ticket_id
    [event] = inbound(svc, replayed.ticket_id or "")
    assert event.data["raw_key"] == failed.raw_key


def test_a_failure_after_parsing_also_quarantines_and_the_log_knows_the_message(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given filing that breaks (a storage outage while the ticket is written)
    def broken_add(*args: object, **kwargs: object) -> None:
        raise RuntimeError("storage unavailable")

    monkeypatch.setattr(svc.tickets, "add", broken_add)

    # When a mail arrives
    entry = deliver(svc, mail_file("customer_request.eml", message_id="lost-1@kund.example.se"))

    # Then it waits in quarantine, findable by its Message-ID and sender
    assert entry.outcome is Outcome.QUARANTINED
    assert "storage unavailable" in entry.reason
    [logged] = svc.mail_log.by_message_id("lost-1@kund.example.se")
    assert (logged.id, logged.sender) == (entry.id, "anna.andersson@kund.example.se")


def test_replaying_a_mail_that_is_not_in_quarantine_is_refused(svc: Services) -> None:
    # Given a mail that was filed
    entry = deliver(svc, mail_file("customer_request.eml"))

    # When someone replays it
    # Then it is refused: replay would file it twice
    with pytest.raises(Exception, match="only quarantined mail"):
        mail_intake.replay(svc, entry.id)


def test_mail_above_the_size_limit_is_kept_unparsed_and_its_ticket_says_so(
    svc: Services,
) -> None:
    # Given a size limit smaller than the mail
    svc.mail = replace(svc.mail, max_message_bytes=1024)
    raw = mail_file("rich_html_inline_image_and_pdf.eml", sender="asa.oberg@kund.example.se")
    assert len(raw) > 1024

    # When it is delivered
    entry = deliver(svc, raw)

    # Then a ticket says the mail was too large, and the original is kept and linked
    assert entry.outcome is Outcome.CREATED
    assert entry.sender == "asa.oberg@kund.example.se"
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert svc.contacts.get(ticket.contact_id or "").emails == ["asa.oberg@kund.example.se"]
    [event] = inbound(svc, entry.ticket_id or "")
    assert event.data["oversize"] is True
    assert "above the limit" in event.data["text"]
    assert event.data["attachments"] == []
    assert svc.blobs.get(event.data["raw_key"]) == raw


def test_an_oversize_mail_delivered_twice_makes_one_ticket(svc: Services) -> None:
    # Given an oversize mail already filed
    svc.mail = replace(svc.mail, max_message_bytes=512)
    raw = mail_file("customer_request.eml")
    first = deliver(svc, raw, key="ses/big-1")

    # When SES delivers the same object again
    second = deliver(svc, raw, key="ses/big-1")

    # Then the second delivery is ignored as a duplicate, not quarantined
    assert second.outcome is Outcome.IGNORED
    assert second.ticket_id == first.ticket_id


def test_attachments_beyond_the_count_limit_are_dropped_and_the_event_says_so(
    svc: Services,
) -> None:
    # Given a limit of three attachments
    svc.mail = replace(svc.mail, max_attachments=3)

    # When a mail with five arrives
    entry = deliver(svc, mail_file("five_attachments.eml"))

    # Then the first three are stored and the event tells the agent two were dropped
    [event] = inbound(svc, entry.ticket_id or "")
    assert [a["filename"] for a in event.data["attachments"]] == [
        "printer-1.log",
        "printer-2.log",
        "printer-3.log",
    ]
    assert "2 attachments over the limit of 3 dropped" in event.data["problems"]


def test_mail_for_nobody_still_becomes_a_ticket_when_no_default_response_point_is_set(
    svc: Services,
) -> None:
    # Given a helpdesk whose default response point was removed from the settings
    svc.config.put(directory.SETTINGS, "global", to_record(Settings()))

    # When a mail arrives for an address nobody owns
    entry = deliver(
        svc, mail_file("customer_request.eml", to="vem@example.net"), ["vem@example.net"]
    )

    # Then it still becomes a ticket (in the first response point) rather than being lost
    assert entry.outcome is Outcome.CREATED
    assert svc.tickets.get(entry.ticket_id or "").response_point_id in {"it-support", "kundtjanst"}
