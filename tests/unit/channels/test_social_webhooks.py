"""Messenger and X webhooks: handshakes, signatures and payloads (issue 13)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from chalicelib.channels.social import facebook, x
from tests.social_payloads import (
    FB_APP_SECRET,
    FB_VERIFY_TOKEN,
    PAGE_ID,
    PSID,
    X_ACCOUNT,
    X_CONSUMER_SECRET,
    X_PERSON,
    body_of,
    facebook_signature,
    messenger_delivery,
    messenger_echo,
    messenger_message,
    x_delivery,
    x_message,
    x_signature,
)

# --- Facebook: the subscription handshake --------------------------------------------


def test_facebook_handshake_with_our_verify_token_echoes_the_challenge() -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": FB_VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    assert facebook.subscription_challenge(query, FB_VERIFY_TOKEN) == "1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guessed", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": FB_VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY_TOKEN, "hub.challenge": "<script>"},
    ],
    ids=["wrong-token", "wrong-mode", "no-token", "challenge-not-a-number"],
)
def test_facebook_handshake_is_refused_unless_everything_matches(query: dict[str, str]) -> None:
    assert facebook.subscription_challenge(query, FB_VERIFY_TOKEN) is None


def test_facebook_handshake_is_refused_while_no_verify_token_is_set_up() -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert facebook.subscription_challenge(query, "") is None


# --- Facebook: X-Hub-Signature-256 -----------------------------------------------------


def test_facebook_signature_is_the_hex_hmac_of_the_raw_body() -> None:
    body = body_of(messenger_delivery(messenger_message()))
    header = "sha256=" + hmac.new(FB_APP_SECRET, body, hashlib.sha256).hexdigest()
    assert facebook.signature_valid(FB_APP_SECRET, body, header)


def test_facebook_signature_accepts_upper_case_hex_digits() -> None:
    body = b'{"object":"page","entry":[]}'
    header = facebook_signature(body)
    assert facebook.signature_valid(FB_APP_SECRET, body, "sha256=" + header[7:].upper())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, sig: (body.replace(b"kommit", b"kommit!"), sig),
        lambda body, sig: (body + b" ", sig),
        lambda body, sig: (body, facebook_signature(body, b"another-app-secret")),
        lambda body, sig: (body, None),
        lambda body, sig: (body, ""),
        lambda body, sig: (body, sig[7:]),
        lambda body, sig: (body, "sha1=" + hmac.new(FB_APP_SECRET, body, hashlib.sha1).hexdigest()),
        lambda body, sig: (body, sig[:-1] + "é"),
    ],
    ids=[
        "tampered-text",
        "extra-byte",
        "other-secret",
        "no-header",
        "empty-header",
        "no-prefix",
        "sha1",
        "non-ascii",
    ],
)
def test_facebook_signature_refuses_anything_but_our_signature_of_this_body(tamper) -> None:  # type: ignore[no-untyped-def]
    body = body_of(messenger_delivery(messenger_message()))
    changed, header = tamper(body, facebook_signature(body))
    assert not facebook.signature_valid(FB_APP_SECRET, changed, header)


def test_facebook_signature_never_matches_without_an_app_secret() -> None:
    body = b"{}"
    assert not facebook.signature_valid(
        b"", body, "sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest()
    )


# --- Facebook: payloads ------------------------------------------------------------------


def test_messenger_text_message_becomes_an_inbound_message_of_the_person_and_page() -> None:
    parsed = facebook.parse(messenger_delivery(messenger_message("Hej!\nMin order 123 saknas.")))
    assert parsed is not None and parsed.skipped == 0
    [message] = parsed.messages
    assert (message.platform, message.account_id, message.sender_id) == ("facebook", PAGE_ID, PSID)
    assert message.identity == f"facebook:{PSID}"
    assert message.thread_key == f"facebook:{PAGE_ID}:{PSID}"
    assert message.message_key == "inbound:facebook:m_AbC123-xyz.1"
    assert message.inbound.text == "Hej!\nMin order 123 saknas."
    assert message.inbound.subject == "Hej!"
    assert message.inbound.message_id == "m_AbC123-xyz.1"
    assert message.inbound.date is not None and message.inbound.date.year == 2024
    assert not message.inbound.auto_reply


def test_messenger_attachment_links_are_kept_under_the_text() -> None:
    url = "https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg?_nc_cat=1"
    event = messenger_message(
        "", attachments=[{"type": "image", "payload": {"url": url}}, {"type": "fallback"}]
    )
    [message] = facebook.parse(messenger_delivery(event)).messages  # type: ignore[union-attr]
    assert message.attachment_urls == (url,)
    assert url in message.inbound.text
    assert message.inbound.subject == "Facebook message"


def test_messenger_echo_of_our_own_reply_is_not_filed() -> None:
    parsed = facebook.parse(messenger_delivery(messenger_echo(), messenger_message()))
    assert parsed is not None
    assert [m.message_id for m in parsed.messages] == ["m_AbC123-xyz.1"]
    assert parsed.skipped == 1


def test_messenger_message_from_the_page_itself_without_the_echo_flag_is_not_filed() -> None:
    event = messenger_message(psid=PAGE_ID)
    assert facebook.parse(messenger_delivery(event)).messages == []  # type: ignore[union-attr]


def test_messenger_deliveries_reads_and_postbacks_are_skipped() -> None:
    delivery = {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "delivery": {"watermark": 1}}
    read = {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "read": {"watermark": 1}}
    postback = {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "postback": {"payload": "x"}}
    parsed = facebook.parse(messenger_delivery(delivery, read, postback))
    assert parsed is not None and parsed.messages == [] and parsed.skipped == 3


def test_several_entries_and_events_in_one_delivery_all_arrive_in_order() -> None:
    payload = messenger_delivery(
        messenger_message("ett", mid="m_1"), messenger_message("två", mid="m_2")
    )
    payload["entry"].append(messenger_delivery(messenger_message("tre", mid="m_3"))["entry"][0])
    parsed = facebook.parse(payload)
    assert [m.inbound.text for m in parsed.messages] == ["ett", "två", "tre"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "payload",
    [{"object": "instagram", "entry": []}, {"object": "page"}, [], "page", None],
    ids=["instagram", "no-entries", "list", "text", "null"],
)
def test_deliveries_that_are_not_messenger_pages_are_not_parsed(payload: object) -> None:
    assert facebook.parse(payload) is None


def test_messenger_events_with_hostile_ids_are_skipped() -> None:
    bad = messenger_message(psid="123/../../etc")
    also_bad = messenger_message(mid="")
    parsed = facebook.parse(messenger_delivery(bad, also_bad, messenger_message()))
    assert parsed is not None and len(parsed.messages) == 1 and parsed.skipped == 2


# --- X: CRC and signature ---------------------------------------------------------------


def test_x_crc_answer_is_the_base64_hmac_of_the_token_with_the_consumer_secret() -> None:
    token = "9b4507b3-9040-4669-9ca3-6b94edb50553"
    digest = hmac.new(X_CONSUMER_SECRET, token.encode(), hashlib.sha256).digest()
    assert x.crc_response(X_CONSUMER_SECRET, token) == {
        "response_token": "sha256=" + base64.b64encode(digest).decode()
    }


def test_x_signature_of_the_raw_body_is_accepted() -> None:
    body = body_of(x_delivery(x_message()))
    assert x.signature_valid(X_CONSUMER_SECRET, body, x_signature(body))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, sig: (body.replace(b"invoice", b"invoices"), sig),
        lambda body, sig: (body, x_signature(body, b"not-our-secret")),
        lambda body, sig: (body, None),
        lambda body, sig: (
            body,
            "sha256=" + hmac.new(X_CONSUMER_SECRET, body, hashlib.sha256).hexdigest(),
        ),
    ],
    ids=["tampered-body", "other-secret", "no-header", "hex-not-base64"],
)
def test_x_signature_refuses_anything_but_our_signature_of_this_body(tamper) -> None:  # type: ignore[no-untyped-def]
    body = body_of(x_delivery(x_message()))
    changed, header = tamper(body, x_signature(body))
    assert not x.signature_valid(X_CONSUMER_SECRET, changed, header)


# --- X: payloads -------------------------------------------------------------------------


def test_x_direct_message_becomes_an_inbound_message_with_the_persons_name() -> None:
    parsed = x.parse(x_delivery(x_message("Hello, my invoice is wrong")))
    assert parsed is not None
    [message] = parsed.messages
    assert (message.platform, message.account_id, message.sender_id) == ("x", X_ACCOUNT, X_PERSON)
    assert message.identity == f"x:{X_PERSON}"
    assert (message.sender_name, message.sender_handle) == ("Karin Kund", "karinkund")
    assert message.inbound.from_name == "Karin Kund"
    assert message.inbound.text == "Hello, my invoice is wrong"
    assert message.message_key == "inbound:x:1801234567890123456"


def test_x_short_links_are_expanded_to_what_the_person_wrote() -> None:
    event = x_message("see https://t.co/abc123")
    event["message_create"]["message_data"]["entities"]["urls"] = [
        {"url": "https://t.co/abc123", "expanded_url": "https://example.se/order/55"}
    ]
    [message] = x.parse(x_delivery(event)).messages  # type: ignore[union-attr]
    assert message.inbound.text == "see https://example.se/order/55"


def test_x_message_our_account_sent_is_an_echo_and_not_filed() -> None:
    echo = x_message("We are on it", event_id="1801", sender=X_ACCOUNT, recipient=X_PERSON)
    parsed = x.parse(x_delivery(echo, x_message()))
    assert parsed is not None
    assert [m.message_id for m in parsed.messages] == ["1801234567890123456"]
    assert parsed.skipped == 1


def test_x_deliveries_without_direct_messages_are_not_parsed() -> None:
    assert x.parse({"for_user_id": X_ACCOUNT, "tweet_create_events": [{}]}) is None
    assert x.parse({"direct_message_events": [x_message()]}) is None  # no for_user_id
