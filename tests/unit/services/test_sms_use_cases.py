"""Texts both ways (issue 13): intake by number, threading per number and response point,
STOP/START on the contact card, SMS replies with their refusals, delivery receipts."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.domain.errors import (
    ConflictError,
    TooManyRequestsError,
    UnavailableError,
    ValidationError,
)
from chalicelib.domain.organisation import Settings, User
from chalicelib.domain.records import to_record
from chalicelib.domain.statuses import Channel, Status
from chalicelib.services import contacts, directory
from chalicelib.services.context import Services
from chalicelib.services.sms import intake, receipts
from chalicelib.services.sms.outbound import send_sms_reply
from tests.support import FrozenClock

CUSTOMER = "+46701234567"
OUR_NUMBER = "+46766861234"
IT_NUMBER = "+46766869999"


def _text(body: str, *, sender: str = "070-123 45 67", to: str = OUR_NUMBER,
          message_id: str | None = None) -> dict[str, Any]:  # fmt: skip
    _text.count = getattr(_text, "count", 0) + 1  # type: ignore[attr-defined]
    return {
        "originationNumber": sender,
        "destinationNumber": to,
        "messageBody": body,
        "messageKeyword": "",
        "inboundMessageId": message_id or f"in-{_text.count}",  # type: ignore[attr-defined]
    }


@pytest.fixture
def numbered(svc: Services, people: dict[str, User]) -> dict[str, User]:
    """The IT response point answers texts to IT_NUMBER; anything else: the default."""
    rp = directory.response_point(svc, "it-support")
    rp.sms_numbers = [IT_NUMBER]
    svc.config.put(directory.RESPONSE_POINT, rp.id, to_record(rp))
    return people


def _sender(svc: Services) -> RecordingSmsSender:
    assert isinstance(svc.sms, RecordingSmsSender)
    return svc.sms


def _settings(svc: Services, **changes: Any) -> None:
    record = {**to_record(directory.settings(svc)), **changes}
    svc.config.put(directory.SETTINGS, "global", record)


# --- in --------------------------------------------------------------------------


def test_a_first_text_opens_a_ticket_for_a_new_contact_by_e164_number(
    svc: Services, numbered: dict[str, User]
) -> None:
    filed = intake.receive(svc, _text("Routern blinkar rött, hjälp!"))

    assert filed.outcome == "created"
    ticket = svc.tickets.get(str(filed.ticket_id))
    assert ticket.channel is Channel.SMS
    assert ticket.response_point_id == "kundtjanst"  # the default: no one lists OUR_NUMBER
    assert ticket.title == "Routern blinkar rött, hjälp!"
    contact = svc.contacts.get(str(ticket.contact_id))
    assert contact.phones == [CUSTOMER]
    message = next(e for e in svc.tickets.events(ticket.id) if e.type == "message_in")
    assert message.data["channel"] == "sms" and message.data["phone"] == CUSTOMER


def test_the_number_texted_picks_the_response_point(
    svc: Services, numbered: dict[str, User]
) -> None:
    filed = intake.receive(svc, _text("Printer is down", to=IT_NUMBER))
    assert svc.tickets.get(str(filed.ticket_id)).response_point_id == "it-support"


def test_a_known_contact_is_found_by_the_number_as_an_agent_typed_it(
    svc: Services, numbered: dict[str, User]
) -> None:
    known = contacts.create_contact(svc, {"name": "Åsa Öberg", "phones": ["070-123 45 67"]})

    filed = intake.receive(svc, _text("Hej igen", sender="+46701234567"))

    assert filed.contact_id == known.id
    assert svc.tickets.get(str(filed.ticket_id)).contact_id == known.id


def test_a_second_text_from_the_same_number_joins_the_open_ticket(
    svc: Services, numbered: dict[str, User]
) -> None:
    first = intake.receive(svc, _text("Routern blinkar"))
    second = intake.receive(svc, _text("Nu fungerar den inte alls"))

    assert second.outcome == "appended"
    assert second.ticket_id == first.ticket_id
    texts = [e.data["text"] for e in svc.tickets.events(str(first.ticket_id))
             if e.type == "message_in"]  # fmt: skip
    assert texts == ["Routern blinkar", "Nu fungerar den inte alls"]


def test_the_same_number_at_another_response_point_is_another_conversation(
    svc: Services, numbered: dict[str, User]
) -> None:
    first = intake.receive(svc, _text("Faktura fel"))
    other = intake.receive(svc, _text("Printer is down", to=IT_NUMBER))
    assert other.outcome == "created" and other.ticket_id != first.ticket_id


def test_a_text_delivered_twice_is_filed_once(svc: Services, numbered: dict[str, User]) -> None:
    first = intake.receive(svc, _text("Hej", message_id="same-id"))
    again = intake.receive(svc, _text("Hej", message_id="same-id"))

    assert again.outcome == "duplicate"
    assert (again.ticket_id, again.event_id) == (first.ticket_id, first.event_id)
    messages = [e for e in svc.tickets.events(str(first.ticket_id)) if e.type == "message_in"]
    assert len(messages) == 1


def test_a_text_within_the_reopen_window_reopens_the_closed_ticket(
    svc: Services, numbered: dict[str, User], clock: FrozenClock
) -> None:
    first = intake.receive(svc, _text("Routern blinkar"))
    ticket = svc.tickets.get(str(first.ticket_id))
    ticket.change_status(Status.CLOSED, "agent1", clock())
    svc.tickets.save(ticket)
    clock.advance(days=3)

    again = intake.receive(svc, _text("Den blinkar igen"))

    assert again.ticket_id == first.ticket_id and again.outcome == "appended"
    assert svc.tickets.get(str(first.ticket_id)).status is Status.OPEN


def test_a_text_after_the_reopen_window_opens_a_new_ticket_that_later_texts_join(
    svc: Services, numbered: dict[str, User], clock: FrozenClock
) -> None:
    first = intake.receive(svc, _text("Routern blinkar"))
    ticket = svc.tickets.get(str(first.ticket_id))
    ticket.change_status(Status.CLOSED, "agent1", clock())
    svc.tickets.save(ticket)
    clock.advance(days=15)  # the window is 14 days

    new = intake.receive(svc, _text("Nytt problem"))
    later = intake.receive(svc, _text("Och en sak till"))

    assert new.outcome == "created" and new.ticket_id != first.ticket_id
    assert later.ticket_id == new.ticket_id
    assert svc.tickets.get(str(first.ticket_id)).status is Status.CLOSED


def test_stop_in_swedish_opts_the_number_out_on_the_card_and_start_opts_it_in(
    svc: Services, numbered: dict[str, User]
) -> None:
    stopped = intake.receive(svc, _text("STOPP"))
    assert stopped.outcome == "opted_out" and stopped.ticket_id is None
    assert svc.contacts.get(stopped.contact_id).sms_opted_out == [CUSTOMER]

    started = intake.receive(svc, _text("Starta"))
    assert started.outcome == "opted_in"
    assert svc.contacts.get(started.contact_id).sms_opted_out == []


def test_a_stop_delivered_again_after_start_changes_nothing(
    svc: Services, numbered: dict[str, User]
) -> None:
    intake.receive(svc, _text("STOP", message_id="stop-1"))
    intake.receive(svc, _text("START", message_id="start-1"))
    again = intake.receive(svc, _text("STOP", message_id="stop-1"))

    assert again.outcome == "duplicate"
    assert svc.contacts.get(again.contact_id).sms_opted_out == []


def test_a_payload_without_a_sender_is_refused_and_files_nothing(
    svc: Services, numbered: dict[str, User]
) -> None:
    with pytest.raises(ValidationError):
        intake.receive(svc, {"destinationNumber": OUR_NUMBER, "messageBody": "x",
                             "inboundMessageId": "1"})  # fmt: skip
    assert svc.contacts.list().items == []


# --- out -------------------------------------------------------------------------


def _ticket_from_text(svc: Services) -> str:
    return str(intake.receive(svc, _text("Hej, routern blinkar")).ticket_id)


def test_an_agent_reply_by_sms_goes_to_the_mobile_and_the_history_keeps_its_parts(
    svc: Services, numbered: dict[str, User]
) -> None:
    ticket_id = _ticket_from_text(svc)
    text = "Hej! Vi har felanmält routern. " * 6  # 186 characters: two parts

    event = send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": text})

    sent = _sender(svc).sent
    assert [s.to for s in sent] == [CUSTOMER]
    assert event.data["parts"] == 2 and event.data["encoding"] == "GSM-7"
    assert event.data["provider_id"] == "sms-1"
    stored = [e for e in svc.tickets.events(ticket_id) if e.type == "message_out"]
    assert [e.event_id for e in stored] == [event.event_id]
    assert stored[0].data["to"] == [CUSTOMER] and stored[0].data["channel"] == "sms"


def test_a_reply_asking_the_customer_waits_with_contact(
    svc: Services, numbered: dict[str, User]
) -> None:
    ticket_id = _ticket_from_text(svc)
    send_sms_reply(svc, numbered["admin"], ticket_id,
                   {"channel": "sms", "text": "Vilken modell?", "ask_customer": True})  # fmt: skip
    assert svc.tickets.get(ticket_id).status is Status.WITH_CONTACT


def test_a_number_that_said_stop_is_refused_and_nothing_is_sent(
    svc: Services, numbered: dict[str, User]
) -> None:
    ticket_id = _ticket_from_text(svc)
    intake.receive(svc, _text("STOP"))

    with pytest.raises(ConflictError) as refused:
        send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": "Hej"})

    assert refused.value.code == "sms_opted_out"
    assert _sender(svc).sent == []


def test_a_contact_without_a_mobile_number_is_refused(
    svc: Services, numbered: dict[str, User]
) -> None:
    ticket_id = _ticket_from_text(svc)
    ticket = svc.tickets.get(ticket_id)
    contact = svc.contacts.get(str(ticket.contact_id))
    contacts.update_contact(svc, contact.id, {"phones": ["08-123 456 78"]}, if_match=None)

    with pytest.raises(ValidationError) as refused:
        send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": "Hej"})
    assert refused.value.code == "no_mobile"


def test_the_monthly_spend_cap_stops_texts_and_what_was_refused_is_not_counted(
    svc: Services, numbered: dict[str, User]
) -> None:
    _settings(svc, sms_monthly_spend_cap=0.3, sms_price_per_part=0.1)
    ticket_id = _ticket_from_text(svc)
    reply = {"channel": "sms", "text": "Hej"}
    send_sms_reply(svc, numbered["admin"], ticket_id, reply)  # 0.1
    send_sms_reply(svc, numbered["admin"], ticket_id, reply)  # 0.2

    with pytest.raises(TooManyRequestsError) as refused:
        send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": "x" * 200})
    assert refused.value.code == "sms_spend_cap"
    # The refused two parts were given back: one more single part still fits (0.3).
    send_sms_reply(svc, numbered["admin"], ticket_id, reply)
    assert len(_sender(svc).sent) == 3
    with pytest.raises(TooManyRequestsError):
        send_sms_reply(svc, numbered["admin"], ticket_id, reply)


def test_a_failed_send_is_not_counted_against_the_cap(
    svc: Services, numbered: dict[str, User]
) -> None:
    _settings(svc, sms_monthly_spend_cap=0.1, sms_price_per_part=0.1)
    ticket_id = _ticket_from_text(svc)
    _sender(svc).fail_with = RuntimeError("throttled")
    with pytest.raises(RuntimeError):
        send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": "Hej"})
    _sender(svc).fail_with = None

    send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": "Hej"})
    assert len(_sender(svc).sent) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"channel": "sms", "text": "  "}, "empty"),
        ({"channel": "sms", "text": "x" * 1531}, "sms_too_long"),
        ({"channel": "sms", "text": "Hej", "cc": ["a@b.se"]}, "invalid"),
    ],
    ids=["empty", "more-than-ten-parts", "mail-fields"],
)
def test_replies_that_cannot_be_texts_are_refused(
    svc: Services, numbered: dict[str, User], body: dict[str, Any], code: str
) -> None:
    ticket_id = _ticket_from_text(svc)
    with pytest.raises(ValidationError) as refused:
        send_sms_reply(svc, numbered["admin"], ticket_id, body)
    assert refused.value.code == code
    assert _sender(svc).sent == []


def test_without_an_sms_sender_the_reply_is_refused_as_unavailable(
    svc: Services, numbered: dict[str, User]
) -> None:
    ticket_id = _ticket_from_text(svc)
    svc.sms = None
    with pytest.raises(UnavailableError):
        send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": "Hej"})


# --- receipts --------------------------------------------------------------------


def _receipt(provider_id: str, event_type: str = "TEXT_DELIVERED", final: bool = True) -> dict:
    return {
        "eventType": event_type,
        "isFinal": final,
        "messageId": provider_id,
        "messageStatus": event_type.removeprefix("TEXT_"),
        "messageStatusDescription": "as the carrier says",
        "totalMessageParts": 1,
        "totalMessagePrice": 0.0645,
    }


def test_a_final_delivery_receipt_is_recorded_on_the_message_once(
    svc: Services, numbered: dict[str, User]
) -> None:
    ticket_id = _ticket_from_text(svc)
    sent = send_sms_reply(svc, numbered["admin"], ticket_id, {"channel": "sms", "text": "Hej"})

    assert receipts.record_receipt(svc, _receipt("sms-1", final=False)) == "interim"
    assert receipts.record_receipt(svc, _receipt("sms-1")) == "recorded"
    assert receipts.record_receipt(svc, _receipt("sms-1")) == "duplicate"

    statuses = [e for e in svc.tickets.events(ticket_id) if e.type == "delivery_status"]
    assert len(statuses) == 1
    assert statuses[0].data["message_event_id"] == sent.event_id
    assert statuses[0].data["delivered"] is True


def test_a_receipt_for_a_text_we_never_sent_changes_nothing(
    svc: Services, numbered: dict[str, User]
) -> None:
    assert receipts.record_receipt(svc, _receipt("not-ours", "TEXT_BLOCKED")) == "unknown"


def test_settings_refuse_a_negative_cap() -> None:
    with pytest.raises(ValidationError):
        Settings(sms_monthly_spend_cap=-1)
