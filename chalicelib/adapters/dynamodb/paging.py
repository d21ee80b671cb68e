"""One DynamoDB request per page, with the continuation as an opaque cursor."""

from __future__ import annotations

import base64
import json
from typing import Any

from pynamodb.exceptions import QueryError, TransactWriteError

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
    if not isinstance(value, dict) or not _is_key(value):
        raise ValidationError("the cursor is not one this API handed out", code="bad_cursor")
    return value


def _is_key(value: dict[str, Any]) -> bool:
    """The shape of a LastEvaluatedKey: a few attributes, each one string or number value
    within DynamoDB's key size (a forged one must not reach DynamoDB as a 500)."""
    return 0 < len(value) <= 6 and all(
        isinstance(attribute, dict)
        and len(attribute) == 1
        and next(iter(attribute)) in ("S", "N")
        and isinstance(next(iter(attribute.values())), str)
        and len(next(iter(attribute.values())).encode()) <= 1024
        for attribute in value.values()
    )


def first_page(results: Any, cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Fetch exactly one page from a pynamodb ResultIterator: raw items and the cursor.

    ``cursor`` is the one the caller gave: when DynamoDB refuses a query that started from
    it for anything but capacity or its own trouble, the cursor was not one of ours (edited,
    or from another list: AWS says "The provided starting key is invalid", DynamoDB Local an
    InternalFailure) — the caller's mistake (422), not a 500.
    """
    try:
        page = next(results.page_iter)
    except QueryError as error:
        if cursor and error.cause_response_code not in _TRANSIENT:
            raise ValidationError(
                "the cursor is not one this API handed out", code="bad_cursor"
            ) from None
        raise
    return page.get("Items", []), encode_cursor(page.get("LastEvaluatedKey"))


_TRANSIENT = frozenset(
    {
        *("ThrottlingException", "ProvisionedThroughputExceededException"),
        *("RequestLimitExceeded", "InternalServerError", "ServiceUnavailable"),
    }
)


def raise_conflict_if_condition_failed(error: TransactWriteError, message: str) -> None:
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        raise ConflictError(message, code="stale") from None
    if error.cause_response_code == "TransactionConflict" or any(
        r is not None and r.code == "TransactionConflict" for r in reasons
    ):
        # Another transaction on the same item at the same moment: also a stale write.
        raise ConflictError(message, code="stale") from None
