"""Route declaration: JSON in and out, authentication, and error mapping in one wrapper."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, CORSConfig, Response

from chalicelib import bootstrap, config
from chalicelib.api import conditional
from chalicelib.api.errors import app_shaped, error_response, to_response
from chalicelib.domain.errors import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PayloadTooLargeError,
    ServITError,
    ValidationError,
)
from chalicelib.domain.organisation import Role, User
from chalicelib.services.auth import actor_from_token
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

logger = Logger(service="servit-api")

MAX_BODY_BYTES = 1_000_000
# Replies and logos carry files as base64 in JSON: up to what a synchronous Lambda takes (6 MB).
MAX_FILE_BODY_BYTES = 5_800_000
_VERSION = re.compile(r'^(?:W/)?"?(\d{1,12})"?$')

# Input limits checked here, once, before any handler runs (issue 10): DynamoDB refuses a
# key over 2,048 bytes (a sort key over 1,024) with an error that would otherwise be a 500.
# Every id we hand out (ULIDs, slugs, inbox refs like "group:kt-forsta", numbers) fits this
# alphabet and length; anything else names nothing, so it is 404 before any lookup.
MAX_PATH_PARAM = 200
_PATH_PARAM = re.compile(r"^[A-Za-z0-9._:@%+=~-]{1," + str(MAX_PATH_PARAM) + "}$")
# A query value is at most 1,000 characters and 1,000 UTF-8 bytes (below DynamoDB's
# 1,024-byte sort key, which a name prefix is compared with), the cursor 4,096 (it carries a
# key we handed out, base64); a parameter name at most 100 characters; all 422 past that.
MAX_QUERY_VALUE = 1_000
MAX_CURSOR = 4_096
MAX_QUERY_NAME = 100
MAX_QUERY_PARAMS = 100


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
    etag: bool = False,
) -> Callable[[Handler], Handler]:
    """``etag``: the answer carries an ETag, and a GET whose If-None-Match names it is
    answered 304 with no body (issue 15: lists and counts the UI refreshes; see
    chalicelib/api/conditional.py)."""

    def register(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def view(**params: str) -> Response:
            request = bp.current_request
            try:
                call = _call(
                    request, params, auth, max_body, admin_only=path.startswith("/api/admin/")
                )
                result = handler(call)
            except ServITError as error:
                return to_response(error)
            except Exception:  # the single last resort: log it, answer in our JSON shape
                logger.exception("unhandled error", extra={"path": path})
                return error_response(500, "internal", "something went wrong on our side")
            if isinstance(result, Response):
                return result
            body = json.dumps(result, ensure_ascii=False, default=str)
            if etag:
                return conditional.answer(body, call.headers, status)
            return Response(
                body=body,
                status_code=status,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )

        bp.route(path, methods=methods, cors=_CORS)(view)
        _install_error_shape(bp)
        return handler

    return register


def _call(
    request: Any, params: dict[str, str], auth: bool, max_body: int, *, admin_only: bool = False
) -> Call:
    raw = request.raw_body or b""
    if len(raw) > max_body:
        raise PayloadTooLargeError(f"the body is larger than {max_body} bytes")
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    query = dict(request.query_params or {})
    svc = bootstrap.services()
    actor = _actor(svc, headers) if auth else _ANONYMOUS
    if admin_only:
        # Every /api/admin route, before its body is read: a lower role learns nothing
        # (not even which fields a body lacks). The services check again.
        require_role(actor, Role.ADMIN)
    check_path_params(params)
    check_query(query)
    return Call(svc, actor, params, query, headers, raw)


def check_path_params(params: dict[str, str]) -> None:
    """A path parameter outside the id alphabet or over 200 characters names nothing: 404."""
    for name, value in params.items():
        if not isinstance(value, str) or not _PATH_PARAM.match(value):
            shown = value[:40] + "…" if len(value) > 40 else value
            raise NotFoundError(f"no such {name.removesuffix('_id')}: {shown!r}")


def check_query(query: dict[str, str]) -> None:
    """Query strings within the limits above, or 422 before anything is looked up."""
    if len(query) > MAX_QUERY_PARAMS:
        raise ValidationError(f"at most {MAX_QUERY_PARAMS} query parameters", code="too_long")
    for name, value in query.items():
        if len(name) > MAX_QUERY_NAME:
            raise ValidationError(
                f"a query parameter name is at most {MAX_QUERY_NAME} characters", code="too_long"
            )
        limit = MAX_CURSOR if name == "cursor" else MAX_QUERY_VALUE
        if len(value) > limit or len(value.encode("utf-8", "surrogatepass")) > limit:
            raise ValidationError(
                f"query parameter {name!r} is longer than {limit} characters", code="too_long"
            )


def _cors_config(cfg: config.Config) -> CORSConfig | None:
    """CORS is off: the agent UI and the API share one origin (CloudFront in AWS,
    local/web_proxy.py locally), so a browser needs no CORS header, and none is sent.
    SERVIT_UI_ORIGIN, when set, allows exactly that one origin (a UI served elsewhere)."""
    if not cfg.ui_origin:
        return None
    return CORSConfig(
        allow_origin=cfg.ui_origin,
        allow_headers=["Authorization", "Content-Type", "If-Match"],
        max_age=600,
    )


# Decided when the routes are declared: Chalice writes the preflight (OPTIONS) routes of
# API Gateway from them when packaging, and adds the header from them at run time.
_CORS = _cors_config(config.load())

_SHAPED: list[Blueprint] = []


def _install_error_shape(bp: Blueprint) -> None:
    """Chalice answers some requests itself before any view runs (415 for a Content-Type
    other than JSON, 405 for a method a path lacks, 400 for a binary answer without a
    matching Accept) as {"Code", "Message"}: one middleware, app-wide, reshapes those."""
    if _SHAPED:
        return
    _SHAPED.append(bp)
    bp.register_middleware(_error_shape, "http")


def _error_shape(event: Any, get_response: Callable[[Any], Response]) -> Response:
    return app_shaped(get_response(event))


def _actor(svc: Services, headers: dict[str, str]) -> User:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("log in first: send Authorization: Bearer <token>")
    return actor_from_token(svc, token.strip())


_ANONYMOUS = User(id="anonymous", email="anonymous@invalid.example", name="anonymous")
