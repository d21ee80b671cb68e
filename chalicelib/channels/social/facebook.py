"""Facebook Messenger webhooks: the subscription handshake, the ``X-Hub-Signature-256``
check and the ``messages`` events of ``object: page`` deliveries.

Messenger delivers ``{"object": "page", "entry": [{"id": <page id>, "time": ...,
"messaging": [{"sender": {"id": <PSID>}, "recipient": {"id": <page id>}, "timestamp": ...,
"message": {"mid", "text", "attachments": [{"type", "payload": {"url"}}]}}]}]}``; one POST
may batch several entries and events. Only new messages from people are kept: echoes of
what the page sent (``is_echo``), deliveries, reads, postbacks and reactions are not.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.channels.social.common import (
    FACEBOOK,
    SocialMessage,
    clean_id,
    from_epoch_ms,
    hmac_sha256,
    inbound_message,
    signature_matches,
)

SIGNATURE_HEADER = "x-hub-signature-256"
_PREFIX = "sha256="
_MAX_ATTACHMENTS = 20


def expected_signature(app_secret: bytes, raw_body: bytes) -> str:
    """The header Facebook sends: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return _PREFIX + hmac_sha256(app_secret, raw_body).hex()


def signature_valid(app_secret: bytes, raw_body: bytes, header: str | None) -> bool:
    """The body is what Facebook signed with our app secret (no secret: nothing is)."""
    if not app_secret or header is None:
        return False
    # Facebook writes the hex digits in lower case; a proxy might not.
    given = header.strip()
    if given[: len(_PREFIX)].lower() == _PREFIX:
        given = _PREFIX + given[len(_PREFIX) :].lower()
    return signature_matches(expected_signature(app_secret, raw_body), given)


def subscription_challenge(query: Mapping[str, str], verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo when the handshake names our verify token, else None."""
    if not verify_token or query.get("hub.mode") != "subscribe":
        return None
    given = query.get("hub.verify_token") or ""
    if not given.isascii() or not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    challenge = query.get("hub.challenge") or ""
    # Facebook sends a number; echoing anything else back would be a reflection.
    if not challenge.isascii() or not challenge.isalnum() or len(challenge) > 200:
        return None
    return challenge


@dataclass(frozen=True)
class Parsed:
    messages: list[SocialMessage]
    skipped: int  # events that are not new messages from people (echoes, reads, ...)


def parse(payload: Any) -> Parsed | None:
    """The new messages of a delivery; None when it is not a Messenger (``page``) one."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        return None
    entries = payload.get("entry")
    if not isinstance(entries, list):
        return None
    messages: list[SocialMessage] = []
    skipped = 0
    for entry in entries:
        events = entry.get("messaging") if isinstance(entry, dict) else None
        page_id = clean_id(entry.get("id")) if isinstance(entry, dict) else None
        for event in events if isinstance(events, list) else []:
            found = _message(event, page_id)
            if found is None:
                skipped += 1
            else:
                messages.append(found)
    return Parsed(messages, skipped)


def _message(event: Any, page_id: str | None) -> SocialMessage | None:
    if not isinstance(event, dict) or not isinstance(event.get("message"), dict):
        return None  # delivery, read, postback, reaction: nothing a person wrote
    message = event["message"]
    if message.get("is_echo"):
        return None  # what our page sent (an agent's reply, or the page inbox)
    sender = clean_id((event.get("sender") or {}).get("id"))
    recipient = clean_id((event.get("recipient") or {}).get("id")) or page_id
    mid = clean_id(message.get("mid"))
    if sender is None or recipient is None or mid is None or sender in (recipient, page_id):
        return None  # incomplete, or written by the page itself
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    urls = _attachment_urls(message.get("attachments"))
    if not text.strip() and not urls:
        return None  # a sticker-less "like" or an unsupported share: nothing to file
    sent_at = from_epoch_ms(event.get("timestamp"))
    return SocialMessage(
        platform=FACEBOOK,
        account_id=recipient,
        sender_id=sender,
        message_id=mid,
        sender_name="",  # Messenger sends no name; the Graph API could be asked (not done)
        sender_handle="",
        attachment_urls=urls,
        inbound=inbound_message(
            platform_name="Facebook",
            text=text,
            sender_name="",
            message_id=mid,
            sent_at=sent_at,
            attachment_urls=urls,
        ),
    )


def _attachment_urls(attachments: Any) -> tuple[str, ...]:
    if not isinstance(attachments, list):
        return ()
    urls = []
    for item in attachments[:_MAX_ATTACHMENTS]:
        payload = item.get("payload") if isinstance(item, dict) else None
        url = payload.get("url") if isinstance(payload, dict) else None
        if isinstance(url, str) and url.startswith("https://") and len(url) <= 2_000:
            urls.append(url)
    return tuple(urls)
