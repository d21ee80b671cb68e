"""Powertools on every Lambda function (issue 11), as one Chalice middleware (app.py).

For each invocation, API request or event alike:

- Logger: every Powertools log line of the invocation, whatever module's Logger writes it,
  carries the Lambda context (function_name, function_request_id, cold_start, ...) and a
  ``correlation_id``: the API Gateway request id, the SES message id of an inbound mail (the
  raw object's key is ``inbound/<that id>``), or the first stream record's eventID of a
  TicketEvents batch. The keys are Powertools' context keys (a ContextVar shared by all
  Powertools formatters), set here and cleared when the invocation ends.
- Metrics: what the use cases counted (services/metrics.py) is printed as one EMF line at the
  end, also when the handler raised.
- Tracer: in Lambda only (the X-Ray SDK costs import time and is disabled elsewhere anyway),
  botocore is patched so X-Ray shows each DynamoDB (pynamodb uses botocore), S3 and SES call
  as a subsegment, and the handler runs in a "## <handler>" subsegment. Responses are never
  recorded in traces (they hold customers' mail); errors are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import DynamoDBEvent, LambdaFunctionEvent, Request, SNSEvent

from chalicelib.services import metrics

logger = Logger(service="servit")
_tracer: Any = None
_cold_start = True


def tracer() -> Any:
    """Powertools' Tracer in Lambda (botocore patched once), else None."""
    global _tracer
    if _tracer is None and os.environ.get("LAMBDA_TASK_ROOT"):
        from aws_lambda_powertools import Tracer

        _tracer = Tracer(service="servit", patch_modules=("botocore",))
    return _tracer


def correlation_id(event: Any) -> str | None:
    """The id that ties this invocation's lines to what caused it."""
    if isinstance(event, Request):
        return str((event.context or {}).get("requestId") or "") or None
    if isinstance(event, SNSEvent):
        try:
            notification = json.loads(event.message)
            ses_id = notification.get("mail", {}).get("messageId")
        except (ValueError, AttributeError):
            ses_id = None
        return str(ses_id or event.to_dict()["Records"][0]["Sns"].get("MessageId") or "") or None
    if isinstance(event, DynamoDBEvent):
        records = event.to_dict().get("Records") or []
        return str(records[0].get("eventID") or "") or None if records else None
    if isinstance(event, LambdaFunctionEvent) and isinstance(event.event, dict):
        # A workflow step: what it works on (a consultation, else the ticket).
        payload = event.event
        found = (
            payload.get("consultation_id") or payload.get("ticket_id") or payload.get("parent_id")
        )
        return str(found) if found else None
    return None


def _lambda_keys(context: Any) -> dict[str, Any]:
    global _cold_start
    cold, _cold_start = _cold_start, False
    if context is None:
        return {"cold_start": cold}
    return {
        "cold_start": cold,
        "function_name": getattr(context, "function_name", None),
        "function_memory_size": getattr(context, "memory_limit_in_mb", None),
        "function_arn": getattr(context, "invoked_function_arn", None),
        "function_request_id": getattr(context, "aws_request_id", None),
    }


def middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    context = event.lambda_context if isinstance(event, Request) else event.context
    keys = _lambda_keys(context)
    logger.thread_safe_append_keys(correlation_id=correlation_id(event), **keys)
    try:
        traced = tracer()
        if traced is None:
            return get_response(event)
        # The X-Ray SDK's context manager records an exception on the subsegment itself.
        with traced.provider.in_subsegment(f"## {type(event).__name__}") as subsegment:
            subsegment.put_annotation(key="ColdStart", value=keys["cold_start"])
            subsegment.put_annotation(key="Service", value="servit")
            return get_response(event)
    finally:
        metrics.flush()
        logger.thread_safe_clear_keys()


def instrument(handler: Any) -> Any:
    """Give an event handler the middleware where app.py is not imported: Lambda loads an
    event handler from its own module ("chalicelib.api.inbound.inbound_mail"), so the app's
    register_middleware never reaches it there. Where app.py registers the blueprint (tests,
    the API function), Chalice replaces this list with the app's, which holds the same
    middleware: it runs once either way."""
    handler.middleware_handlers = [middleware]
    return handler
