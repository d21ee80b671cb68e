"""Is a failure worth trying again? Throttling, timeouts and AWS's own 5xx are; a bad
request, a failed condition or a bug is not.

Duck-typed on what botocore and pynamodb put on their exceptions (``response['Error']
['Code']``, ``cause``, ``cancellation_reasons``), so the services need not import them.
"""

from __future__ import annotations

from collections.abc import Iterator

TRANSIENT_CODES = frozenset({
    "ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "ProvisionedThroughputExceededException", "RequestThrottled",
    "SlowDown", "InternalServerError", "InternalError", "InternalFailure",
    "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout",
    "RequestTimeoutException", "TransactionInProgressException",
})  # fmt: skip
# Why a transaction was cancelled, per item: these pass; a ConditionalCheckFailed does not.
TRANSIENT_CANCELLATIONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
)
# botocore's connection errors, by name (BotoCoreError subclasses, not OSError).
TRANSIENT_NAMES = frozenset({
    "EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError",
    "ConnectionClosedError", "ProxyConnectionError",
})  # fmt: skip


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (current.__cause__, current.__context__, getattr(current, "cause", None)):
            if isinstance(linked, BaseException):
                todo.append(linked)


def _code(error: BaseException) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def is_transient(error: BaseException) -> bool:
    for current in _chain(error):
        if isinstance(current, (TimeoutError, ConnectionError)):
            return True
        if type(current).__name__ in TRANSIENT_NAMES or _code(current) in TRANSIENT_CODES:
            return True
        cancelled = getattr(current, "cancellation_reasons", None) or []
        reasons = {getattr(reason, "code", None) for reason in cancelled if reason}
        if reasons & TRANSIENT_CANCELLATIONS and "ConditionalCheckFailed" not in reasons:
            return True
    return False
