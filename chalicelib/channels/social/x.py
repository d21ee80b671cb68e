"""X (Twitter) direct messages through the Account Activity API: the CRC handshake, the
``x-twitter-webhooks-signature`` check and ``direct_message_events`` deliveries.

A delivery names the subscribed account it is for (``for_user_id``) and carries
``{"type": "message_create", "id", "created_timestamp", "message_create": {"target":
{"recipient_id"}, "sender_id", "message_data": {"text", "entities": {"urls": [...]},
"attachment": {"media": {"media_url_https"}}}}}`` events, with the people involved under
``users`` (by id: ``name``, ``screen_name``). A message whose sender is ``for_user_id`` is
one we sent (an echo) and is not filed.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from chalicelib.channels.social.common import (
    SocialMessage,
    X,
    clean_id,
    from_epoch_ms,
    hmac_sha256,
    inbound_message,
    signature_matches,
)
from chalicelib.domain.contact import clean_name

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
_PREFIX = "sha256="


def _b64_hmac(consumer_secret: bytes, data: bytes) -> str:
    return _PREFIX + base64.b64encode(hmac_sha256(consumer_secret, data)).decode("ascii")


def crc_response(consumer_secret: bytes, crc_token: str) -> dict[str, str]:
    """The answer to X's challenge-response check: the token signed with our consumer
    secret, base64, after ``sha256=``."""
    return {"response_token": _b64_hmac(consumer_secret, crc_token.encode("utf-8"))}


def expected_signature(consumer_secret: bytes, raw_body: bytes) -> str:
    return _b64_hmac(consumer_secret, raw_body)


def signature_valid(consumer_secret: bytes, raw_body: bytes, header: str | None) -> bool:
    """The body is what X signed with our consumer secret (no secret: nothing is)."""
    if not consumer_secret:
        return False
    return signature_matches(expected_signature(consumer_secret, raw_body), header)


@dataclass(frozen=True)
class Parsed:
    messages: list[SocialMessage]
    skipped: int  # events that are not direct messages from people (echoes, typing, ...)


def parse(payload: Any) -> Parsed | None:
    """The new direct messages of a delivery; None when it carries none of the kind
    (tweets, follows, typing indicators and read receipts come through the same hook)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("direct_message_events"), list):
        return None
    account = clean_id(payload.get("for_user_id"))
    if account is None:
        return None
    users = _dict(payload.get("users"))
    messages: list[SocialMessage] = []
    skipped = 0
    for event in payload["direct_message_events"]:
        found = _message(event, account, users)
        if found is None:
            skipped += 1
        else:
            messages.append(found)
    return Parsed(messages, skipped)


def _message(event: Any, account: str, users: dict[str, Any]) -> SocialMessage | None:
    if not isinstance(event, dict) or event.get("type") != "message_create":
        return None
    create = event.get("message_create")
    if not isinstance(create, dict):
        return None
    sender = clean_id(create.get("sender_id"))
    recipient = clean_id((create.get("target") or {}).get("recipient_id"))
    event_id = clean_id(event.get("id"))
    if sender is None or recipient is None or event_id is None:
        return None
    if sender == account or recipient != account:
        return None  # sent by our account (an echo), or a conversation we are not in
    data = _dict(create.get("message_data"))
    text = _expanded_text(data)
    urls = _media_urls(data.get("attachment"))
    if not text.strip() and not urls:
        return None
    person = _dict(users.get(sender))
    name = clean_name(str(person.get("name") or ""))[:200]
    handle = clean_name(str(person.get("screen_name") or ""))[:50]
    return SocialMessage(
        platform=X,
        account_id=account,
        sender_id=sender,
        message_id=event_id,
        sender_name=name,
        sender_handle=handle,
        attachment_urls=urls,
        inbound=inbound_message(
            platform_name="X",
            text=text,
            sender_name=name or (f"@{handle}" if handle else ""),
            message_id=event_id,
            sent_at=from_epoch_ms(event.get("created_timestamp")),
            attachment_urls=urls,
        ),
    )


def _expanded_text(data: dict[str, Any]) -> str:
    """The text with X's t.co short links put back to what the person wrote."""
    text = data.get("text")
    if not isinstance(text, str):
        text = ""
    entities = _dict(data.get("entities"))
    for link in entities.get("urls") or []:
        if not isinstance(link, dict):
            continue
        short, long = link.get("url"), link.get("expanded_url")
        if isinstance(short, str) and isinstance(long, str) and short and long:
            text = text.replace(short, long)
    return text


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _media_urls(attachment: Any) -> tuple[str, ...]:
    media = attachment.get("media") if isinstance(attachment, dict) else None
    url = media.get("media_url_https") if isinstance(media, dict) else None
    if isinstance(url, str) and url.startswith("https://") and len(url) <= 2_000:
        return (url,)
    return ()
