"""The signing secret in AWS: a Secrets Manager secret, read once per container.

The functions get only the secret's ARN (SERVIT_SECRET_ARN); the value is fetched on the
first build of the services and kept in this module for the life of the container. It is
never logged: a failure names the ARN and the error code, never the value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_values: dict[str, bytes] = {}


def read_secret(client: Callable[[], Any], arn: str) -> bytes:
    """The secret's value; Secrets Manager is asked only the first time per container."""
    if arn not in _values:
        with _quiet_sdk():
            answer = client().get_secret_value(SecretId=arn)
        text = answer.get("SecretString")
        value = text.encode() if isinstance(text, str) else bytes(answer["SecretBinary"])
        if len(value) < 32:
            raise RuntimeError(f"the signing secret {arn} is shorter than 32 bytes")
        _values[arn] = value
    return _values[arn]


@contextmanager
def _quiet_sdk() -> Iterator[None]:
    """botocore logs whole response bodies at DEBUG: not this one's."""
    sdk = logging.getLogger("botocore")
    level = sdk.level
    sdk.setLevel(max(logging.INFO, sdk.getEffectiveLevel()))
    try:
        yield
    finally:
        sdk.setLevel(level)


def forget() -> None:
    """Tests: read again on next use."""
    _values.clear()
