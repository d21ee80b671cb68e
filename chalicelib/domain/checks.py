"""Checks every admin-edited record uses: names, slugs, lists, enum values."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, TypeVar

from chalicelib.domain.errors import ValidationError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

E = TypeVar("E", bound=StrEnum)


def enum_value(enum: type[E], value: object, what: str) -> E:
    try:
        return enum(str(value))
    except ValueError:
        raise ValidationError(f"{what} must be one of {[m.value for m in enum]}") from None


def as_list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValidationError(f"{what} must be a list")
    return list(value)


def check_slug(value: str, what: str) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise ValidationError(f"{what} must be 1-63 of a-z, 0-9, '-', '_'")
    return value


def check_name(value: object, what: str, max_len: int = 200) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise ValidationError(f"{what} must be text of 1-{max_len} characters")
    return value.strip()


def is_slug(value: str) -> bool:
    return bool(_SLUG.match(value))
