"""The local SMTP intake end to end: long lines reach the ticket, and an admin's change made
through the API (another process) is seen by the very next mail over SMTP."""

from __future__ import annotations

import uuid
from email.utils import parseaddr
from typing import Any

from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import call, login
from tests.e2e.test_mail_flow import (
    SUPPORT,
    customer_mail,
    mails_to,
    send,
    tickets_of,
    wait_for,
)


def a_line(octets: int, tag: str) -> str:
    """One ASCII line of exactly ``octets`` octets (CRLF not counted), marked at both ends."""
    head, tail = f"<{tag}-start>", f"<{tag}-end>"
    filler = ("Lorem ipsum dolor sit amet, " * (octets // 28 + 1))[: octets - len(head) - len(tail)]
    return head + filler + tail


def the_message_in(stack: Stack, auth: dict[str, str], ticket_id: str) -> dict[str, Any]:
    events = call(stack, "GET", f"/api/tickets/{ticket_id}", auth).json()["events"]
    message: dict[str, Any] = next(e for e in events if e["type"] == "message_in")
    return message


def test_lines_of_5000_and_200000_octets_reach_the_ticket_intact(stack: Stack) -> None:
    admin = login(stack, "admin@example.com")
    customer = f"langa-rader-{uuid.uuid4().hex[:6]}@example.se"
    medium, long = a_line(5_000, "medium"), a_line(200_000, "long")
    raw = (
        f"From: Lång Rad <{customer}>\r\nTo: {SUPPORT}\r\nSubject: Långa rader\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@customer.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"Hej!\r\n{medium}\r\n{long}\r\nMvh\r\n"
    ).encode()
    assert max(len(line) for line in raw.split(b"\r\n")) == 200_000

    send(stack, raw, [SUPPORT])  # refused before with "500 Line too long"

    ticket = tickets_of(stack, admin, customer)[0]  # intake has run when SMTP answers 250
    assert ticket["title"] == "Långa rader"
    message = the_message_in(stack, admin, ticket["id"])
    text = message["data"]["text"]
    assert text.startswith(f"Hej!\n{medium}\n")  # the 5,000-octet line, whole
    assert message["data"]["body_truncated"]  # the event keeps 60,000 characters ...
    original = call(stack, "GET", f"/api/tickets/{ticket['id']}/events/{message['id']}/raw",
                    admin, headers={"Accept": "*/*"})  # fmt: skip
    assert original.status_code == 200
    assert f"\r\n{long}\r\n".encode() in original.content  # ... the original all of it


def test_an_admin_change_through_the_api_is_seen_by_the_next_mail(stack: Stack) -> None:
    """The API (chalice local) and the SMTP intake are separate processes with a config cache
    each; the change must not wait for the cache to expire."""
    admin = login(stack, "admin@example.com")
    path = "/api/admin/response-points/kundtjanst"
    original = call(stack, "GET", path, admin).json()
    assert original["auto_acknowledge"] is True  # the demo's Kundtjänst acknowledges
    run = uuid.uuid4().hex[:6]

    def mail_in(who: str) -> str:
        address = f"{who}-{run}@example.se"
        send(stack, customer_mail(address, f"Fråga från {who}", "Hej!"))
        assert tickets_of(stack, admin, address)  # in when SMTP answered
        return address

    def change(**fields: Any) -> None:
        answer = call(stack, "PUT", path, admin, json={**original, **fields})
        assert answer.status_code == 200, answer.text

    try:
        first = mail_in("forsta")  # fills the SMTP process's cache with Kundtjänst
        # Intake notes the acknowledgement as due; the stream poller (the TicketEvents
        # Lambda in AWS), in the same process, sends it a moment later.
        assert len(wait_for(lambda: mails_to(stack, admin, first))) == 1

        change(auto_acknowledge=False)
        second = mail_in("andra")  # intake notes none due

        change(auto_acknowledge=True, name="Kundservice")
        third = mail_in("tredje")
        [ack] = wait_for(lambda: mails_to(stack, admin, third))
        assert parseaddr(str(ack["From"]))[0] == "Kundservice"
        assert mails_to(stack, admin, second) == []
    finally:
        change()
