"""Messenger replies through the Graph API's Send API, with the page's access token.

``POST https://graph.facebook.com/v19.0/me/messages`` ``{"recipient": {"id": <PSID>},
"messaging_type": "RESPONSE", "message": {"text": ...}}`` answers ``{"recipient_id",
"message_id"}``. ``RESPONSE`` is allowed within 24 hours of the person's last message;
later the Graph API refuses it and the agent is told so (a ValidationError)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chalicelib.adapters.social_http import Transport, post_json, urllib_transport
from chalicelib.domain.errors import UnavailableError
from chalicelib.services.ports import OutgoingSocial, SocialSender

GRAPH_URL = "https://graph.facebook.com/v19.0/me/messages"


class GraphMessenger(SocialSender):
    def __init__(
        self,
        page_tokens: Callable[[], Mapping[str, str]],
        transport: Transport = urllib_transport,
    ) -> None:
        self._page_tokens = page_tokens  # read on first send (Secrets Manager, once)
        self._transport = transport

    def send(self, message: OutgoingSocial) -> str:
        token = self._page_tokens().get(message.account)
        if not token:
            raise UnavailableError(f"no page access token for Facebook page {message.account}")
        answer = post_json(
            self._transport,
            "facebook",
            GRAPH_URL,
            token,
            {
                "recipient": {"id": message.recipient},
                "messaging_type": "RESPONSE",
                "message": {"text": message.text},
            },
        )
        message_id = answer.get("message_id") if isinstance(answer, dict) else None
        return str(message_id or "")
