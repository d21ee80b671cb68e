"""A robot without robot headers that answers every acknowledgement from a new address
with a new subject must stop getting answers within a few rounds (issue 9, class 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.support import FrozenClock
from tests.unit.mail.flows import configure_rp, deliver, parsed, sent

ROUNDS = 100


@pytest.fixture(autouse=True)
def acknowledging(svc: Services, people: dict[str, User], clock: FrozenClock) -> None:
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)
    clock.now = clock.now.replace(minute=0, second=0)  # all rounds within one hour


def robot_mail(sender: str, n: int, quoted: str = "") -> bytes:
    """No Auto-Submitted, no Precedence, no List-Id: it looks like a person."""
    body = f"Your request {n} has been registered.\r\n\r\n{quoted}"
    return (
        f"From: Service Robot <{sender}>\r\nTo: kundtjanst@example.com\r\n"
        f"Subject: Ticket {n} registered\r\nDate: Tue, 08 Dec 2026 08:00:00 +0100\r\n"
        f"Message-ID: <robot-{n}@robot.example.org>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def quoted_text(raw: bytes) -> str:
    """What a robot quotes of our mail: its headers' Reply-To and its text, '> '-prefixed."""
    mail = parsed(raw)
    text = str(mail.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
    lines = [f"Reply-To: {mail['Reply-To']}", *text.splitlines()]
    return "\r\n".join(f"> {line}" for line in lines)


def run_robot(svc: Services, address: Callable[[int], str], *, quoting: bool) -> tuple[int, int]:
    """Let the robot answer our last acknowledgement ROUNDS times; returns (tickets, acks)."""
    tickets = 0
    for n in range(1, ROUNDS + 1):
        ours = sent(svc)
        quote = quoted_text(ours[-1].raw) if quoting and ours else ""
        entry = deliver(svc, robot_mail(address(n), n, quote))
        assert entry.outcome is Outcome.CREATED  # nothing the robot sends is lost
        tickets += 1
    return tickets, len(sent(svc))


def test_a_robot_quoting_our_acknowledgement_from_new_addresses_stops_at_once(
    svc: Services,
) -> None:
    # When a robot answers each acknowledgement from bot+N@ with a new subject, quoting it
    tickets, acks = run_robot(svc, lambda n: f"bot+{n}@robot.example.org", quoting=True)

    # Then all its mail is filed, but only its first mail was answered
    assert tickets == ROUNDS
    assert acks == 1


def test_a_robot_quoting_us_from_ever_new_mailboxes_is_recognised_by_the_quote(
    svc: Services,
) -> None:
    # When the robot uses entirely different mailboxes (no plus tags to fold)
    _, acks = run_robot(svc, lambda n: f"robot{n}@robot.example.org", quoting=True)

    # Then the quote of our own signed reply address gives it away after one round
    assert acks == 1


def test_a_silent_robot_on_plus_tags_stops_at_the_mailbox_cap(svc: Services) -> None:
    # When a robot that does not quote answers from bot+1@, bot+2@, …
    _, acks = run_robot(svc, lambda n: f"bot+{n}@robot.example.org", quoting=False)

    # Then the plus tags are folded: one mailbox, the hourly cap of 5
    assert acks == svc.mail.auto_mail_per_hour == 5


def test_a_silent_robot_on_new_mailboxes_stops_at_the_domain_cap(svc: Services) -> None:
    # When a robot that does not quote answers from a new mailbox of its domain each time
    _, acks = run_robot(svc, lambda n: f"robot{n}@robot.example.org", quoting=False)

    # Then its domain's hourly cap stops it
    assert acks == svc.mail.auto_mail_per_domain_per_hour == 20


def test_many_customers_of_a_public_mail_provider_all_get_their_acknowledgement(
    svc: Services,
) -> None:
    # When 40 different people at a big public provider write within the hour
    for n in range(40):
        deliver(svc, robot_mail(f"person{n}@gmail.com", n))

    # Then the domain cap does not apply to them: each is answered
    assert len(sent(svc)) == 40


def test_a_customer_quoting_our_mail_in_a_reply_still_reopens_and_is_not_a_robot(
    svc: Services,
) -> None:
    # Given a ticket and our acknowledgement of it
    first = deliver(svc, robot_mail("anna@kund.example.se", 1))
    [ack] = sent(svc)
    ours = parsed(ack.raw)

    # When the customer answers it, threaded, quoting our mail
    reply = robot_mail("anna@kund.example.se", 2, quoted_text(ack.raw)).replace(
        b"Content-Type", f"In-Reply-To: {ours['Message-ID']}\r\nContent-Type".encode(), 1
    )
    entry = deliver(svc, reply)

    # Then it joins the ticket as a person's mail
    assert entry.outcome is Outcome.APPENDED
    assert entry.ticket_id == first.ticket_id
    message = svc.tickets.events(first.ticket_id or "")[-1]
    assert message.data["auto_reply"] is False
