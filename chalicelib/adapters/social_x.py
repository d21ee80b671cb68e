"""X direct-message replies through the X API v2, with our account's user access token
(OAuth 2.0, scope ``dm.write``).

``POST https://api.x.com/2/dm_conversations/with/<participant id>/messages`` ``{"text"}``
answers ``{"data": {"dm_conversation_id", "dm_event_id"}}``."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chalicelib.adapters.social_http import Transport, post_json, urllib_transport
from chalicelib.domain.errors import UnavailableError, ValidationError
from chalicelib.services.ports import OutgoingSocial, SocialSender

X_API = "https://api.x.com/2"


class XDirectMessages(SocialSender):
    def __init__(
        self,
        access_tokens: Callable[[], Mapping[str, str]],
        transport: Transport = urllib_transport,
    ) -> None:
        self._access_tokens = access_tokens
        self._transport = transport

    def send(self, message: OutgoingSocial) -> str:
        if not message.recipient.isdigit():  # it goes into the URL's path
            raise ValidationError("an X user id is digits")
        token = self._access_tokens().get(message.account)
        if not token:
            raise UnavailableError(f"no access token for X account {message.account}")
        answer = post_json(
            self._transport,
            "x",
            f"{X_API}/dm_conversations/with/{message.recipient}/messages",
            token,
            {"text": message.text},
        )
        data = answer.get("data") if isinstance(answer, dict) else None
        return str((data or {}).get("dm_event_id") or "")
