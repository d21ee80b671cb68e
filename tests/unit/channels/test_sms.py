"""Texts: two-way SMS payloads, phone numbers, GSM-7 / UCS-2 parts, STOP and START."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.channels import sms
from chalicelib.domain.errors import ValidationError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sms"
# The same cases drive web/tests/smsParts.test.ts: the composer counts as the server splits.
SEGMENT_CASES = json.loads((FIXTURES / "segments.json").read_text(encoding="utf-8"))


def _payload(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --- phone numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("070-123 45 67", "+46701234567"),
        ("0701234567", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("+46 (0)70-123 45 67", "+46701234567"),
        ("08-123 456 78", "+46812345678"),
        ("+1 425-555-0182", "+14255550182"),
        ("+358 40 1234567", "+358401234567"),
    ],
    ids=["dashes", "digits", "spaced", "00-prefix", "trunk-zero-in-brackets", "stockholm",
         "us", "finland"],
)  # fmt: skip
def test_numbers_become_e164_with_swedish_numbers_understood(written: str, e164: str) -> None:
    assert sms.to_e164(written) == e164


@pytest.mark.parametrize("junk", ["", "   ", "hello", "12", "+46 70", "0" * 41, "+999 1234567"])
def test_what_is_no_phone_number_is_refused(junk: str) -> None:
    with pytest.raises(ValidationError):
        sms.to_e164(junk)


def test_mobile_numbers_are_told_from_landlines() -> None:
    assert sms.is_mobile("+46701234567")
    assert not sms.is_mobile("+46812345678")


def test_a_swedish_number_is_looked_up_in_the_forms_cards_hold() -> None:
    assert sms.national_forms("+46701234567") == [
        "+46701234567",
        "0046701234567",
        "0701234567",
        "+460701234567",
    ]
    assert "0701234567" not in sms.national_forms("+4770123456")


# --- parts -----------------------------------------------------------------------


@pytest.mark.parametrize("case", SEGMENT_CASES, ids=[c["name"] for c in SEGMENT_CASES])
def test_texts_are_counted_and_split_by_the_gsm_and_ucs2_rules(case: dict) -> None:
    counted = sms.count(case["text"])
    parts = sms.split(case["text"])

    assert (counted.encoding, counted.parts, counted.remaining) == (
        case["encoding"],
        case["parts"],
        case["remaining"],
    )
    assert [len(p) for p in parts] == case["part_lengths"]
    assert "".join(parts) == case["text"]


def test_no_part_is_longer_than_the_limit_of_its_encoding() -> None:
    text = ("Fakturan för 1 200 € {ref} är skickad. " * 12).strip()
    parts = sms.split(text)
    assert len(parts) == sms.count(text).parts > 1
    for part in parts:
        assert sum(2 if ch in sms.GSM_EXTENSION else 1 for ch in part) <= sms.GSM_MULTI


def test_swedish_letters_stay_in_gsm7_but_a_check_mark_does_not() -> None:
    assert sms.count("Åsa på Öland är här").encoding == "GSM-7"
    assert sms.count("Klart ✓").encoding == "UCS-2"


# --- keywords --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["STOP", "stop", "Stopp", "SLUTA", "avsluta.", " Stop! "])
def test_stop_words_in_english_and_swedish_opt_out(text: str) -> None:
    assert sms.keyword(text) == "opt_out"


@pytest.mark.parametrize("text", ["START", "start", "Starta", "UNSTOP"])
def test_start_words_opt_back_in(text: str) -> None:
    assert sms.keyword(text) == "opt_in"


@pytest.mark.parametrize(
    "text", ["Please stop the service at my address", "ja", "yes", "Stoppa leveransen"]
)
def test_a_sentence_mentioning_stop_is_a_message(text: str) -> None:
    assert sms.keyword(text) is None


# --- inbound payloads ------------------------------------------------------------


def test_a_two_way_payload_becomes_one_inbound_message() -> None:
    received = sms.parse_inbound(_payload("inbound_sv.json"))
    message = sms.as_inbound_message(received)

    assert received.sender == "+46701234567"
    assert received.destination == "+46766861234"
    assert received.keyword is None
    assert message.from_addr == ""
    assert message.from_name == "+46701234567"
    assert message.subject == "Hej, min router blinkar rött sedan i morse. Kan ni hjälpa?"
    assert message.text.startswith("Hej, min router")
    assert message.message_id == "sms:2d2b5a3c-7f41-5a0e-9a64-3c1f0d8e1a11"
    assert message.in_reply_to == "sms:9b1e6c4a-2f7d-4e33-8a1b-5c6d7e8f9a0b"
    assert not message.auto_reply


def test_a_stop_text_is_read_as_an_opt_out() -> None:
    assert sms.parse_inbound(_payload("inbound_stopp.json")).keyword == "opt_out"


def test_a_long_first_line_makes_a_short_title() -> None:
    title = sms.subject_of("Hej! " + "jag har problem med min uppkoppling " * 5)
    assert len(title) <= 61 and title.endswith("…")


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {"destinationNumber": "+46766861234", "messageBody": "x", "inboundMessageId": "1"},
        {"originationNumber": "not a number", "destinationNumber": "+46766861234",
         "messageBody": "x", "inboundMessageId": "1"},
        {"originationNumber": "+46701234567", "destinationNumber": "+46766861234",
         "messageBody": "x", "inboundMessageId": ""},
        {"originationNumber": "+46701234567", "destinationNumber": "+46766861234",
         "messageBody": "x" * 5001, "inboundMessageId": "1"},
    ],
    ids=["not-an-object", "no-sender", "bad-sender", "no-id", "too-long"],
)  # fmt: skip
def test_broken_payloads_are_refused(broken: object) -> None:
    with pytest.raises(ValidationError):
        sms.parse_inbound(broken)


# --- delivery receipts -----------------------------------------------------------


def test_a_delivery_event_names_our_message_and_its_parts() -> None:
    receipt = sms.parse_receipt(_payload("receipt_delivered.json"))

    assert receipt is not None
    assert receipt.provider_id == "ed23196c-75ce-4727-93ee-7bf72b64998f"
    assert receipt.delivered and receipt.final
    assert receipt.parts == 2
    assert receipt.context["ticket_id"] == "01KBM0000000000000000000TK"


def test_events_that_are_not_about_texts_are_ignored() -> None:
    assert sms.parse_receipt({"eventType": "VOICE_COMPLETED", "messageId": "x"}) is None
    assert sms.parse_receipt({"eventType": "TEXT_DELIVERED"}) is None
    assert sms.parse_receipt("TEXT_DELIVERED") is None
