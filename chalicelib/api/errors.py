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
    (errors.ValidationError, 422),
    (errors.UnavailableError, 503),
)


def status_for(error: errors.ServITError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400


def error_response(status: int, code: str, message: str) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return Response(
        body=json.dumps({"error": code, "message": message}, ensure_ascii=False),
        status_code=status,
        headers=headers,
    )


def to_response(error: errors.ServITError) -> Response:
    return error_response(status_for(error), error.code, error.message)
