"""Errors to HTTP: the one place that knows status codes, by error class."""

from __future__ import annotations

import json

from chalice.app import Response

from chalicelib.domain import errors

STATUS_BY_ERROR: tuple[tuple[type[errors.ServITError], int], ...] = (
    (errors.BadRequestError, 400),
    (errors.AuthenticationError, 401),
    (errors.PermissionDeniedError, 403),
    (errors.NotFoundError, 404),
    (errors.ConflictError, 409),
    (errors.PayloadTooLargeError, 413),
    (errors.TooManyRequestsError, 429),
    (errors.ValidationError, 422),
    (errors.UnavailableError, 503),
)


def status_for(error: errors.ServITError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400


def error_response(
    status: int, code: str, message: str, details: dict[str, object] | None = None
) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    # ``details``: an object some errors add beside the two keys every answer has (issue 15:
    # where a template text fails), so clients reading only ``error``/``message`` see no change.
    body: dict[str, object] = {"error": code, "message": message}
    if details:
        body["details"] = details
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers=headers,
    )


def to_response(error: errors.ServITError) -> Response:
    details = getattr(error, "details", None)
    response = error_response(
        status_for(error), error.code, error.message, details if isinstance(details, dict) else None
    )
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


# Chalice's own refusals, made before any view of ours runs, in our shape and words.
_CHALICE_CODES = {
    "UnsupportedMediaType": (
        "unsupported_media_type",
        "send the body as Content-Type: application/json",
    ),
    "MethodNotAllowedError": ("method_not_allowed", ""),
    "BadRequest": (
        "not_acceptable",
        "this answer is a file: send an Accept header naming its type",
    ),
    "InternalServerError": ("internal", "something went wrong on our side"),
}


def app_shaped(response: Response) -> Response:
    """A ``{"Code", "Message"}`` answer from Chalice itself as ``{"error", "message"}``."""
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return response
    code, message = _CHALICE_CODES.get(str(body["Code"]), ("bad_request", ""))
    shaped = error_response(response.status_code, code, message or str(body["Message"]))
    shaped.headers = {**response.headers, **shaped.headers}
    return shaped
