"""Route declaration: JSON in and out, authentication, and error mapping in one wrapper."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.errors import error_response, to_response
from chalicelib.domain.errors import (
    AuthenticationError,
    BadRequestError,
    PayloadTooLargeError,
    ServITError,
    ValidationError,
)
from chalicelib.domain.organisation import User
from chalicelib.services.auth import actor_from_token
from chalicelib.services.context import Services

logger = Logger(service="servit-api")

MAX_BODY_BYTES = 1_000_000
# Replies and logos carry files as base64 in JSON: up to what a synchronous Lambda takes (6 MB).
MAX_FILE_BODY_BYTES = 5_800_000
_VERSION = re.compile(r'^(?:W/)?"?(\d{1,12})"?$')


@dataclass
class Call:
    """What a handler gets: the services, the caller, the parsed request."""

    svc: Services
    actor: User
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes

    def body(self) -> Any:
        if not self.raw_body:
            return {}
        try:
            body = json.loads(self.raw_body, parse_constant=_reject_constant)
            # Lone surrogates ("\ud800") parse, but are not text: nothing could store or send them.
            json.dumps(body, ensure_ascii=False).encode()
        except (ValueError, RecursionError):  # RecursionError: nesting too deep to parse
            raise BadRequestError("the body is not valid JSON") from None
        return body

    def if_match(self) -> int | None:
        value = self.headers.get("if-match")
        if value is None:
            return None
        match = _VERSION.match(value.strip())
        if not match:
            raise ValidationError("If-Match must be the ticket's version, e.g. If-Match: 3")
        return int(match.group(1))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


Handler = Callable[[Call], Any]


def endpoint(
    bp: Blueprint,
    path: str,
    methods: list[str],
    *,
    auth: bool = True,
    status: int = 200,
    max_body: int = MAX_BODY_BYTES,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def view(**params: str) -> Response:
            request = bp.current_request
            try:
                call = _call(request, params, auth, max_body)
                result = handler(call)
            except ServITError as error:
                return to_response(error)
            except Exception:  # the single last resort: log it, answer in our JSON shape
                logger.exception("unhandled error", extra={"path": path})
                return error_response(500, "internal", "something went wrong on our side")
            if isinstance(result, Response):
                return result
            return Response(
                body=json.dumps(result, ensure_ascii=False, default=str),
                status_code=status,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )

        bp.route(path, methods=methods, cors=True)(view)
        return handler

    return register


def _call(request: Any, params: dict[str, str], auth: bool, max_body: int) -> Call:
    raw = request.raw_body or b""
    if len(raw) > max_body:
        raise PayloadTooLargeError(f"the body is larger than {max_body} bytes")
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    svc = bootstrap.services()
    actor = _actor(svc, headers) if auth else _ANONYMOUS
    return Call(svc, actor, params, dict(request.query_params or {}), headers, raw)


def _actor(svc: Services, headers: dict[str, str]) -> User:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("log in first: send Authorization: Bearer <token>")
    return actor_from_token(svc, token.strip())


_ANONYMOUS = User(id="anonymous", email="anonymous@invalid.example", name="anonymous")
