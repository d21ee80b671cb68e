"""The mail claims and the mail log on the fake and on DynamoDB Local alike: reused
Message-IDs, ids beyond DynamoDB's key limit, and the envelope sender kept for replay."""

from __future__ import annotations

import pytest

from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from tests.support import seed_helpdesk
from tests.unit.mail.flows import store_raw


@pytest.fixture
def people(any_services: Services) -> dict[str, User]:
    return seed_helpdesk(any_services)


def mail(
    subject: str, message_id: str, *, sender: str = "a@kund.example.se", extra: str = ""
) -> bytes:
    return (
        f"From: {sender}\r\nTo: kundtjanst@example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: <{message_id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n"
        f"\r\nText of {subject}.\r\n"
    ).encode()


def ingest(
    svc: Services, raw: bytes, key: str, envelope: str | None = None
) -> mail_intake.MailLogEntry:
    return mail_intake.ingest(
        svc, store_raw(svc, raw, key), ["kundtjanst@example.com"], envelope_sender=envelope
    )


@pytest.mark.usefixtures("people")
def test_a_reused_message_id_files_both_mails_and_a_redelivery_of_either_is_a_duplicate(
    any_services: Services,
) -> None:
    first = ingest(any_services, mail("[TRK-7] created", "42@tracker.example"), "k1")
    second = ingest(any_services, mail("[TRK-7] comment", "42@tracker.example"), "k2")
    first_again = ingest(any_services, mail("[TRK-7] created", "42@tracker.example"), "k3")
    second_again = ingest(any_services, mail("[TRK-7] comment", "42@tracker.example"), "k4")
    assert (first.outcome, second.outcome) == (Outcome.CREATED, Outcome.CREATED)
    assert first.ticket_id != second.ticket_id
    assert (first_again.outcome, first_again.ticket_id) == (Outcome.IGNORED, first.ticket_id)
    assert (second_again.outcome, second_again.ticket_id) == (Outcome.IGNORED, second.ticket_id)


@pytest.mark.usefixtures("people")
def test_ids_beyond_the_key_limit_are_filed_threaded_and_logged(any_services: Services) -> None:
    long_id = "y" * 3_000 + "@odd.example"
    first = ingest(any_services, mail("Långt", long_id), "k1")
    junk = "x" * 2_700 + "@junk.example"
    refs = " ".join(f"<r{n}@junk.example>" for n in range(2_000)) + f" <{long_id}>"
    reply = ingest(
        any_services,
        mail(
            "Re: Långt",
            "r1@kund.example.se",
            extra=f"In-Reply-To: <{junk}>\r\nReferences: {refs}\r\n",
        ),
        "k2",
    )
    assert first.outcome is Outcome.CREATED
    # The real reference is the last one, but 3,000 characters: too long to thread by
    assert reply.outcome is Outcome.CREATED
    [logged] = any_services.mail_log.by_message_id(long_id[: mail_intake.MAX_LOGGED_ID])
    assert logged.ticket_id == first.ticket_id
    assert ingest(any_services, mail("Långt", long_id), "k3").outcome is Outcome.IGNORED


@pytest.mark.usefixtures("people")
def test_the_mail_log_keeps_the_envelope_sender_for_a_replay(any_services: Services) -> None:
    raw = mail("Larm", "larm-1@drift.example.se", sender="Larmcentralen")
    held = mail_intake.ingest(
        any_services, store_raw(any_services, raw, "k1"), ["kundtjanst@example.com"],
        envelope_sender="larm@drift.example.se", hold="held: test",
    )  # fmt: skip
    assert any_services.mail_log.get(held.id).envelope_sender == "larm@drift.example.se"
    replayed = mail_intake.replay(any_services, held.id)
    assert (replayed.outcome, replayed.sender) == (Outcome.CREATED, "larm@drift.example.se")


def test_a_claim_is_won_once_and_released_only_by_its_holder(any_services: Services) -> None:
    # The acknowledgement's Message-ID is claimed before the mail is sent (outbound).
    lookups = any_services.lookups
    assert lookups.claim("msgid#ack-1@servit.test", "ticket-1") is True
    assert lookups.claim("msgid#ack-1@servit.test", "ticket-1") is False  # a redelivery
    assert lookups.get("msgid#ack-1@servit.test") == "ticket-1"
    lookups.release("msgid#ack-1@servit.test", "ticket-2")  # not its holder: kept
    assert lookups.get("msgid#ack-1@servit.test") == "ticket-1"
    lookups.release("msgid#ack-1@servit.test", "ticket-1")  # the send failed: the retry may
    assert lookups.get("msgid#ack-1@servit.test") is None
    lookups.release("msgid#ack-1@servit.test", "ticket-1")  # twice: nothing to undo
    assert lookups.claim("msgid#ack-1@servit.test", "ticket-1") is True
