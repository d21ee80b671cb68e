"""One DynamoDB request per page, with the continuation as an opaque cursor."""

from __future__ import annotations

import base64
import json
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.domain.errors import ConflictError, ValidationError


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeError):
        raise ValidationError(
            "the cursor is not one this API handed out", code="bad_cursor"
        ) from None
    if not isinstance(value, dict):
        raise ValidationError("the cursor is not one this API handed out", code="bad_cursor")
    return value


def first_page(results: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Fetch exactly one page from a pynamodb ResultIterator: raw items and the cursor."""
    page = next(results.page_iter)
    return page.get("Items", []), encode_cursor(page.get("LastEvaluatedKey"))


def raise_conflict_if_condition_failed(error: TransactWriteError, message: str) -> None:
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        raise ConflictError(message, code="stale") from None
    if error.cause_response_code == "TransactionConflict" or any(
        r is not None and r.code == "TransactionConflict" for r in reasons
    ):
        # Another transaction on the same item at the same moment: also a stale write.
        raise ConflictError(message, code="stale") from None
