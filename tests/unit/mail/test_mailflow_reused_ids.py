"""A reused Message-ID never loses a mail (issue 9, class 1): only the same mail
delivered again is a duplicate; a different mail under the same id is filed, logged as
such, and cannot pull itself or later replies into another customer's ticket."""

from __future__ import annotations

import threading

import pytest

from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.organisation import User
from chalicelib.services import lookup_keys
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from tests.unit.mail.flows import deliver, inbound, store_raw

pytestmark = pytest.mark.usefixtures("people")

TRACKER_ID = "42@tracker.example"


def tracker_mail(
    subject: str,
    body: str,
    *,
    sender: str = "noreply-tracker@tracker.example.org",
    message_id: str = TRACKER_ID,
    relay: str = "mx1.tracker.example.org",
    extra: str = "",
) -> bytes:
    """A notification as issue trackers send them: one Message-ID for every change."""
    return (
        f"Received: from {relay} by inbound-smtp.eu-north-1.amazonaws.com; "
        "Mon, 07 Dec 2026 10:00:00 +0000\r\n"
        f"X-SES-Spam-Verdict: PASS\r\nDKIM-Signature: v=1; d=tracker.example.org; b={relay}\r\n"
        f"{extra}"
        f"From: Tracker <{sender}>\r\nTo: kundtjanst@example.com\r\n"
        f"Subject: {subject}\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
        f"Message-ID: <{message_id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def body_of(svc: Services, entry: MailLogEntry) -> str:
    [message] = [e for e in inbound(svc, entry.ticket_id or "") if e.event_id == entry.event_id]
    return str(message.data["text"])


def test_a_different_mail_reusing_a_message_id_is_filed_and_the_log_says_so(
    svc: Services,
) -> None:
    # Given a tracker's first notice filed under Message-ID 42@tracker.example
    first = deliver(svc, tracker_mail("[TRK-7] created", "Issue TRK-7 was created."))

    # When its next notice, a different mail, arrives under the same id
    second = deliver(svc, tracker_mail("[TRK-7] comment added", "Lena commented: it fails."))

    # Then both reach an agent, each with its own words
    assert first.outcome is Outcome.CREATED
    assert second.outcome is Outcome.CREATED
    assert second.ticket_id != first.ticket_id
    assert body_of(svc, second) == "Lena commented: it fails."
    assert svc.tickets.get(second.ticket_id or "").title == "[TRK-7] comment added"
    # And the mail log and the message itself say the id was reused
    assert "message-id reused by a different message" in second.reason
    [message] = inbound(svc, second.ticket_id or "")
    assert "message-id reused by a different message" in message.data["problems"]
    assert [e.outcome for e in svc.mail_log.by_message_id(TRACKER_ID)] == [
        Outcome.CREATED,
        Outcome.CREATED,
    ]


def test_the_same_mail_delivered_again_through_another_relay_is_a_duplicate(
    svc: Services,
) -> None:
    # Given a mail filed once
    first = deliver(svc, tracker_mail("[TRK-8] created", "New issue."), key="ses/a")

    # When the same mail comes again through another relay: other trace headers,
    # line ends rewritten, stored as another S3 object
    again = tracker_mail("[TRK-8] created", "New issue.", relay="mx2.backup.example.org")
    second = deliver(svc, again.replace(b"\r\n", b"\n"), key="ses/b")

    # Then it is the same mail: ignored, pointing at the first ticket
    assert second.outcome is Outcome.IGNORED
    assert second.reason == "duplicate delivery of a message already processed"
    assert second.ticket_id == first.ticket_id
    assert len(inbound(svc, first.ticket_id or "")) == 1


def test_a_copy_resent_with_another_from_is_a_different_mail(svc: Services) -> None:
    # Given a mail filed once
    deliver(svc, tracker_mail("Faktura 991", "Se bifogad faktura."))

    # When a copy with the same id and text is re-sent from another address
    resent = deliver(
        svc, tracker_mail("Faktura 991", "Se bifogad faktura.", sender="ekonomi@tracker.example")
    )

    # Then it is filed for the new sender
    assert resent.outcome is Outcome.CREATED
    assert resent.sender == "ekonomi@tracker.example"


def test_the_reused_id_mail_delivered_again_is_a_duplicate_and_costs_no_new_ticket(
    svc: Services,
) -> None:
    # Given two different mails under one id, both filed
    deliver(svc, tracker_mail("[TRK-9] created", "Created."))
    second = deliver(svc, tracker_mail("[TRK-9] closed", "Closed."), key="ses/second")

    # When the second one is delivered again (a new S3 object), and SES repeats an event
    again = deliver(svc, tracker_mail("[TRK-9] closed", "Closed."), key="ses/second-again")
    repeated = deliver(svc, tracker_mail("[TRK-9] closed", "Closed."), key="ses/second")

    # Then neither makes anything new
    assert again.outcome is Outcome.IGNORED
    assert again.ticket_id == second.ticket_id
    assert repeated.outcome is Outcome.IGNORED
    assert len(inbound(svc, second.ticket_id or "")) == 1


def test_a_reply_to_a_reused_id_threads_only_for_the_tickets_own_people(
    svc: Services,
) -> None:
    # Given Anna's mail, then a stranger's different mail reusing the same id
    shared = "reused-1@mailer.example.net"
    anna = deliver(
        svc,
        tracker_mail(
            "Skrivaren", "Skrivaren är trasig.", sender="anna@kund.example.se", message_id=shared
        ),
    )
    deliver(
        svc,
        tracker_mail("Hej", "Ett annat ärende.", sender="x@annan.example", message_id=shared),
    )

    def reply(sender: str, n: int) -> MailLogEntry:
        extra = f"In-Reply-To: <{shared}>\r\nReferences: <{shared}>\r\n"
        raw = tracker_mail(
            "Re: svar", f"Svar {n}", sender=sender, message_id=f"r{n}@x.example", extra=extra
        )
        return deliver(svc, raw)

    # When someone else replies referencing that id
    stranger = reply("mallory@evil.example", 1)
    # Then the reply does not join Anna's ticket: a new ticket, linked to it
    assert stranger.outcome is Outcome.NEW_LINKED
    assert stranger.ticket_id != anna.ticket_id

    # When Anna herself replies referencing it
    own = reply("anna@kund.example.se", 2)
    # Then it joins her ticket
    assert own.outcome is Outcome.APPENDED
    assert own.ticket_id == anna.ticket_id
    assert own.threading_rule == "message_id_reused"


def test_two_different_mails_with_one_id_at_the_same_moment_are_both_filed(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two different mails under one id, processed by two workers at once
    keys = [
        store_raw(svc, tracker_mail("[TRK-10] created", "A"), "ses/race-a"),
        store_raw(svc, tracker_mail("[TRK-10] assigned", "B"), "ses/race-b"),
    ]
    barrier = threading.Barrier(2, timeout=5)
    real = svc.lookups.get_many
    waited: set[int] = set()

    def get_many(keys: list[str]) -> dict[str, str]:
        if threading.get_ident() not in waited:  # both see "id unknown" before either writes
            waited.add(threading.get_ident())
            barrier.wait()
        return real(keys)

    monkeypatch.setattr(svc.lookups, "get_many", get_many)
    results: list[MailLogEntry] = []
    workers = [
        threading.Thread(
            target=lambda k=key: results.append(
                mail_intake.ingest(svc, k, ["kundtjanst@example.com"])
            )
        )
        for key in keys
    ]
    # When they race
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)

    # Then both mails are filed, each on a ticket of its own
    assert sorted(r.outcome for r in results) == [Outcome.CREATED, Outcome.CREATED]
    titles = {svc.tickets.get(r.ticket_id or "").title for r in results}
    assert titles == {"[TRK-10] created", "[TRK-10] assigned"}


def test_absurdly_long_threading_ids_are_skipped_not_an_error(
    svc: Services, people: dict[str, User]
) -> None:
    # Given a filed mail, then a reply carrying a 2,700-character In-Reply-To and
    # 2,000 References, the real one (last) among them
    first = deliver(svc, tracker_mail("Order 55", "Var är ordern?", sender="anna@kund.example.se"))
    junk = "x" * 2_690 + "@junk.example"
    refs = " ".join(f"<ref{n}@junk.example>" for n in range(2_000)) + f" <{TRACKER_ID}>"
    extra = f"In-Reply-To: <{junk}>\r\nReferences: {refs}\r\n"
    raw = tracker_mail(
        "Re: Order 55", "Nu igen.", sender="anna@kund.example.se", message_id="r@k.se", extra=extra
    )

    # When it arrives
    entry = deliver(svc, raw)

    # Then it is filed (not quarantined) and threads by the real reference
    assert entry.outcome is Outcome.APPENDED
    assert entry.ticket_id == first.ticket_id


def test_an_absurdly_long_message_id_is_keyed_within_dynamodbs_key_limit(
    svc: Services,
) -> None:
    # Given a mail whose own Message-ID is 3,000 characters long
    long_id = "y" * 3_000 + "@odd.example"
    entry = deliver(svc, tracker_mail("Långt id", "Text.", message_id=long_id))

    # Then it is filed, the log keeps a searchable prefix, and its lookup key fits a key
    assert entry.outcome is Outcome.CREATED
    assert entry.message_id == long_id[: mail_intake.MAX_LOGGED_ID]
    assert len(lookup_keys.message_id(long_id).encode()) < 2_048
    assert lookup_keys.message_id(long_id) != lookup_keys.message_id(long_id + "z")
    # And delivering it again is still recognised as the same mail
    again = deliver(svc, tracker_mail("Långt id", "Text.", message_id=long_id), key="ses/x2")
    assert again.outcome is Outcome.IGNORED
