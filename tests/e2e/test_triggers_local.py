"""Triggers and alarms in the local stack as `make run` starts it (S7, issue 13): an admin's
trigger on the keyword "avbrott" texts the on-call number once when a customer mails about
an outage — visible in the local SMS outbox — with the reason in the ticket's history; a
mail without the word texts nobody."""

from __future__ import annotations

import smtplib
import time
import uuid
from email.message import EmailMessage
from typing import Any

from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import call, login

ON_CALL = "+46701234567"


def _mail(stack: Stack, subject: str, body: str) -> str:
    message = EmailMessage()
    message["From"] = "Kalle Kund <kalle@kund.example.se>"
    message["To"] = "kundtjanst@example.com"
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@kund.example.se>"
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=30) as client:
        client.send_message(message)
    return subject


def _outbox(stack: Stack, admin: dict[str, str]) -> list[dict[str, Any]]:
    answer = call(stack, "GET", "/api/dev/sms-outbox?limit=500", admin)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def _ticket_with(stack: Stack, admin: dict[str, str], word: str) -> dict[str, Any] | None:
    found = call(stack, "POST", "/api/tickets/search", admin, json={"words": word, "limit": 5})
    assert found.status_code == 200, found.text
    items = found.json()["items"]
    return items[0] if items else None


def _wait(what: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(1)
    return what()


def test_a_trigger_on_avbrott_texts_the_on_call_number_once_with_the_reason_in_the_history(
    stack: Stack,
) -> None:
    admin = login(stack, "admin@example.com")
    # Given a trigger on the keyword "avbrott" that texts the on-call number
    created = call(stack, "POST", "/api/admin/triggers", admin, json={
        "id": "avbrott", "name": "Avbrott – jouren", "when": ["ticket_created", "message_in"],
        "conditions": {"keywords": ["avbrott"]},
        "actions": [{"type": "sms", "to": ["070-123 45 67"]}],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    before = len(_outbox(stack, admin))
    word = f"nod{uuid.uuid4().hex[:8]}"

    # When a customer mails about an outage, and another mails about something else
    _mail(stack, f"Totalt AVBROTT i Malmö {word}", "Ingen el sedan kl 7.")
    quiet = f"tyst{uuid.uuid4().hex[:8]}"
    _mail(stack, f"Fråga om faktura {quiet}", "Avbrottsfri leverans, tack.")

    # Then the on-call number gets one text naming the ticket and the reason
    ticket = _wait(lambda: _ticket_with(stack, admin, word))
    assert ticket, "the mail made no ticket"
    texts = _wait(lambda: [t for t in _outbox(stack, admin)[before:] if t["to"] == ON_CALL])
    assert len(texts) == 1, texts
    assert f"#{ticket['number']}" in texts[0]["text"]
    assert "avbrott" in texts[0]["text"].lower()
    assert texts[0]["parts"], texts[0]

    # And the ticket's history says the trigger fired, on what, and why
    shown = call(stack, "GET", f"/api/tickets/{ticket['id']}", admin)
    assert shown.status_code == 200, shown.text
    fired = [e for e in shown.json()["events"] if e["type"] == "trigger_fired"]
    assert len(fired) == 1, fired
    assert fired[0]["data"]["trigger_name"] == "Avbrott – jouren"
    assert {"condition": "keywords", "value": "avbrott", "where": "subject"} in fired[0]["data"][
        "reasons"
    ]
    assert fired[0]["data"]["actions"] == [{"type": "sms", "to": [ON_CALL], "outcome": "sent"}]

    # The other mail made a ticket and no text; a while later still one text in all
    assert _wait(lambda: _ticket_with(stack, admin, quiet)), "the second mail made no ticket"
    time.sleep(5)  # the stream poller's next rounds: nothing is sent twice
    assert len([t for t in _outbox(stack, admin)[before:] if t["to"] == ON_CALL]) == 1
