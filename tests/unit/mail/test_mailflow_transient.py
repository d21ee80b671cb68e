"""Intake under a flaky AWS (S1): throttling and timeouts are tried again, the mail is
filed once; a failure that persists, or that is no hiccup, waits in quarantine."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import (
    CancellationReason,
    PutError,
    TransactWriteError,
    VerboseClientError,
)

from chalicelib.domain.mail_log import Outcome
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from chalicelib.services.transient import is_transient
from tests.unit.mail.flows import deliver, mail_file

pytestmark = pytest.mark.usefixtures("people")


def _aws_error(code: str, operation: str = "TransactWriteItems") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} (test)"}}, operation)


def _cancelled(*reasons: CancellationReason | None) -> TransactWriteError:
    """What pynamodb raises for a cancelled TransactWriteItems, with DynamoDB's reasons."""
    cause = VerboseClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
        "TransactWriteItems",
        cancellation_reasons=reasons,
    )
    return TransactWriteError("Failed to write transaction items", cause=cause)


def _throttled() -> TransactWriteError:
    return _cancelled(None, CancellationReason(code="ThrottlingError", message="slow"))


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(mail_intake, "sleep", slept.append)
    return slept


def _failing_add(svc: Services, monkeypatch: pytest.MonkeyPatch, *failures: Exception) -> None:
    real_add = svc.tickets.add
    pending = list(failures)

    def add(*args: Any, **kwargs: Any) -> None:
        if pending:
            raise pending.pop(0)
        real_add(*args, **kwargs)

    monkeypatch.setattr(svc.tickets, "add", add)


def test_a_throttled_write_is_tried_again_and_the_mail_becomes_one_ticket(
    svc: Services, monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    # Given DynamoDB throttling the ticket's transaction twice
    _failing_add(
        svc, monkeypatch, _throttled(), _aws_error("ProvisionedThroughputExceededException")
    )

    # When a customer's mail arrives
    entry = deliver(svc, mail_file("customer_request.eml", message_id="flaky-1@kund.example.se"))

    # Then it is filed on the third try, after backing off, and nothing is in quarantine
    assert entry.outcome is Outcome.CREATED
    assert waits == list(mail_intake.RETRY_DELAYS[:2])
    assert svc.mail_log.quarantined() == []
    [logged] = svc.mail_log.by_message_id("flaky-1@kund.example.se")
    assert logged.ticket_id == entry.ticket_id
    assert svc.tickets.get(entry.ticket_id or "").title == "Skrivaren skriver tomma sidor"


def test_a_timeout_that_does_not_pass_ends_in_quarantine_saying_so(
    svc: Services, monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    # Given a DynamoDB endpoint that never answers in time
    timeouts = [ReadTimeoutError(endpoint_url="https://dynamodb") for _ in range(10)]
    _failing_add(svc, monkeypatch, *timeouts)

    # When a mail arrives
    entry = deliver(svc, mail_file("customer_request.eml", message_id="flaky-2@kund.example.se"))

    # Then every retry was spent, and the mail waits in quarantine with why, to be replayed
    assert waits == list(mail_intake.RETRY_DELAYS)
    assert entry.outcome is Outcome.QUARANTINED
    assert entry.reason.startswith("transient failure, still failing after retries")
    assert [e.id for e in svc.mail_log.quarantined()] == [entry.id]


def test_a_failure_that_is_no_hiccup_is_not_retried(
    svc: Services, monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    # Given a bug (or a refused request) while filing
    _failing_add(svc, monkeypatch, _aws_error("ValidationException"), _aws_error("Throttling"))

    # When a mail arrives
    entry = deliver(svc, mail_file("customer_request.eml"))

    # Then it goes straight to quarantine: trying again would only fail again
    assert waits == []
    assert entry.outcome is Outcome.QUARANTINED
    assert entry.reason.startswith("processing failed: ClientError")


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (_aws_error("ThrottlingException", "SendEmail"), True),
        (_aws_error("ProvisionedThroughputExceededException"), True),
        (_aws_error("InternalServerError"), True),
        (_aws_error("ServiceUnavailable", "GetObject"), True),
        (_aws_error("SlowDown", "PutObject"), True),
        (EndpointConnectionError(endpoint_url="https://s3"), True),
        (ReadTimeoutError(endpoint_url="https://dynamodb"), True),
        (TimeoutError("read"), True),
        (PutError("put failed", cause=_aws_error("RequestLimitExceeded", "PutItem")), True),
        (_throttled(), True),
        (_aws_error("ValidationException"), False),
        (_aws_error("AccessDeniedException", "GetObject"), False),
        (_aws_error("NoSuchKey", "GetObject"), False),
        (_aws_error("ConditionalCheckFailedException", "PutItem"), False),
        (
            _cancelled(
                CancellationReason(code="ConditionalCheckFailed"),
                CancellationReason(code="ThrottlingError"),
            ),
            False,
        ),
        (KeyError("template"), False),
        (ValueError("bad"), False),
    ],
)
def test_which_failures_are_worth_trying_again(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient


def test_a_hiccup_wrapped_in_another_error_is_still_seen() -> None:
    try:
        try:
            raise _aws_error("ThrottlingException", "Query")
        except ClientError as inner:
            raise RuntimeError("repository failed") from inner
    except RuntimeError as outer:
        assert is_transient(outer)
