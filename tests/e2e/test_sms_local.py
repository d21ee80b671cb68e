"""Texts end to end in the local stack (issue 13): a text in through POST /api/dev/sms (the
SNS Lambda's own intake), the agent's SMS reply out to the SMS outbox in its parts, and a
second text from the same number joining the ticket."""

from __future__ import annotations

import json

from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import call, login

OUR_NUMBER = "+46766861234"


def test_a_text_opens_a_ticket_the_reply_goes_out_in_parts_and_the_next_text_joins(
    stack: Stack,
) -> None:
    auth = login(stack, "admin@example.com")

    # A customer texts from a Swedish number written without the country code.
    first = call(stack, "POST", "/api/dev/sms", auth,
                 json={"from": "070-987 65 43", "to": OUR_NUMBER, "text": "Internet ligger nere"})  # fmt: skip
    assert first.status_code == 201, first.text
    assert first.json()["outcome"] == "created"
    ticket_id = first.json()["ticket_id"]
    ticket = call(stack, "GET", f"/api/tickets/{ticket_id}", auth).json()
    assert ticket["channel"] == "sms" and ticket["title"] == "Internet ligger nere"
    contact = call(stack, "GET", f"/api/contacts/{ticket['contact_id']}", auth).json()
    assert contact["mobile"] == "+46709876543"

    # The agent answers by SMS: 200 GSM characters with a euro sign go out as two parts.
    reply = ("Hej! Vi felsöker er anslutning nu och återkommer inom en timme. " * 3)[:190]
    reply += " Avgift 0 €."
    sent = call(stack, "POST", f"/api/tickets/{ticket_id}/replies", auth,
                json={"channel": "sms", "text": reply})  # fmt: skip
    assert sent.status_code == 201, sent.text
    outbox = call(stack, "GET", "/api/dev/sms-outbox", auth).json()
    [text] = [i for i in outbox["items"] if i["to"] == "+46709876543"]
    assert len(text["parts"]) == 2 and text["encoding"] == "GSM-7"
    assert "".join(text["parts"]) == reply
    files = list((stack.data_dir / "sms-outbox").glob("*.json"))
    assert any(json.loads(f.read_text())["message_id"] == text["message_id"] for f in files)

    # The customer answers from the same number in international form: the same ticket.
    second = call(stack, "POST", "/api/dev/sms", auth,
                  json={"from": "+46709876543", "to": OUR_NUMBER, "text": "Tack, nu fungerar det"})  # fmt: skip
    assert second.status_code == 201, second.text
    assert second.json()["outcome"] == "appended"
    assert second.json()["ticket_id"] == ticket_id
    events = call(stack, "GET", f"/api/tickets/{ticket_id}", auth).json()["events"]
    texts_in = [e["data"]["text"] for e in events if e["type"] == "message_in"]
    assert texts_in == ["Internet ligger nere", "Tack, nu fungerar det"]
    assert [e["data"]["parts"] for e in events if e["type"] == "message_out"] == [2]


def test_stopp_refuses_the_next_reply_with_a_clear_message(stack: Stack) -> None:
    auth = login(stack, "admin@example.com")
    opened = call(stack, "POST", "/api/dev/sms", auth,
                  json={"from": "0701112233", "to": OUR_NUMBER, "text": "Min faktura är fel"})  # fmt: skip
    ticket_id = opened.json()["ticket_id"]
    stopped = call(stack, "POST", "/api/dev/sms", auth,
                   json={"from": "0701112233", "to": OUR_NUMBER, "text": "STOPP"})  # fmt: skip
    assert stopped.json()["outcome"] == "opted_out"

    refused = call(stack, "POST", f"/api/tickets/{ticket_id}/replies", auth,
                   json={"channel": "sms", "text": "Vi har rättat fakturan"})  # fmt: skip

    assert refused.status_code == 409
    assert refused.json()["error"] == "sms_opted_out"
