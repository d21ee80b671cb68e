"""The social platforms' keys in AWS: one Secrets Manager secret (JSON), read on first use
and then kept for the life of the container (secret_store keeps the value, unlogged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.adapters.secret_store import read_secret
from chalicelib.services.social.keys import SocialKeys, SocialKeySource, keys_from_json


class SecretsManagerSocialKeys(SocialKeySource):
    def __init__(self, client: Callable[[], Any], arn: str) -> None:
        self._client = client
        self._arn = arn
        self._keys: SocialKeys | None = None

    def keys(self) -> SocialKeys:
        if self._keys is None:
            self._keys = keys_from_json(read_secret(self._client, self._arn))
        return self._keys
