"""Public web forms (S1): server-rendered Jinja2 pages (autoescaped, sv/en, no script).

``GET /forms/{form_id}`` shows the form, ``POST`` sends it: the answer is the confirmation
page with the ticket number, or the form again with each refused value's reason beside its
field and in a summary at the top. ``/forms/{form_id}/embed`` is the same form for an
iframe on the customer's own site: its frame-ancestors are the form's allowed origins.
No login: API Gateway passes /forms/* on without an authorizer, as /portal/*.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.form_texts import LANGUAGES, TEXTS, language_from, page_fields
from chalicelib.api.routing import check_path_params
from chalicelib.channels import webform
from chalicelib.domain import form_token
from chalicelib.domain.errors import (
    BadRequestError,
    NotFoundError,
    PayloadTooLargeError,
    ServITError,
    TooManyRequestsError,
)
from chalicelib.domain.forms import WebForm
from chalicelib.services import directory
from chalicelib.services.context import Services
from chalicelib.services.forms import guard, submit
from chalicelib.services.rendering import render

bp = Blueprint(__name__)
logger = Logger(service="servit-forms")

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
)
_HEADERS: dict[str, str | list[str]] = {
    "Content-Type": "text/html; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": under it Chromium sends "Origin: null" with the form's own post,
    # which could not be told from a post by a sandboxed frame elsewhere.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}
CONTENT_TYPES = ["multipart/form-data", "application/x-www-form-urlencoded"]


def _headers(form: WebForm | None, embed: bool) -> dict[str, str | list[str]]:
    if embed and form is not None:
        ancestors = " ".join(["'self'", *form.allowed_origins])
        return {**_HEADERS, "Content-Security-Policy": _CSP.format(ancestors=ancestors)}
    return {
        **_HEADERS,
        "Content-Security-Policy": _CSP.format(ancestors="'none'"),
        "X-Frame-Options": "DENY",
    }


def _language(posted: str | None = None) -> str:
    request = bp.current_request
    query = dict(request.query_params or {})
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    return language_from(query.get("lang"), posted, headers.get("accept-language"))


def _error_page(
    status: int, key: str, language: str, *, heading: str = "not_sent_title", back: str = ""
) -> Response:
    t = TEXTS[language]
    body = render(
        "forms/error.html.j2", t=t, language=language, languages=LANGUAGES, embed=False,
        form_name="ServIT", heading=t[heading], message=t[key], back=back,
    )  # fmt: skip
    return Response(body=body, status_code=status, headers=_headers(None, False))


def page(handler: Callable[..., Response]) -> Callable[..., Response]:
    """A customer sees a page in their language, never a stack trace or JSON."""

    @functools.wraps(handler)
    def view(**params: str) -> Response:
        language = _language()
        back = f"/forms/{params.get('form_id', '')}?lang={language}"
        try:
            check_path_params(params)
            return handler(**params)
        except NotFoundError:
            return _error_page(404, "not_found", language, heading="not_found_title")
        except PayloadTooLargeError:
            return _error_page(413, "too_large", language, back=back)
        except TooManyRequestsError as error:
            response = _error_page(429, "too_many", language)
            response.headers["Retry-After"] = str(error.retry_after or 3600)
            return response
        except guard.SpamError:
            return _error_page(400, "spam", language)
        except BadRequestError:
            return _error_page(400, "bad_request", language, back=back)
        except ServITError:
            return _error_page(400, "error", language, back=back)
        except Exception:  # the last resort: a plain page
            logger.exception("web form page failed")
            return _error_page(500, "error", language, back=back)

    return view


def _form_page(
    svc: Services,
    form: WebForm,
    language: str,
    *,
    embed: bool,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    errors = errors or {}
    custom = directory.custom_fields(svc) if form.custom_ids else {}
    types = directory.ticket_types(svc) if "ticket_type" in form.fields else []
    fields = page_fields(form, language, values or {}, errors, custom, types)
    body = render(
        "forms/form.html.j2",
        t=TEXTS[language],
        language=language,
        languages=LANGUAGES,
        embed=embed,
        form_name=form.name,
        fields=fields,
        errors=bool(errors),
        notice=TEXTS[language][notice] if notice else "",
        token=form_token.issue_page(form.id, svc.clock(), svc.mail.secret),
        action=f"/forms/{form.id}{'/embed' if embed else ''}?lang={language}",
        enctype="multipart/form-data" if "attachments" in form.fields else (
            "application/x-www-form-urlencoded"),
    )  # fmt: skip
    return Response(body=body, status_code=status, headers=_headers(form, embed))


def _show(form_id: str, embed: bool) -> Response:
    svc = bootstrap.services()
    form = guard.published(svc, form_id)
    return _form_page(svc, form, _language(), embed=embed)


def _post(form_id: str, embed: bool) -> Response:
    request = bp.current_request
    svc = bootstrap.services()
    body = request.raw_body or b""
    raw = body.encode() if isinstance(body, str) else bytes(body)
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    posted = webform.parse(headers.get("content-type", ""), raw)
    language = _language(posted.get("lang"))
    form = guard.published(svc, form_id)
    try:
        sent = submit.submit(
            svc, form, posted, ip=_client_ip(), origin=headers.get("origin"),
            own_origins=_own_origins(svc, headers), language=language,
        )  # fmt: skip
    except form_token.FormTokenError as error:
        # Too quick, too old or without a token of ours: the form again, with what was
        # written, and a fresh token; a person sends it again, a robot learns nothing.
        notice = "too_fast" if error.code == "too_fast" else "expired"
        return _form_page(svc, form, language, embed=embed, values=posted.values,
                          notice=notice, status=400)  # fmt: skip
    if sent.outcome == "invalid":
        return _form_page(svc, form, language, embed=embed, values=posted.values,
                          errors=sent.errors, status=422)  # fmt: skip
    assert sent.ticket is not None
    thanks = render(
        "forms/thanks.html.j2", t=TEXTS[language], language=language, languages=LANGUAGES,
        embed=embed, form_name=form.name, number=sent.ticket.number,
        thank_you=form.thank_you.get(language, ""), email=sent.submission.email,
    )  # fmt: skip
    return Response(body=thanks, status_code=200, headers=_headers(form, embed))


def _client_ip() -> str:
    """The caller's address as API Gateway saw it (never X-Forwarded-For: the client
    writes that itself)."""
    context = bp.current_request.context or {}
    identity = context.get("identity") or {}
    return str(identity.get("sourceIp") or "")


def _own_origins(svc: Services, headers: dict[str, Any]) -> set[str]:
    """Our own origins: the public URL, and the host this request came to."""
    own = {guard.origin_of(svc.mail.portal_base_url)}
    host = str(headers.get("host") or "")
    if host:
        scheme = str(headers.get("x-forwarded-proto") or "http").split(",")[0].strip()
        own.add(f"{scheme}://{host}".lower())
    return own


@bp.route("/forms/{form_id}", methods=["GET"])
@page
def show(form_id: str) -> Response:
    return _show(form_id, embed=False)


@bp.route("/forms/{form_id}/embed", methods=["GET"])
@page
def show_embedded(form_id: str) -> Response:
    return _show(form_id, embed=True)


@bp.route("/forms/{form_id}", methods=["POST"], content_types=CONTENT_TYPES)
@page
def send(form_id: str) -> Response:
    return _post(form_id, embed=False)


@bp.route("/forms/{form_id}/embed", methods=["POST"], content_types=CONTENT_TYPES)
@page
def send_embedded(form_id: str) -> Response:
    return _post(form_id, embed=True)
