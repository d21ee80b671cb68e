"""Paging for the in-memory repositories: cursors as opaque as the DynamoDB ones."""

from __future__ import annotations

import base64
from typing import TypeVar

from chalicelib.domain.errors import ValidationError
from chalicelib.services.ports import Page

T = TypeVar("T")


def page(items: list[T], limit: int, cursor: str | None) -> Page[T]:
    start = decode_cursor(cursor)
    end = start + limit
    more = end < len(items)
    return Page(
        items[start:end], base64.urlsafe_b64encode(str(end).encode()).decode() if more else None
    )


def decode_cursor(cursor: str | None) -> int:
    """Like the DynamoDB adapters: a cursor we did not hand out is a ValidationError."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeError):
        text = ""
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise ValidationError("the cursor is not one this API handed out", code="bad_cursor")
    return int(text)
