"""No mail loops (S5): robots, bounces, our own mail and duplicates are kept but never
answered, and each delivered mail is filed exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.domain.events import EventType
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services.context import Services
from chalicelib.services.mail import admin as mail_admin
from chalicelib.services.mail import intake as mail_intake
from chalicelib.services.mail import outbound
from chalicelib.services.ports import ListIndex, TicketQuery
from tests.support import FrozenClock, drain_stream
from tests.unit.mail.flows import (
    configure_rp,
    deliver,
    events_of,
    inbound,
    mail_file,
    sent,
    store_raw,
)

CUSTOMER = "anna.andersson@kund.example.se"

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(autouse=True)
def acknowledging(svc: Services, people: dict[str, User]) -> None:
    """Both response points confirm new tickets: any answer a robot got would show."""
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)
    configure_rp(svc, "it-support", auto_acknowledge=True)


def all_tickets(svc: Services) -> list[Ticket]:
    found: list[Ticket] = []
    for rp in ("kundtjanst", "it-support"):
        found += svc.tickets.query(TicketQuery(ListIndex.RESPONSE_POINT, rp, limit=1000)).items
    return found


def new_request(svc: Services, n: int = 1, sender: str = CUSTOMER) -> MailLogEntry:
    raw = mail_file(
        "customer_request.eml", message_id=f"request-{n}@kund.example.se", sender=sender
    )
    return deliver(svc, raw)


ROBOTS = [
    ({"robot_header": "Auto-Submitted: auto-replied"}, "Auto-Submitted: auto-replied"),
    ({"robot_header": "Auto-Submitted: auto-generated"}, "Auto-Submitted: auto-generated"),
    ({"robot_header": "Precedence: bulk"}, "Precedence: bulk"),
    ({"robot_header": "Precedence: list"}, "Precedence: list"),
    ({"robot_header": "Precedence: junk"}, "Precedence: junk"),
    ({"robot_header": "Precedence: auto_reply"}, "Precedence: auto_reply"),
    ({"robot_header": "X-Autoreply: yes"}, "X-Autoreply present"),
    ({"robot_header": "X-Autorespond: Out of office"}, "X-Autorespond present"),
    ({"robot_header": "X-Auto-Response-Suppress: OOF"}, "X-Auto-Response-Suppress present"),
    ({"robot_header": "List-Id: Kunder <kunder.lists.example.se>"}, "mailing list (List-Id)"),
    (
        {"robot_header": "List-Unsubscribe: <mailto:leave@lists.example.se>"},
        "mailing list (List-Unsubscribe)",
    ),
    ({"return_path": "<>"}, "empty Return-Path"),
    ({"sender": "MAILER-DAEMON@mx.kund.example.se"}, "robot sender"),
    ({"sender": "postmaster@kund.example.se"}, "robot sender"),
    ({"sender": "no-reply@kund.example.se"}, "robot sender"),
    ({"sender": "noreply@kund.example.se"}, "robot sender"),
]


@pytest.mark.parametrize(
    ("values", "reason"),
    ROBOTS,
    ids=[
        "auto-submitted-auto-replied",
        "auto-submitted-auto-generated",
        "precedence-bulk",
        "precedence-list",
        "precedence-junk",
        "precedence-auto-reply",
        "x-autoreply",
        "x-autorespond",
        "x-auto-response-suppress",
        "list-id",
        "list-unsubscribe",
        "empty-return-path",
        "mailer-daemon",
        "postmaster",
        "no-reply",
        "noreply",
    ],
)
def test_mail_from_robots_is_stored_and_flagged_but_never_answered(
    svc: Services, values: dict[str, str], reason: str
) -> None:
    # Given a response point that acknowledges new tickets
    # When a robot's mail arrives
    entry = deliver(svc, mail_file("robot_header.eml", subject="Nyhetsbrev mars", **values))

    # Then it is kept as a ticket, flagged with why, and nothing is sent back
    assert entry.outcome is Outcome.CREATED
    [event] = inbound(svc, entry.ticket_id or "")
    assert event.data["auto_reply"] is True
    assert any(r.startswith(reason) for r in event.data["auto_reply_reasons"])
    assert sent(svc) == []


def test_auto_submitted_no_is_a_human_and_gets_the_acknowledgement(svc: Services) -> None:
    # Given a mail that says explicitly it was written by a person
    raw = mail_file("robot_header.eml", robot_header="Auto-Submitted: no")

    # When it arrives
    entry = deliver(svc, raw)

    # Then it is answered like any customer's mail
    assert inbound(svc, entry.ticket_id or "")[0].data["auto_reply"] is False
    assert len(sent(svc)) == 1


def test_list_mail_is_marked_bulk(svc: Services) -> None:
    # When a list post arrives
    raw = mail_file("robot_header.eml", robot_header="List-Id: <kunder.lists.example.se>")
    entry = deliver(svc, raw)

    # Then the agent sees it is bulk
    assert inbound(svc, entry.ticket_id or "")[0].data["is_bulk"] is True


def sent_reply(svc: Services, people: dict[str, User]) -> tuple[Ticket, str]:
    """A ticket, and the Message-ID of the answer we sent to the customer."""
    entry = new_request(svc)
    svc.mailer.sent.clear()  # type: ignore[attr-defined]
    outbound.send_reply(svc, people["admin"], entry.ticket_id or "", {"text": "Vi tittar på det."})
    return svc.tickets.get(entry.ticket_id or ""), sent(svc)[-1].message_id


def test_a_permanent_bounce_joins_the_ticket_of_the_mail_it_returns(
    svc: Services, people: dict[str, User]
) -> None:
    # Given an answer we sent
    ticket, our_id = sent_reply(svc, people)

    # When the customer's server returns it: 5.1.1 user unknown
    dsn = mail_file("dsn_report.eml", message_id="dsn-1@mx.kund.example.se", original_id=our_id)
    entry = deliver(svc, dsn)

    # Then the report is in that ticket's history, flagged, with the failed address
    assert (entry.outcome, entry.ticket_id, entry.threading_rule) == (
        Outcome.APPENDED,
        ticket.id,
        "bounce",
    )
    assert "delivery failed (5.1.1)" in entry.reason
    report = inbound(svc, ticket.id)[-1]
    assert report.data["auto_reply"] is True
    assert report.data["bounce"]["permanent"] is True
    assert report.data["bounce"]["final_recipient"] == CUSTOMER
    assert report.data["bounce"]["original_message_id"] == our_id
    assert len(all_tickets(svc)) == 1


@pytest.mark.parametrize(
    "final_recipient",
    [f"rfc822; {CUSTOMER}", f"RFC822; <{CUSTOMER.upper()}>", f"rfc822;{CUSTOMER}"],
    ids=["plain", "angle-brackets-upper-case", "no-space"],
)
def test_after_a_permanent_bounce_no_automatic_mail_goes_to_the_address(
    svc: Services, people: dict[str, User], final_recipient: str
) -> None:
    # Given the customer's address bounced permanently
    _, our_id = sent_reply(svc, people)
    dsn = mail_file(
        "dsn_report.eml",
        message_id="dsn-1@x.example",
        original_id=our_id,
        final_recipient=final_recipient,
    )
    deliver(svc, dsn)
    svc.mailer.sent.clear()  # type: ignore[attr-defined]

    # When a new mail arrives from that address (say, through another route)
    entry = new_request(svc, 2)

    # Then a ticket is made, but no acknowledgement is sent to the bouncing address
    assert entry.outcome is Outcome.CREATED
    assert sent(svc) == []
    assert not outbound.may_send_automatic(svc, CUSTOMER.upper(), svc.clock())


def test_a_transient_delay_report_is_attached_but_does_not_stop_mail(
    svc: Services, people: dict[str, User]
) -> None:
    # Given an answer we sent, delayed at the customer's server (4.4.7)
    ticket, our_id = sent_reply(svc, people)
    delay = mail_file(
        "dsn_report.eml",
        message_id="dsn-2@mx.kund.example.se",
        original_id=our_id,
        action="delayed",
        status="4.4.7",
        diagnostic="451 4.4.7 Delivery time expired, still trying",
    )

    # When the report arrives
    entry = deliver(svc, delay)

    # Then it is on the ticket as a delay, and the address still gets automatic mail
    assert entry.ticket_id == ticket.id
    assert "delivery delayed (4.4.7)" in entry.reason
    assert inbound(svc, ticket.id)[-1].data["bounce"]["permanent"] is False
    svc.mailer.sent.clear()  # type: ignore[attr-defined]
    new_request(svc, 2)
    assert [m.recipients for m in sent(svc)] == [(CUSTOMER,)]


def test_a_bounce_for_a_message_we_do_not_know_is_ignored_and_creates_nothing(
    svc: Services,
) -> None:
    # Given a report about a mail that is not ours
    dsn = mail_file("dsn_report.eml", original_id="someone-else@elsewhere.example")

    # When it arrives
    entry = deliver(svc, dsn)

    # Then it is logged as ignored, with the reason, and no ticket or answer is made
    assert entry.outcome is Outcome.IGNORED
    assert entry.reason == "delivery report for a message we do not know"
    assert all_tickets(svc) == [] and sent(svc) == []


@pytest.mark.parametrize(
    "values",
    [
        {"message_id": "01abc@servit.test"},
        {"message_id": "01abc@SERVIT.TEST"},
        {"message_id": "copy-1@relay.example", "loop_header": "X-ServIT-Loop: servit.test"},
    ],
    ids=["our-message-id-domain", "our-domain-other-case", "our-loop-header"],
)
def test_our_own_mail_coming_back_never_creates_a_ticket(
    svc: Services, values: dict[str, str]
) -> None:
    # Given a copy of a mail we sent, returned to our address (a forward, a mis-set alias)
    raw = mail_file("our_own_mail_returned.eml", **values)

    # When it arrives
    entry = deliver(svc, raw)

    # Then it is ignored by the loop guard
    assert entry.outcome is Outcome.IGNORED
    assert "loop" in entry.reason
    assert all_tickets(svc) == [] and sent(svc) == []


def test_the_very_acknowledgement_we_sent_coming_back_to_us_is_ignored(svc: Services) -> None:
    # Given a new ticket and our acknowledgement of it
    new_request(svc)
    [acknowledgement] = sent(svc)

    # When the acknowledgement lands in our own inbox (the customer forwards everything to us)
    entry = deliver(svc, acknowledgement.raw)

    # Then nothing is filed and nothing is sent: no loop
    assert entry.outcome is Outcome.IGNORED
    assert len(all_tickets(svc)) == 1 and len(sent(svc)) == 1


def test_automatic_mail_to_one_address_stops_at_the_hourly_cap(
    svc: Services, clock: FrozenClock
) -> None:
    # Given a cap of 5 automatic mails an hour (the default)
    assert svc.mail.auto_mail_per_hour == 5
    clock.now = clock.now.replace(minute=0, second=0)

    # When the same address opens seven tickets within the hour
    for n in range(7):
        new_request(svc, n)

    # Then seven tickets exist but only five acknowledgements went out
    assert len(all_tickets(svc)) == 7
    assert len(sent(svc)) == 5

    # And the next hour the address gets its acknowledgement again
    clock.advance(hours=1)
    new_request(svc, 99)
    assert len(sent(svc)) == 6


def test_the_same_delivery_processed_twice_makes_one_ticket(svc: Services) -> None:
    # Given a mail delivered and filed
    raw = mail_file("customer_request.eml")
    first = deliver(svc, raw, key="ses/obj-1")

    # When the S3 event is delivered again (at least once delivery)
    again = deliver(svc, raw, key="ses/obj-1")

    # Then the second run is ignored: one ticket, one message, one acknowledgement
    assert again.outcome is Outcome.IGNORED
    assert again.ticket_id == first.ticket_id
    assert len(all_tickets(svc)) == 1
    assert len(inbound(svc, first.ticket_id or "")) == 1
    assert len(sent(svc)) == 1


def test_the_same_message_stored_twice_under_two_keys_makes_one_ticket(svc: Services) -> None:
    # Given a mail sent To one of our addresses and Cc another: SES stores two copies
    raw = mail_file("customer_request.eml", message_id="twice@kund.example.se")
    first = deliver(svc, raw, ["kundtjanst@example.com"], key="ses/copy-a")

    # When the second copy is processed
    second = deliver(svc, raw, ["it@example.com"], key="ses/copy-b")

    # Then it is recognised by its Message-ID
    assert second.outcome is Outcome.IGNORED
    assert second.ticket_id == first.ticket_id
    assert len(all_tickets(svc)) == 1


def _racing(svc: Services, parties: int) -> Callable[..., Any]:
    """Hold every thread at the first lookup until all have made it: all see "not yet
    processed", and the race is decided where it must be, at the write."""
    barrier = threading.Barrier(parties, timeout=5)
    real = svc.lookups.get_many
    waited: set[int] = set()

    def get_many(keys: list[str]) -> dict[str, str]:
        me = threading.get_ident()
        if me not in waited:
            waited.add(me)
            barrier.wait()
        return real(keys)

    return get_many


@pytest.mark.parametrize(
    "keys",
    [["ses/racing"] * 3, ["ses/copy-1", "ses/copy-2", "ses/copy-3"]],
    ids=["one-object-three-events", "three-copies-one-message-id"],
)
def test_the_same_message_ingested_from_three_threads_at_once_makes_one_ticket(
    svc: Services, monkeypatch: pytest.MonkeyPatch, keys: list[str]
) -> None:
    # Given the same mail, stored once or in three copies, and three workers at it
    raw = mail_file("customer_request.eml")
    for key in set(keys):
        store_raw(svc, raw, key)
    monkeypatch.setattr(svc.lookups, "get_many", _racing(svc, 3))
    results: list[MailLogEntry] = []
    errors: list[BaseException] = []

    def work(key: str) -> None:
        try:
            results.append(mail_intake.ingest(svc, key, ["kundtjanst@example.com"]))
        except BaseException as error:  # surfaced below, on the test's thread
            errors.append(error)

    # When they process it at the same moment
    workers = [threading.Thread(target=work, args=(key,)) for key in keys]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    drain_stream(svc)  # the stream consumer sends the acknowledgement

    # Then exactly one ticket holds exactly one copy of the message; the others are ignored
    assert errors == []
    assert sorted(r.outcome for r in results) == [
        Outcome.CREATED,
        Outcome.IGNORED,
        Outcome.IGNORED,
    ]
    [ticket] = all_tickets(svc)
    assert len(inbound(svc, ticket.id)) == 1
    assert {r.ticket_id for r in results if r.outcome is Outcome.CREATED} == {ticket.id}
    assert len(sent(svc)) == 1
    assert len(svc.contacts.list().items) == 1


def test_the_mail_log_answers_where_each_mail_went_by_message_id(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    # Given mails that were created, appended, reopened, linked anew, quarantined and ignored
    admin = people["admin"]
    created = new_request(svc, 1)
    number = svc.tickets.get(created.ticket_id or "").number

    def reply(n: int, **values: str) -> MailLogEntry:
        raw = mail_file(
            "customer_reply.eml",
            message_id=f"reply-{n}@kund.example.se",
            subject=f"Re: [#{number}]",
            **values,
        )
        return deliver(svc, raw)

    appended = reply(2)
    from chalicelib.services import tickets

    tickets.update_ticket(svc, admin, created.ticket_id or "", {"status": "closed"}, if_match=None)
    reopened = reply(3)
    tickets.update_ticket(svc, admin, created.ticket_id or "", {"status": "closed"}, if_match=None)
    clock.advance(days=15)
    linked = reply(4)
    ignored = deliver(svc, mail_file("our_own_mail_returned.eml", message_id="x@servit.test"))
    quarantined = deliver(svc, b"\x00\x01 not a mail")

    # When an admin asks the log about each Message-ID
    def where(message_id: str) -> tuple[str, str | None]:
        [entry] = mail_admin.mail_log(svc, admin, {"message_id": f"<{message_id}>"})
        return entry.outcome.value, entry.ticket_id

    # Then each answer names the outcome and the ticket
    assert where("request-1@kund.example.se") == ("created", created.ticket_id)
    assert where("reply-2@kund.example.se") == ("appended", created.ticket_id)
    assert where("reply-3@kund.example.se") == ("reopened", created.ticket_id)
    assert where("reply-4@kund.example.se") == ("new_linked", linked.ticket_id)
    assert where("x@servit.test") == ("ignored", None)
    assert appended.ticket_id == reopened.ticket_id == created.ticket_id
    assert ignored.reason and quarantined.reason
    assert [e.id for e in mail_admin.quarantine(svc, admin)] == [quarantined.id]


def test_the_mail_log_lists_a_senders_mail_within_a_time_range(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    # Given mails from one sender on two days, and one from someone else
    admin = people["admin"]
    day_one = clock()
    early = new_request(svc, 1)
    new_request(svc, 2, sender="other@example.org")
    clock.advance(days=2)
    late = new_request(svc, 3)

    # When the admin asks for that sender, all time and then the first day only
    def ids(**params: str) -> list[str]:
        return [e.id for e in mail_admin.mail_log(svc, admin, params)]

    everything = ids(sender=CUSTOMER.upper())
    first_day = ids(
        sender=CUSTOMER,
        since=(day_one.replace(hour=0, minute=0)).isoformat(),
        until=(day_one.replace(hour=23, minute=59)).isoformat(),
    )

    # Then the answers hold that sender's entries, newest first, within the range
    assert everything == [late.id, early.id]
    assert first_day == [early.id]


def test_only_admins_read_the_mail_log(svc: Services, people: dict[str, User]) -> None:
    from chalicelib.domain.errors import PermissionDeniedError

    # Given an agent
    # When they ask the mail log or the quarantine
    # Then they are refused
    with pytest.raises(PermissionDeniedError):
        mail_admin.mail_log(svc, people["agent1"], {})
    with pytest.raises(PermissionDeniedError):
        mail_admin.quarantine(svc, people["agent1"])


def test_a_bounce_event_is_not_counted_as_a_customer_reply(
    svc: Services, people: dict[str, User]
) -> None:
    # Given a ticket waiting for the customer
    ticket, our_id = sent_reply(svc, people)
    outbound.send_reply(
        svc, people["admin"], ticket.id, {"text": "Vilken modell?", "ask_customer": True}
    )

    # When the question bounces
    deliver(svc, mail_file("dsn_report.eml", message_id="dsn-9@x.example", original_id=our_id))

    # Then the ticket still waits for the customer: a robot did not answer
    assert svc.tickets.get(ticket.id).status == "with_contact"
    assert not events_of(svc, ticket.id, EventType.REOPENED)
