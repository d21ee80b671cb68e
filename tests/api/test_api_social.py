"""Messenger and X over HTTP: signed webhooks make tickets, unsigned ones are refused, the
handshakes answer, and agents' replies go out to the right person (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.memory_social import RecordingSocialSender
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.events import EventType
from chalicelib.services import conversations
from chalicelib.services.context import Services
from chalicelib.services.social.keys import SocialKeys, StaticSocialKeys
from tests.api.apiclient import Api, assert_error
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

FB_THREAD = f"facebook:{PAGE_ID}:{PSID}"
X_THREAD = f"x:{X_ACCOUNT}:{X_PERSON}"


@pytest.fixture
def sent(svc: Services) -> RecordingSocialSender:
    recorder = RecordingSocialSender()
    svc.social = recorder
    svc.social_keys = StaticSocialKeys(
        SocialKeys(
            facebook_app_secret=FB_APP_SECRET,
            facebook_verify_token=FB_VERIFY_TOKEN,
            x_consumer_secret=X_CONSUMER_SECRET,
        )
    )
    return recorder


@pytest.fixture
def social_api(api: Api, sent: RecordingSocialSender) -> Api:
    """The page and the X account both answered at IT-support (visibility: all)."""
    admin = api.as_user("admin")
    for platform, account in (("facebook", PAGE_ID), ("x", X_ACCOUNT)):
        reply = admin.post(
            "/api/admin/social-accounts",
            {
                "platform": platform,
                "account_id": account,
                "name": f"IT on {platform}",
                "response_point_id": "it-support",
            },
        )
        assert reply.status == 201, reply.body
    return api


def post_facebook(api: Api, payload: dict[str, Any], *, signature: str | None = "sign") -> Any:
    body = body_of(payload)
    headers = {}
    if signature == "sign":
        headers["X-Hub-Signature-256"] = facebook_signature(body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return api.with_token(None).post("/webhooks/facebook", raw=body, headers=headers)


def post_x(api: Api, payload: dict[str, Any], *, signed: bool = True) -> Any:
    body = body_of(payload)
    headers = {"x-twitter-webhooks-signature": x_signature(body)} if signed else {}
    return api.with_token(None).post("/webhooks/x", raw=body, headers=headers)


# --- Facebook in ---------------------------------------------------------------------------


def test_signed_messenger_message_opens_a_ticket_at_the_pages_response_point(
    svc: Services, social_api: Api
) -> None:
    reply = post_facebook(social_api, messenger_delivery(messenger_message("Skrivaren är trasig")))

    assert reply.status == 200 and reply.body == {"filed": 1, "duplicates": 0}
    ticket = svc.tickets.get(conversations.thread_ticket(svc, FB_THREAD) or "")
    assert ticket.channel.value == "facebook"
    assert ticket.response_point_id == "it-support"
    assert ticket.title == "Skrivaren är trasig"
    contact = svc.contacts.get(ticket.contact_id or "")
    assert contact.identities == [f"facebook:{PSID}"]
    seen = social_api.as_user("agent3").get(f"/api/tickets/{ticket.id}")
    assert seen.status == 200
    assert [e["data"]["text"] for e in seen.body["events"] if e["type"] == "message_in"] == [
        "Skrivaren är trasig"
    ]


def test_unsigned_messenger_webhook_is_refused_with_401_and_files_nothing(
    svc: Services, social_api: Api
) -> None:
    reply = post_facebook(social_api, messenger_delivery(messenger_message()), signature=None)

    assert_error(reply, 401, "bad_signature")
    assert conversations.thread_ticket(svc, FB_THREAD) is None


def test_messenger_webhook_with_a_tampered_body_is_refused(svc: Services, social_api: Api) -> None:
    original = body_of(messenger_delivery(messenger_message("Hej")))
    tampered = original.replace(b"Hej", b"Hoj")
    reply = social_api.with_token(None).post(
        "/webhooks/facebook",
        raw=tampered,
        headers={"X-Hub-Signature-256": facebook_signature(original)},
    )
    assert_error(reply, 401, "bad_signature")
    assert conversations.thread_ticket(svc, FB_THREAD) is None


def test_redelivered_message_is_filed_once_and_the_next_one_joins_the_ticket(
    svc: Services, social_api: Api
) -> None:
    first = messenger_delivery(messenger_message("Första", mid="m_first"))
    post_facebook(social_api, first)
    again = post_facebook(social_api, first)
    later = post_facebook(
        social_api, messenger_delivery(messenger_message("Andra", mid="m_second"))
    )

    assert again.body == {"filed": 0, "duplicates": 1}
    assert later.body == {"filed": 1, "duplicates": 0}
    ticket_id = conversations.thread_ticket(svc, FB_THREAD) or ""
    texts = [
        e.data["text"] for e in svc.tickets.events(ticket_id) if e.type == EventType.MESSAGE_IN
    ]
    assert texts == ["Första", "Andra"]


def test_echo_of_a_message_the_page_sent_files_nothing(svc: Services, social_api: Api) -> None:
    reply = post_facebook(social_api, messenger_delivery(messenger_echo()))
    assert reply.status == 200 and reply.body == {"filed": 0, "duplicates": 0}
    assert conversations.thread_ticket(svc, f"facebook:{PAGE_ID}:{PAGE_ID}") is None


def test_a_page_not_set_up_files_at_the_default_response_point(
    svc: Services, api: Api, sent: RecordingSocialSender
) -> None:
    post_facebook(api, messenger_delivery(messenger_message(page_id="999000111")))
    ticket_id = conversations.thread_ticket(svc, f"facebook:999000111:{PSID}")
    assert ticket_id and svc.tickets.get(ticket_id).response_point_id == "kundtjanst"


def test_a_switched_off_page_files_nothing(svc: Services, social_api: Api) -> None:
    admin = social_api.as_user("admin")
    assert (
        admin.put(f"/api/admin/social-accounts/facebook:{PAGE_ID}", {"enabled": False}).status
        == 200
    )
    assert post_facebook(social_api, messenger_delivery(messenger_message())).body["filed"] == 0
    assert conversations.thread_ticket(svc, FB_THREAD) is None


def test_facebook_handshake_echoes_the_challenge_only_for_our_verify_token(social_api: Api) -> None:
    anonymous = social_api.with_token(None)
    good = anonymous.get(
        f"/webhooks/facebook?hub.mode=subscribe&hub.verify_token={FB_VERIFY_TOKEN}&hub.challenge=1158201444"
    )
    bad = anonymous.get(
        "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"
    )
    assert good.status == 200 and str(good.body) == "1158201444"
    assert_error(bad, 403, "verify_token_mismatch")


# --- X in ----------------------------------------------------------------------------------


def test_x_crc_is_answered_with_the_signed_token(social_api: Api) -> None:
    import base64
    import hashlib
    import hmac

    reply = social_api.with_token(None).get("/webhooks/x?crc_token=abc-123")
    digest = hmac.new(X_CONSUMER_SECRET, b"abc-123", hashlib.sha256).digest()
    assert reply.status == 200
    assert reply.body == {"response_token": "sha256=" + base64.b64encode(digest).decode()}


def test_signed_x_direct_message_opens_a_ticket_for_the_named_person(
    svc: Services, social_api: Api
) -> None:
    reply = post_x(social_api, x_delivery(x_message("My invoice is wrong")))
    assert reply.body == {"filed": 1, "duplicates": 0}
    ticket = svc.tickets.get(conversations.thread_ticket(svc, X_THREAD) or "")
    assert ticket.channel.value == "x"
    contact = svc.contacts.get(ticket.contact_id or "")
    assert contact.name == "Karin Kund" and contact.identities == [f"x:{X_PERSON}"]


def test_unsigned_x_webhook_is_refused_with_401(svc: Services, social_api: Api) -> None:
    assert_error(post_x(social_api, x_delivery(x_message()), signed=False), 401, "bad_signature")
    assert conversations.thread_ticket(svc, X_THREAD) is None


# --- replies out ---------------------------------------------------------------------------


def test_agent_reply_on_messenger_goes_to_the_person_through_the_page(
    svc: Services, social_api: Api, sent: RecordingSocialSender
) -> None:
    post_facebook(social_api, messenger_delivery(messenger_message()))
    ticket_id = conversations.thread_ticket(svc, FB_THREAD)

    reply = social_api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies", {"channel": "facebook", "text": "Vi skickar en ny."}
    )

    assert reply.status == 201, reply.body
    [out] = sent.sent
    assert (out.platform, out.account, out.recipient, out.text) == (
        "facebook",
        PAGE_ID,
        PSID,
        "Vi skickar en ny.",
    )
    history = social_api.as_user("agent3").get(f"/api/tickets/{ticket_id}").body["events"]
    [outgoing] = [e for e in history if e["type"] == "message_out"]
    assert (
        outgoing["data"]["channel"] == "facebook"
        and outgoing["data"]["text"] == "Vi skickar en ny."
    )


def test_agent_reply_on_x_goes_to_the_sender_from_our_account(
    svc: Services, social_api: Api, sent: RecordingSocialSender
) -> None:
    post_x(social_api, x_delivery(x_message()))
    ticket_id = conversations.thread_ticket(svc, X_THREAD)
    reply = social_api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies", {"channel": "x", "text": "Fixed, sorry!"}
    )
    assert reply.status == 201, reply.body
    assert [(m.platform, m.account, m.recipient) for m in sent.sent] == [("x", X_ACCOUNT, X_PERSON)]


def test_reply_on_a_platform_the_ticket_never_used_is_refused(
    svc: Services, social_api: Api, sent: RecordingSocialSender
) -> None:
    post_facebook(social_api, messenger_delivery(messenger_message()))
    ticket_id = conversations.thread_ticket(svc, FB_THREAD)
    reply = social_api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies", {"channel": "x", "text": "Hello"}
    )
    assert_error(reply, 422, "no_conversation")
    assert sent.sent == []


def test_reply_over_messengers_length_limit_is_refused_before_sending(
    svc: Services, social_api: Api, sent: RecordingSocialSender
) -> None:
    post_facebook(social_api, messenger_delivery(messenger_message()))
    ticket_id = conversations.thread_ticket(svc, FB_THREAD)
    reply = social_api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies", {"channel": "facebook", "text": "a" * 2001}
    )
    assert_error(reply, 422)
    assert sent.sent == []


def test_platform_refusal_reaches_the_agent_and_nothing_is_recorded(
    svc: Services, social_api: Api, sent: RecordingSocialSender
) -> None:
    post_facebook(social_api, messenger_delivery(messenger_message()))
    ticket_id = conversations.thread_ticket(svc, FB_THREAD) or ""
    sent.fail_with = ValidationError(
        "facebook refused the message: outside the allowed window", code="social_refused"
    )
    reply = social_api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies", {"channel": "facebook", "text": "Hej igen"}
    )
    assert_error(reply, 422, "social_refused")
    assert not [e for e in svc.tickets.events(ticket_id) if e.type == EventType.MESSAGE_OUT]


# --- admin: social accounts -> response point ------------------------------------------


def test_admin_lists_social_accounts_and_agents_may_not(social_api: Api) -> None:
    listed = social_api.as_user("admin").get("/api/admin/social-accounts")
    assert listed.status == 200
    assert [(a["id"], a["response_point_id"]) for a in listed.body["items"]] == [
        (f"facebook:{PAGE_ID}", "it-support"),
        (f"x:{X_ACCOUNT}", "it-support"),
    ]
    assert_error(social_api.as_user("agent1").get("/api/admin/social-accounts"), 403)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (
            {
                "platform": "myspace",
                "account_id": "1",
                "name": "n",
                "response_point_id": "it-support",
            },
            422,
        ),
        (
            {"platform": "x", "account_id": "abc", "name": "n", "response_point_id": "it-support"},
            422,
        ),
        ({"platform": "x", "account_id": "1", "name": "n", "response_point_id": "nowhere"}, 422),
        (
            {
                "platform": "facebook",
                "account_id": PAGE_ID,
                "name": "n",
                "response_point_id": "it-support",
            },
            409,
        ),
    ],
    ids=["unknown-platform", "non-numeric-id", "unknown-response-point", "exists"],
)
def test_bad_social_accounts_are_refused(
    social_api: Api, body: dict[str, Any], status: int
) -> None:
    assert_error(social_api.as_user("admin").post("/api/admin/social-accounts", body), status)


def test_admin_deletes_a_social_account(social_api: Api) -> None:
    admin = social_api.as_user("admin")
    assert admin.delete(f"/api/admin/social-accounts/x:{X_ACCOUNT}").status == 204
    assert [a["platform"] for a in admin.get("/api/admin/social-accounts").body["items"]] == [
        "facebook"
    ]
