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

    # Acknowledgements go out from the stream poller, a moment after intake: the first, then
    # time for the poller to get through the other 50 tickets' changes.
    def automatic() -> list[Any]:
        return [m for m in mails_to(stack, admin, robot) if m["Auto-Submitted"] == "auto-replied"]

    wait_for(automatic)
    time.sleep(3)
    assert 1 <= len(automatic()) <= 5


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


def _odd_mail(
    message_id: str, subject: bytes, body: bytes, *, sender_lines: bytes, extra: bytes = b""
) -> bytes:
    return (
        sender_lines + b"To: " + SUPPORT.encode() + b"\r\nSubject: " + subject + b"\r\n"
        b"Date: Tue, 08 Dec 2026 08:00:00 +0100\r\nMessage-ID: <" + message_id.encode() + b">\r\n"
        + extra + b"MIME-Version: 1.0\r\n" + body
    )  # fmt: skip


def _plain(text: str, charset: str = "utf-8") -> bytes:
    head = f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n"
    return head.encode() + b"\r\n" + text.encode(charset) + b"\r\n"


def test_odd_real_world_mail_over_smtp_reaches_tickets_intact_and_the_mail_log(
    stack: Stack,
) -> None:
    # Given mails of the shapes that used to be lost, quarantined or garbled (issue 9)
    admin = login(stack, "admin@example.com")
    tag = uuid.uuid4().hex[:8]
    tracker = f"42-{tag}@tracker.example"
    long_id = "y" * 3_000 + f"{tag}@odd.example"
    refs = b" ".join(f"<r{n}@junk.example>".encode() for n in range(2_000))
    gb_subject = "转发：整体方案"
    cases: list[tuple[str, bytes, str | None, str, str, str]] = [
        # (Message-ID, raw mail, envelope sender, contact address, title, first body line)
        (tracker, _odd_mail(tracker, b"[TRK-7] created", _plain("Issue created."),
         sender_lines=f"From: t-{tag}@tracker.example.org\r\n".encode()), None,
         f"t-{tag}@tracker.example.org", "[TRK-7] created", "Issue created."),
        (tracker, _odd_mail(tracker, b"[TRK-7] comment added", _plain("Lena commented."),
         sender_lines=f"From: t-{tag}@tracker.example.org\r\n".encode()), None,
         f"t-{tag}@tracker.example.org", "[TRK-7] comment added", "Lena commented."),
        (f"q-{tag}@k.example", _odd_mail(f"q-{tag}@k.example", b"Citat", _plain("Hej."),
         sender_lines=f'From: "john smith {tag}"@example.com\r\n'.encode()), None,
         f'"john smith {tag}"@example.com', "Citat", "Hej."),
        (f"i-{tag}@k.example", _odd_mail(f"i-{tag}@k.example", b"Intranet", _plain("Hej."),
         sender_lines=f"From: helpdesk-{tag}@intranet\r\n".encode()), None,
         f"helpdesk-{tag}@intranet", "Intranet", "Hej."),
        (f"n-{tag}@k.example", _odd_mail(f"n-{tag}@k.example", b"Utan vinkel", _plain("Hej."),
         sender_lines=f"From: Test User test-{tag}@example.com\r\n".encode()), None,
         f"test-{tag}@example.com", "Utan vinkel", "Hej."),
        (f"e-{tag}@k.example", _odd_mail(f"e-{tag}@k.example", b"Larm", _plain("Disken full."),
         sender_lines=b"From: Larmcentralen\r\n"), f"larm-{tag}@drift.example.se",
         f"larm-{tag}@drift.example.se", "Larm", "Disken full."),
        (long_id[:500], _odd_mail(long_id, b"Long ids", _plain("Still here."),
         sender_lines=f"From: long-{tag}@example.se\r\n".encode(),
         extra=b"In-Reply-To: <" + b"x" * 2_700 + b"@j.example>\r\nReferences: " + refs + b"\r\n"),
         None, f"long-{tag}@example.se", "Long ids", "Still here."),
        (f"g-{tag}@k.example", _odd_mail(f"g-{tag}@k.example", gb_subject.encode("gb2312"),
         b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n' + _plain("Vidarebefordrat.",
         "iso-8859-1") + b"--b\r\n" + _plain("整体方案见附件。", "gb2312") + b"--b--\r\n",
         sender_lines=f"From: gb-{tag}@example.cn\r\n".encode()), None,
         f"gb-{tag}@example.cn", gb_subject, "Vidarebefordrat."),
    ]  # fmt: skip

    # When each is sent over SMTP (with its envelope sender, as a mail server would)
    for _, raw, envelope, address, _, _ in cases:
        with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=30) as client:
            client.sendmail(envelope or address, [SUPPORT], raw)

    # Then every one is in the mail log, none quarantined or ignored, each on its ticket
    # with sender, subject and first line as written
    for message_id, _, _, address, title, first_line in cases:
        log = call(stack, "GET", "/api/admin/mail-log", admin,
                   params={"message_id": message_id}).json()["items"]  # fmt: skip
        mine = [e for e in log if e["subject"] == title]
        assert [e["outcome"] for e in mine] == ["created"], (title, log)
        ticket = call(stack, "GET", f"/api/tickets/{mine[0]['ticket_id']}", admin).json()
        assert ticket["title"] == title
        contact = call(stack, "GET", f"/api/contacts/{ticket['contact_id']}", admin).json()
        assert contact["emails"] == [address]
        [message] = [e for e in ticket["events"] if e["type"] == "message_in"]
        assert message["data"]["text"].splitlines()[0] == first_line
    reused = call(stack, "GET", "/api/admin/mail-log", admin,
                  params={"message_id": tracker}).json()["items"]  # fmt: skip
    assert any("message-id reused by a different message" in e["reason"] for e in reused)
