"""Typed errors of the domain and services.

Each error carries a stable machine ``code``; ``chalicelib.api.errors`` maps
the classes (never the message text) to HTTP status codes.
"""

from __future__ import annotations


class ServITError(Exception):
    """Base of every error we raise on purpose."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ValidationError(ServITError):
    """Input is well-formed but not acceptable (HTTP 422)."""

    code = "invalid"


class BadRequestError(ServITError):
    """Input is malformed: not JSON, wrong types (HTTP 400)."""

    code = "bad_request"


class InvalidTransitionError(ValidationError):
    """A status move the ticket's status machine does not allow."""

    code = "invalid_transition"


class NotFoundError(ServITError):
    """Nothing there, or nothing the caller may see (HTTP 404)."""

    code = "not_found"


class ConflictError(ServITError):
    """A stale write or a uniqueness clash (HTTP 409)."""

    code = "conflict"


class TicketLockedError(ConflictError):
    """Someone else holds the ticket's lock."""

    code = "locked"


class AuthenticationError(ServITError):
    """No valid credentials (HTTP 401)."""

    code = "unauthenticated"


class PermissionDeniedError(ServITError):
    """Authenticated, but the role does not allow it (HTTP 403)."""

    code = "forbidden"


class PayloadTooLargeError(ServITError):
    """Input above a size limit (HTTP 413)."""

    code = "too_large"


class TooManyRequestsError(ServITError):
    """Too many requests of one kind in a short time; trying later works (HTTP 429)."""

    code = "too_many_requests"
    retry_after: int | None = None  # seconds, sent as Retry-After when known


class UnavailableError(ServITError):
    """A service we depend on did not answer; trying again later may work (HTTP 503)."""

    code = "unavailable"
