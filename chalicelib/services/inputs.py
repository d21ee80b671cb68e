"""Reading request bodies: types checked here, meaning checked by the domain."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from chalicelib.domain.errors import BadRequestError, ConflictError, NotFoundError, ValidationError
from chalicelib.domain.timefmt import parse_iso

E = TypeVar("E", bound=StrEnum)

_MISSING = object()


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequestError("the body must be a JSON object")
    return body


def new_item(body: Any) -> tuple[str, dict[str, Any]]:
    """The id and body of an item to create (POST): the body names its own id."""
    data = require_object(body)
    item_id = data.get("id")
    if not isinstance(item_id, str):
        raise ValidationError("id is required")
    return item_id, data


def check_create_or_replace(what: str, item_id: str, *, exists: bool, create: bool) -> None:
    """Creating what exists is 409; replacing what does not is 404."""
    if create and exists:
        raise ConflictError(f"{what} {item_id!r} exists already")
    if not create and not exists:
        raise NotFoundError(f"no {what} {item_id!r}")


def text(
    data: dict[str, Any], key: str, *, max_len: int = 300, required: bool = False
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ValidationError(f"{key} is required")
        return None
    if not isinstance(value, str):
        raise BadRequestError(f"{key} must be a string")
    if len(value) > max_len:
        raise ValidationError(f"{key} is longer than {max_len} characters")
    return value


def enum(data: dict[str, Any], key: str, kind: type[E], *, required: bool = False) -> E | None:
    value = text(data, key, max_len=40, required=required)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValidationError(f"{key} must be one of {[m.value for m in kind]}") from None


def instant(data: dict[str, Any], key: str) -> datetime | None:
    value = text(data, key, max_len=40)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise ValidationError(f"{key} must be an ISO 8601 date-time") from None


def string_list(
    data: dict[str, Any], key: str, *, max_items: int = 50, max_len: int = 254
) -> list[str] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequestError(f"{key} must be a list of strings")
    if len(value) > max_items or any(len(v) > max_len for v in value):
        raise ValidationError(f"{key} allows {max_items} items of up to {max_len} characters")
    return list(value)


def mapping(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequestError(f"{key} must be an object")
    return value


def only_keys(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(f"unknown fields: {sorted(unknown)}")


def limit(value: str | None, *, default: int = 50, maximum: int = 200) -> int:
    if value is None:
        return default
    # ASCII digits only ("²".isdigit() is true too), and few enough for int() to take.
    digits = value.isascii() and value.isdigit() and len(value) <= 9
    if not digits or not 1 <= int(value) <= maximum:
        raise ValidationError(f"limit must be 1-{maximum}")
    return int(value)
