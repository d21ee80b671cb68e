"""The Graph API and X API senders behind the social port, on a recording transport, and
the social keys: read once, never shown (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from chalicelib.adapters import secret_store
from chalicelib.adapters.social_graph import GRAPH_URL, GraphMessenger
from chalicelib.adapters.social_http import HttpAnswer, PlatformSocialSender
from chalicelib.adapters.social_outbox import LocalSocialOutbox
from chalicelib.adapters.social_secrets import SecretsManagerSocialKeys
from chalicelib.adapters.social_x import XDirectMessages
from chalicelib.domain.errors import UnavailableError, ValidationError
from chalicelib.services.ports import OutgoingSocial
from chalicelib.services.social.keys import keys_from_json


class Transport:
    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.calls: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.answer = HttpAnswer(status, body)

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        self.calls.append((url, json.loads(body), dict(headers)))
        return self.answer


FB = OutgoingSocial("facebook", "104857392011", "7150328849193741", "Hej!", "ev-1")
XM = OutgoingSocial("x", "1529934019283746817", "3805104374", "Hello!", "ev-2")


def test_graph_sender_posts_the_send_api_request_with_the_pages_token() -> None:
    transport = Transport(body={"recipient_id": FB.recipient, "message_id": "m_sent-1"})
    sender = GraphMessenger(lambda: {FB.account: "PAGE-TOKEN"}, transport)

    assert sender.send(FB) == "m_sent-1"

    [(url, body, headers)] = transport.calls
    assert url == GRAPH_URL == "https://graph.facebook.com/v19.0/me/messages"
    assert body == {
        "recipient": {"id": FB.recipient},
        "messaging_type": "RESPONSE",
        "message": {"text": "Hej!"},
    }
    assert headers["Authorization"] == "Bearer PAGE-TOKEN"
    assert "PAGE-TOKEN" not in url


def test_x_sender_posts_to_the_participants_conversation_with_our_accounts_token() -> None:
    transport = Transport(201, {"data": {"dm_conversation_id": "1-2", "dm_event_id": "1582"}})
    sender = XDirectMessages(lambda: {XM.account: "USER-TOKEN"}, transport)

    assert sender.send(XM) == "1582"

    [(url, body, headers)] = transport.calls
    assert url == f"https://api.x.com/2/dm_conversations/with/{XM.recipient}/messages"
    assert body == {"text": "Hello!"}
    assert headers["Authorization"] == "Bearer USER-TOKEN"


def test_a_refusal_by_the_platform_is_a_validation_error_in_its_own_words() -> None:
    transport = Transport(
        400, {"error": {"message": "This message is sent outside of allowed window.", "code": 10}}
    )
    with pytest.raises(ValidationError, match="outside of allowed window"):
        GraphMessenger(lambda: {FB.account: "T"}, transport).send(FB)


@pytest.mark.parametrize("status", [401, 429, 500, 503])
def test_bad_tokens_throttling_and_outages_are_unavailable(status: int) -> None:
    with pytest.raises(UnavailableError):
        XDirectMessages(lambda: {XM.account: "T"}, Transport(status, {"title": "x"})).send(XM)


def test_a_page_without_a_token_is_not_sent_to() -> None:
    transport = Transport()
    with pytest.raises(UnavailableError, match="no page access token"):
        GraphMessenger(lambda: {}, transport).send(FB)
    assert transport.calls == []


def test_platform_sender_hands_each_message_to_its_platform() -> None:
    fb, x = Transport(body={"message_id": "m1"}), Transport(body={"data": {"dm_event_id": "d1"}})
    sender = PlatformSocialSender(
        {
            "facebook": GraphMessenger(lambda: {FB.account: "T"}, fb),
            "x": XDirectMessages(lambda: {XM.account: "T"}, x),
        }
    )
    assert (sender.send(FB), sender.send(XM)) == ("m1", "d1")
    assert len(fb.calls) == len(x.calls) == 1


def test_local_outbox_keeps_each_reply_as_a_file(tmp_path: Any) -> None:
    outbox = LocalSocialOutbox(str(tmp_path))
    outbox.send(FB)
    [written] = list(tmp_path.glob("*.json"))
    assert json.loads(written.read_text())["recipient"] == FB.recipient


SECRET = {
    "facebook_app_secret": "fb-secret-value-123",
    "facebook_verify_token": "verify-me",
    "facebook_page_tokens": {"104857392011": "PAGE-TOKEN-VALUE"},
    "x_consumer_secret": "x-secret-value-456",
    "x_access_tokens": {"1529934019283746817": "USER-TOKEN-VALUE"},
}


def test_keys_are_read_from_the_secrets_json_and_never_shown() -> None:
    keys = keys_from_json(json.dumps(SECRET))
    assert keys.facebook_app_secret == b"fb-secret-value-123"
    assert keys.facebook_page_tokens == {"104857392011": "PAGE-TOKEN-VALUE"}
    shown = repr(keys) + str(keys)
    for value in ("fb-secret-value-123", "PAGE-TOKEN-VALUE", "x-secret-value-456", "verify-me"):
        assert value not in shown


@pytest.mark.parametrize(
    "text", ["not json", "[]", '{"facebook_page_tokens": ["x"]}', '{"x_consumer_secret": 5}']
)
def test_a_malformed_social_secret_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        keys_from_json(text)


def test_secrets_manager_is_asked_once_per_container() -> None:
    asked: list[str] = []

    class Client:
        def get_secret_value(self, SecretId: str) -> dict[str, str]:  # noqa: N803 (boto3's name)
            asked.append(SecretId)
            return {"SecretString": json.dumps(SECRET)}

    secret_store.forget()
    try:
        source = SecretsManagerSocialKeys(Client, "arn:aws:secretsmanager:eu-north-1:1:secret:s")
        assert source.keys().x_consumer_secret == b"x-secret-value-456"
        again = SecretsManagerSocialKeys(Client, "arn:aws:secretsmanager:eu-north-1:1:secret:s")
        assert again.keys().x_access_tokens == {"1529934019283746817": "USER-TOKEN-VALUE"}
        assert len(asked) == 1
    finally:
        secret_store.forget()
