"""The social platforms' credentials: the app secrets that sign webhooks, the verify
token of Facebook's handshake, and the tokens our replies are sent with.

In AWS they are one Secrets Manager secret (JSON, ``SERVIT_SOCIAL_SECRET_ARN``) read once
per container on first use, so functions that never touch a social channel never read it
(and hold no permission to). Locally the webhook secrets come from the environment. The
values are never logged: ``SocialKeys``' repr names only which are set."""

from __future__ import annotations

import abc
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.errors import ValidationError


@dataclass(frozen=True, repr=False)
class SocialKeys:
    facebook_app_secret: bytes = b""  # signs X-Hub-Signature-256
    facebook_verify_token: str = ""  # the handshake's hub.verify_token
    facebook_page_tokens: Mapping[str, str] = field(default_factory=dict)  # page id -> token
    x_consumer_secret: bytes = b""  # signs the CRC answer and x-twitter-webhooks-signature
    x_access_tokens: Mapping[str, str] = field(default_factory=dict)  # our user id -> token

    def __repr__(self) -> str:
        set_ = [k for k, v in vars(self).items() if v]
        return f"SocialKeys(set={set_})"


def keys_from_json(text: str | bytes) -> SocialKeys:
    """The secret's JSON: ``{"facebook_app_secret", "facebook_verify_token",
    "facebook_page_tokens": {page id: token}, "x_consumer_secret",
    "x_access_tokens": {user id: token}}``; any may be left out."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise ValidationError("the social secret is not JSON") from None
    if not isinstance(data, dict):
        raise ValidationError("the social secret must be a JSON object")

    def text_of(name: str) -> str:
        value = data.get(name) or ""
        if not isinstance(value, str):
            raise ValidationError(f"the social secret's {name} must be text")
        return value

    def tokens(name: str) -> dict[str, str]:
        value = data.get(name) or {}
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ValidationError(f"the social secret's {name} must map ids to tokens")
        return dict(value)

    return SocialKeys(
        facebook_app_secret=text_of("facebook_app_secret").encode(),
        facebook_verify_token=text_of("facebook_verify_token"),
        facebook_page_tokens=tokens("facebook_page_tokens"),
        x_consumer_secret=text_of("x_consumer_secret").encode(),
        x_access_tokens=tokens("x_access_tokens"),
    )


class SocialKeySource(abc.ABC):
    """Where the keys come from; read on first use, then kept."""

    @abc.abstractmethod
    def keys(self) -> SocialKeys: ...


class StaticSocialKeys(SocialKeySource):
    """Keys known up front: tests, and the local stack (from the environment)."""

    def __init__(self, keys: SocialKeys) -> None:
        self._keys = keys

    def keys(self) -> SocialKeys:
        return self._keys
