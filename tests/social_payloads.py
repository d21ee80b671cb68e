"""Webhook deliveries of Messenger and X, written from the platforms' documented formats
(Messenger Platform "messages" / "message_echoes" webhook events; X Account Activity API
``direct_message_events``), and their signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

FB_APP_SECRET = b"fb-app-secret-for-tests-0123456789"
FB_VERIFY_TOKEN = "servit-verify-token"
X_CONSUMER_SECRET = b"x-consumer-secret-for-tests-0123456789"
PAGE_ID = "104857392011"
PSID = "7150328849193741"
X_ACCOUNT = "1529934019283746817"
X_PERSON = "3805104374"


def messenger_message(
    text: str = "Hej! Min beställning har inte kommit.",
    *,
    mid: str = "m_AbC123-xyz.1",
    psid: str = PSID,
    page_id: str = PAGE_ID,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {"mid": mid}
    if text:
        message["text"] = text
    if attachments:
        message["attachments"] = attachments
    return {
        "sender": {"id": psid},
        "recipient": {"id": page_id},
        "timestamp": 1718000000123,
        "message": message,
    }


def messenger_echo(
    text: str = "Tack, vi tittar på det.", *, mid: str = "m_echo-1"
) -> dict[str, Any]:
    return {
        "sender": {"id": PAGE_ID},
        "recipient": {"id": PSID},
        "timestamp": 1718000000999,
        "message": {"is_echo": True, "app_id": 1517776481860111, "mid": mid, "text": text},
    }


def messenger_delivery(*events: dict[str, Any], page_id: str = PAGE_ID) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [{"id": page_id, "time": 1718000000500, "messaging": list(events)}],
    }


def x_message(
    text: str = "Hello, my invoice is wrong",
    *,
    event_id: str = "1801234567890123456",
    sender: str = X_PERSON,
    recipient: str = X_ACCOUNT,
) -> dict[str, Any]:
    return {
        "type": "message_create",
        "id": event_id,
        "created_timestamp": "1718000000123",
        "message_create": {
            "target": {"recipient_id": recipient},
            "sender_id": sender,
            "source_app_id": "268278",
            "message_data": {"text": text, "entities": {"hashtags": [], "urls": []}},
        },
    }


def x_delivery(*events: dict[str, Any], for_user_id: str = X_ACCOUNT) -> dict[str, Any]:
    return {
        "for_user_id": for_user_id,
        "direct_message_events": list(events),
        "users": {
            X_PERSON: {"id": X_PERSON, "name": "Karin Kund", "screen_name": "karinkund"},
            X_ACCOUNT: {"id": X_ACCOUNT, "name": "ServIT Support", "screen_name": "servit"},
        },
    }


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def facebook_signature(body: bytes, secret: bytes = FB_APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def x_signature(body: bytes, secret: bytes = X_CONSUMER_SECRET) -> str:
    digest = hmac.new(secret, body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()
