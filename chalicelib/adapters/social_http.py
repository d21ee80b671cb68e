"""JSON over HTTPS for the social platforms' APIs (standard library only), and the sender
that hands each reply to its platform's adapter.

A platform's refusal (4xx: the person cannot be messaged, the text is refused) becomes a
ValidationError the agent reads; a bad token, a timeout or a 5xx an UnavailableError.
Tokens travel only in the Authorization header and are never logged."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import UnavailableError, ValidationError
from chalicelib.services.ports import OutgoingSocial, SocialSender

logger = Logger(service="servit-social")

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: Any  # parsed JSON, or None


Transport = Callable[[str, bytes, Mapping[str, str]], HttpAnswer]


def urllib_transport(url: str, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
    """POST ``body`` to ``url`` (HTTPS only): the status and the parsed JSON answer."""
    if not url.startswith("https://"):
        raise ValueError("the social APIs are reached over HTTPS only")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 (https checked above)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return HttpAnswer(answer.status, _json(answer.read()))
    except urllib.error.HTTPError as error:
        return HttpAnswer(error.code, _json(error.read()))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise UnavailableError(
            f"the platform could not be reached ({type(error).__name__})"
        ) from None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def post_json(
    transport: Transport, platform: str, url: str, token: str, payload: dict[str, Any]
) -> Any:
    """POST ``payload`` with the bearer ``token``; the JSON answer of a 2xx, else raise."""
    answer = transport(
        url,
        json.dumps(payload, ensure_ascii=False).encode(),
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        },
    )
    if 200 <= answer.status < 300:
        return answer.body
    reason = _reason(answer.body)
    logger.warning(
        "social send refused",
        extra={"platform": platform, "status": answer.status, "reason": reason},
    )
    if answer.status in (401, 429) or answer.status >= 500:
        raise UnavailableError(
            f"{platform} did not take the message now ({answer.status}: {reason})"
        )
    raise ValidationError(f"{platform} refused the message: {reason}", code="social_refused")


def _reason(body: Any) -> str:
    """The platform's own words: Graph's ``error.message``, X's ``detail`` or ``title``."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:300]
        for key in ("detail", "title"):
            if isinstance(body.get(key), str):
                return str(body[key])[:300]
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message") or errors[0].get("detail") or "")[:300]
    return "no reason given"


class PlatformSocialSender(SocialSender):
    """Hands each message to the adapter of its platform."""

    def __init__(self, senders: Mapping[str, SocialSender]) -> None:
        self._senders = dict(senders)

    def send(self, message: OutgoingSocial) -> str:
        sender = self._senders.get(message.platform)
        if sender is None:
            raise ValidationError(f"replies on {message.platform} are not set up")
        return str(sender.send(message))
