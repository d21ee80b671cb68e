"""Mail end to end in the local stack: SMTP in, HTTP for the agent, the outbox for mail out."""

from __future__ import annotations

import email
import re
import smtplib
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import requests

from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import call, login

SUPPORT = "kundtjanst@servit.example"


def send(stack: Stack, message: EmailMessage | bytes, recipients: list[str] | None = None) -> None:
    raw = message if isinstance(message, bytes) else bytes(message)
    parsed = email.message_from_bytes(raw, policy=default_policy)
    to = recipients or [str(a) for a in parsed.get_all("To", [])]
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=30) as client:
        client.sendmail(str(parsed["From"]), to, raw)


def customer_mail(
    sender: str, subject: str, body: str, *, to: str = SUPPORT, **headers: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@customer.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def outbox(stack: Stack, auth: dict[str, str]) -> list[email.message.EmailMessage]:
    items = call(stack, "GET", "/api/dev/outbox", auth, params={"limit": "500"}).json()["items"]
    return [email.message_from_string(i["raw"], policy=default_policy) for i in items]  # type: ignore[misc]


def mails_to(stack: Stack, auth: dict[str, str], address: str) -> list[Any]:
    return [m for m in outbox(stack, auth) if address in str(m.get("X-Envelope-To", ""))]


def tickets_of(stack: Stack, auth: dict[str, str], address: str) -> list[dict[str, Any]]:
    found = call(stack, "GET", "/api/contacts", auth, params={"email": address}).json()["items"]
    if not found:
        return []
    return call(stack, "GET", f"/api/contacts/{found[0]['id']}", auth).json()["tickets"]


def wait_for(check: Any, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def test_mail_in_agent_reply_out_and_customer_reply_back_in_one_ticket(stack: Stack) -> None:
    admin = login(stack, "admin@example.com")
    customer = f"kund-{uuid.uuid4().hex[:6]}@example.se"
    send(
        stack, customer_mail(customer, "Fakturan stämmer inte", "Hej! Beloppet är fel.\n\nMvh Kund")
    )
    ticket = wait_for(lambda: tickets_of(stack, admin, customer))[0]
    assert ticket["title"] == "Fakturan stämmer inte" and ticket["channel"] == "email"

    ack = wait_for(lambda: mails_to(stack, admin, customer))
    assert ack[0]["Auto-Submitted"] == "auto-replied"

    reply = call(stack, "POST", f"/api/tickets/{ticket['id']}/replies", admin,
                 json={"text": "Vi rättar fakturan. Stämmer adressen?", "ask_customer": True})  # fmt: skip
    assert reply.status_code == 201, reply.text
    sent = [m for m in mails_to(stack, admin, customer) if m["Auto-Submitted"] is None][-1]
    assert f"[#{ticket['number']}]" in str(sent["Subject"])
    assert str(sent["In-Reply-To"]).strip("<>").endswith("@customer.example")
    assert "+t" in str(sent["Reply-To"])
    state = call(stack, "GET", f"/api/tickets/{ticket['id']}", admin).json()
    assert state["status"] == "with_contact"

    answer = customer_mail(customer, f"Re: {sent['Subject']}", "Ja, adressen stämmer.\n\n> Vi rättar fakturan.",
                           to=str(sent["Reply-To"]), In_Reply_To=str(sent["Message-ID"]))  # fmt: skip
    send(stack, answer)

    def appended() -> Any:
        events = call(stack, "GET", f"/api/tickets/{ticket['id']}", admin).json()["events"]
        return [e for e in events if e["type"] == "message_in"][1:] and events

    events = wait_for(appended)
    last_in = [e for e in events if e["type"] == "message_in"][-1]
    assert last_in["data"]["threading_rule"] == "reply_address"
    assert last_in["data"]["stripped_text"] == "Ja, adressen stämmer."
    assert call(stack, "GET", f"/api/tickets/{ticket['id']}", admin).json()["status"] == "open"
    assert len(tickets_of(stack, admin, customer)) == 1

    raw = call(stack, "GET", f"/api/tickets/{ticket['id']}/events/{last_in['id']}/raw", admin,
               headers={"Accept": "*/*"})  # fmt: skip
    assert raw.status_code == 200 and b"Ja, adressen st" in raw.content


def test_the_same_message_sent_three_times_at_once_makes_one_ticket(stack: Stack) -> None:
    admin = login(stack, "admin@example.com")
    customer = f"dubbel-{uuid.uuid4().hex[:6]}@example.se"
    message = customer_mail(customer, "Skickat tre gånger", "Samma meddelande.")
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: send(stack, bytes(message)), range(3)))
    wait_for(lambda: tickets_of(stack, admin, customer))
    time.sleep(1)
    assert len(tickets_of(stack, admin, customer)) == 1
    log = call(stack, "GET", "/api/admin/mail-log", admin,
               params={"message_id": str(message["Message-ID"])}).json()["items"]  # fmt: skip
    assert sorted(e["outcome"] for e in log) == ["created", "ignored", "ignored"]


def test_an_auto_responder_answering_every_mail_gets_at_most_the_cap(stack: Stack) -> None:
    admin = login(stack, "admin@example.com")
    robot = f"robot-{uuid.uuid4().hex[:6]}@example.org"
    send(stack, customer_mail(robot, "Hello", "First mail"))
    for round_number in range(50):
        # A badly behaved responder: no Auto-Submitted, a new subject each time, answers everything.
        send(stack, customer_mail(robot, f"Automatic answer {round_number}", "I am away."))
    time.sleep(1)
    automatic = [m for m in mails_to(stack, admin, robot) if m["Auto-Submitted"] == "auto-replied"]
    assert 1 <= len(automatic) <= 5


def test_a_portal_reply_joins_the_ticket(stack: Stack) -> None:
    admin = login(stack, "admin@example.com")
    customer = f"portal-{uuid.uuid4().hex[:6]}@example.se"
    send(stack, customer_mail(customer, "Portalfråga", "Hur gör jag?"), [SUPPORT])
    ticket = wait_for(lambda: tickets_of(stack, admin, customer))[0]
    ack = wait_for(lambda: mails_to(stack, admin, customer))[0]
    link = re.search(r"(http://\S+/portal/t/\S+)", ack.get_content().replace("=\n", ""))
    assert link is not None
    page = requests.get(link.group(1), timeout=10)
    assert page.status_code == 200 and "Portalfråga" in page.text
    assert "script-src" not in page.headers["Content-Security-Policy"]
    posted = requests.post(f"{link.group(1)}/reply", files={"text": (None, "Svar från portalen"),
                           "files": ("bild.txt", b"hej", "text/plain")}, timeout=10, allow_redirects=False)  # fmt: skip
    assert posted.status_code == 303
    events = call(stack, "GET", f"/api/tickets/{ticket['id']}", admin).json()["events"]
    portal_messages = [
        e for e in events if e["type"] == "message_in" and e["data"]["channel"] == "portal"
    ]
    assert portal_messages and portal_messages[0]["data"]["text"] == "Svar från portalen"
    assert portal_messages[0]["data"]["attachments"][0]["filename"] == "bild.txt"
    wrong = requests.get(link.group(1)[:-3] + "xyz", timeout=10)
    assert wrong.status_code == 404 and "Portalfråga" not in wrong.text
