"""Threading (S5, S8): which ticket a received mail joins, in a fixed order of rules."""

from __future__ import annotations

import pytest

from chalicelib.domain.events import EventType
from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import User
from chalicelib.domain.reply_address import reply_address
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import tickets
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound
from tests.support import FrozenClock
from tests.unit.mail.flows import configure_rp, deliver, events_of, inbound, mail_file, sent

SECRET = b"test-secret"

pytestmark = pytest.mark.usefixtures("people")


def new_ticket(svc: Services, n: int = 1, **values: str) -> Ticket:
    entry = deliver(
        svc,
        mail_file(
            "customer_request.eml",
            message_id=f"request-{n}@kund.example.se",
            subject=values.pop("subject", f"Ärende nummer {n}"),
            **values,
        ),
    )
    assert entry.outcome is Outcome.CREATED, entry
    return svc.tickets.get(entry.ticket_id or "")


def reply_to(svc: Services, *, n: int = 100, recipients: list[str] | None = None, **values: str):  # type: ignore[no-untyped-def]
    raw = mail_file("customer_reply.eml", message_id=f"reply-{n}@kund.example.se", **values)
    return deliver(svc, raw, recipients or [values.get("to", "kundtjanst@example.com")])


def close(svc: Services, admin: User, ticket: Ticket) -> None:
    tickets.update_ticket(svc, admin, ticket.id, {"status": "closed"}, if_match=None)


@pytest.fixture
def admin(people: dict[str, User]) -> User:
    return people["admin"]


def test_a_reply_to_our_signed_reply_address_joins_that_ticket(svc: Services, admin: User) -> None:
    # Given a ticket, and its signed reply address
    ticket = new_ticket(svc)
    address = reply_address("kundtjanst@example.com", ticket.number, SECRET)

    # When the customer writes to that address with a fresh subject and no references
    entry = reply_to(svc, to=address, subject="En sak till")

    # Then the mail joins the ticket by rule 1, recorded on the event
    assert (entry.outcome, entry.ticket_id, entry.threading_rule) == (
        Outcome.APPENDED,
        ticket.id,
        "reply_address",
    )
    assert inbound(svc, ticket.id)[-1].data["threading_rule"] == "reply_address"


@pytest.mark.parametrize(
    "forge",
    [
        lambda number: f"kundtjanst+t{number}.000000000000@example.com",
        lambda number: reply_address("kundtjanst@example.com", number, b"another-secret"),
        lambda number: reply_address("kundtjanst@example.com", number + 1, SECRET).replace(
            f"t{number + 1}.", f"t{number}."
        ),
    ],
    ids=["zero-signature", "signed-with-another-secret", "signature-of-another-number"],
)
def test_a_reply_address_with_a_forged_signature_does_not_thread(
    svc: Services, admin: User, forge: object
) -> None:
    # Given a ticket, and a reply address naming its number with a signature that is not ours
    ticket = new_ticket(svc)
    address = forge(ticket.number)  # type: ignore[operator]

    # When a mail arrives at that address
    entry = reply_to(svc, to=address, subject="Släpp in mig")

    # Then it is not steered into the ticket: it is a new one
    assert entry.outcome is Outcome.CREATED
    assert entry.ticket_id != ticket.id
    assert len(inbound(svc, ticket.id)) == 1


def test_a_reply_referring_to_a_message_we_received_joins_its_ticket(svc: Services) -> None:
    # Given a ticket opened by a mail with a known Message-ID
    ticket = new_ticket(svc, 1)

    # When a mail refers to it in References only (In-Reply-To names something unknown)
    entry = reply_to(
        svc,
        subject="Tillägg",
        in_reply_to="<unknown@elsewhere.example>",
        references="<request-1@kund.example.se> <unknown@elsewhere.example>",
    )

    # Then it joins by rule 2
    assert (entry.ticket_id, entry.threading_rule) == (ticket.id, "message_id")


def test_a_reply_to_a_mail_we_sent_joins_its_ticket_by_in_reply_to(
    svc: Services, admin: User
) -> None:
    # Given an agent's answer sent from a ticket
    ticket = new_ticket(svc)
    outbound.send_reply(svc, admin, ticket.id, {"text": "Prova att starta om."})
    our_id = sent(svc)[-1].message_id

    # When the customer answers from a mail program that dropped our Reply-To and subject tag
    entry = reply_to(svc, subject="Svar", in_reply_to=f"<{our_id}>")

    # Then the answer joins the ticket by rule 2
    assert (entry.ticket_id, entry.threading_rule) == (ticket.id, "message_id")


@pytest.mark.parametrize(
    ("fmt", "subject"),
    [
        ("[#{number}]", "Re: Skrivaren [#{number}]"),
        ("[#{number}]", "SV: [# {number} ] skrivaren"),
        ("(Ärende {number})", "Re: Skrivaren (ärende {number})"),
        ("[KT-{number}]", "AW: Skrivaren [KT-{number}]"),
    ],
    ids=["default-format", "spaces-inside", "custom-words-other-case", "custom-prefix"],
)
def test_the_subject_tag_in_the_response_points_format_threads(
    svc: Services, fmt: str, subject: str
) -> None:
    # Given a response point with its own tag format, and a ticket
    configure_rp(svc, "kundtjanst", subject_tag_format=fmt)
    ticket = new_ticket(svc)

    # When a mail carries the ticket's tag in the subject, and nothing else to thread by
    entry = reply_to(svc, subject=subject.replace("{number}", str(ticket.number)))

    # Then it joins the ticket by rule 3
    assert (entry.ticket_id, entry.threading_rule) == (ticket.id, "subject_tag")


def test_a_tag_in_another_format_than_the_response_points_does_not_thread(
    svc: Services,
) -> None:
    # Given a response point using (Ärende N)
    configure_rp(svc, "kundtjanst", subject_tag_format="(Ärende {number})")
    ticket = new_ticket(svc)

    # When a mail carries [#N]
    entry = reply_to(svc, subject=f"Re: Skrivaren [#{ticket.number}]")

    # Then it is a new ticket
    assert entry.outcome is Outcome.CREATED


def test_the_rules_apply_in_order_reply_address_then_message_id_then_subject_tag(
    svc: Services,
) -> None:
    # Given three tickets
    first, second, third = new_ticket(svc, 1), new_ticket(svc, 2), new_ticket(svc, 3)
    address = reply_address("kundtjanst@example.com", first.number, SECRET)

    # When one mail points at all three: reply address -> 1, References -> 2, tag -> 3
    everything = reply_to(
        svc,
        n=1,
        to=address,
        references="<request-2@kund.example.se>",
        subject=f"Re: [#{third.number}]",
    )
    # and another at the last two only
    two_clues = reply_to(
        svc, n=2, references="<request-2@kund.example.se>", subject=f"Re: [#{third.number}]"
    )

    # Then the reply address wins, then the Message-ID, then the tag
    assert (everything.ticket_id, everything.threading_rule) == (first.id, "reply_address")
    assert (two_clues.ticket_id, two_clues.threading_rule) == (second.id, "message_id")


def test_a_mail_without_any_clue_is_a_new_ticket(svc: Services) -> None:
    # Given an existing ticket from the same customer
    new_ticket(svc, 1, subject="Skrivaren")

    # When she writes again about the same thing without replying
    entry = reply_to(svc, subject="Skrivaren")

    # Then that is a new ticket
    assert (entry.outcome, entry.threading_rule) == (Outcome.CREATED, "new")


def test_a_reply_within_the_reopen_window_reopens_the_closed_ticket(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    # Given a ticket closed 13 days ago, in a response point that reopens within 14 days
    ticket = new_ticket(svc)
    close(svc, admin, ticket)
    clock.advance(days=13)

    # When the customer replies
    entry = reply_to(svc, subject=f"Re: [#{ticket.number}]")

    # Then the ticket is open again, and the mail and the reopening are in its history
    assert (entry.outcome, entry.ticket_id) == (Outcome.REOPENED, ticket.id)
    assert svc.tickets.get(ticket.id).status is Status.OPEN
    assert events_of(svc, ticket.id, EventType.REOPENED)


def test_a_reply_after_the_reopen_window_opens_a_new_ticket_linked_to_the_old(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    # Given a ticket closed longer ago than the response point's window
    configure_rp(svc, "kundtjanst", reopen_window_days=3)
    old = new_ticket(svc)
    close(svc, admin, old)
    clock.advance(days=3, seconds=1)

    # When the customer replies to it
    entry = reply_to(svc, subject=f"Re: [#{old.number}]")

    # Then a new ticket follows up the old one, which stays closed and says so
    assert entry.outcome is Outcome.NEW_LINKED
    assert entry.threading_rule == "new_linked"
    new = svc.tickets.get(entry.ticket_id or "")
    assert new.id != old.id and new.contact_id == old.contact_id
    [created] = events_of(svc, new.id, EventType.CREATED)
    assert created.data["follows_up"] == {"id": old.id, "number": old.number}
    assert inbound(svc, new.id)[0].data["threading_rule"] == "new_linked"
    assert svc.tickets.get(old.id).status is Status.CLOSED
    [linked] = events_of(svc, old.id, EventType.LINKED)
    assert linked.data == {"ticket_id": new.id, "number": new.number}


def test_an_auto_reply_to_a_closed_ticket_is_kept_but_does_not_reopen_it(
    svc: Services, admin: User
) -> None:
    # Given a closed ticket
    ticket = new_ticket(svc)
    close(svc, admin, ticket)

    # When an out-of-office reply to it arrives
    raw = mail_file(
        "out_of_office_swedish.eml",
        subject=f"Re: Skrivaren [#{ticket.number}]",
        message_id="ooo-1@kund.example.se",
        in_reply_to="<request-1@kund.example.se>",
        references="<request-1@kund.example.se>",
    )
    entry = deliver(svc, raw)

    # Then it is in the history, flagged, and the ticket stays closed
    assert (entry.outcome, entry.ticket_id) == (Outcome.APPENDED, ticket.id)
    assert svc.tickets.get(ticket.id).status is Status.CLOSED
    assert inbound(svc, ticket.id)[-1].data["auto_reply"] is True
    assert not events_of(svc, ticket.id, EventType.REOPENED)


def test_an_auto_reply_long_after_closing_does_not_open_a_follow_up_ticket(
    svc: Services, admin: User, clock: FrozenClock
) -> None:
    # Given a ticket closed long ago
    ticket = new_ticket(svc)
    close(svc, admin, ticket)
    clock.advance(days=60)

    # When a robot answers to it
    raw = mail_file(
        "out_of_office_swedish.eml",
        subject=f"Re: [#{ticket.number}]",
        in_reply_to="<request-1@kund.example.se>",
        references="",
        message_id="ooo-late@kund.example.se",
    )
    entry = deliver(svc, raw)

    # Then no ticket is opened for a robot
    assert entry.ticket_id == ticket.id
    assert svc.tickets.get(ticket.id).status is Status.CLOSED


def test_a_customer_answer_to_a_question_puts_the_ticket_back_to_open(
    svc: Services, admin: User
) -> None:
    # Given a ticket where the agent asked the customer something
    ticket = new_ticket(svc)
    outbound.send_reply(svc, admin, ticket.id, {"text": "Vilken modell?", "ask_customer": True})
    assert svc.tickets.get(ticket.id).status is Status.WITH_CONTACT

    # When the customer answers
    reply_to(svc, subject=f"Re: [#{ticket.number}]", reply_text="HP LaserJet 4000.")

    # Then the ticket is back with the agents
    assert svc.tickets.get(ticket.id).status is Status.OPEN


def test_an_auto_reply_to_a_question_leaves_the_ticket_waiting_for_the_customer(
    svc: Services, admin: User
) -> None:
    # Given a ticket where the agent asked the customer something
    ticket = new_ticket(svc)
    outbound.send_reply(svc, admin, ticket.id, {"text": "Vilken modell?", "ask_customer": True})

    # When her out-of-office answers
    raw = mail_file(
        "out_of_office_swedish.eml",
        subject=f"Re: [#{ticket.number}]",
        in_reply_to="<request-1@kund.example.se>",
        references="",
        message_id="ooo-2@kund.example.se",
    )
    deliver(svc, raw)

    # Then the ticket still waits for her
    assert svc.tickets.get(ticket.id).status is Status.WITH_CONTACT


def test_a_reply_that_adds_a_cc_keeps_it_on_the_ticket(svc: Services) -> None:
    # Given a ticket whose customer cc'd one colleague
    ticket = new_ticket(svc)
    assert ticket.cc == ["bo.berg@kund.example.se"]

    # When a reply-all comes from that colleague, cc'ing a third person and our reply address
    address = reply_address("kundtjanst@example.com", ticket.number, SECRET)
    raw = mail_file(
        "customer_reply.eml",
        sender="bo.berg@kund.example.se",
        to=address,
        subject="Re: skrivaren",
        message_id="cc-1@kund.example.se",
    ).replace(
        b"Subject:", b"Cc: Chef <chef@kund.example.se>, " + address.encode() + b"\r\nSubject:"
    )
    entry = deliver(svc, raw, [address])

    # Then the third person joins the ticket's cc; our address and the sender do not
    assert entry.ticket_id == ticket.id
    assert svc.tickets.get(ticket.id).cc == ["bo.berg@kund.example.se", "chef@kund.example.se"]
