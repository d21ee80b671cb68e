"""Customer portal pages (server-rendered Jinja2, autoescaped, sv/en)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default as default_policy

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.mail import download
from chalicelib.domain.errors import (
    AuthenticationError,
    NotFoundError,
    PayloadTooLargeError,
    ServITError,
    TooManyRequestsError,
)
from chalicelib.domain.events import EventType
from chalicelib.domain.statuses import Status
from chalicelib.domain.timefmt import iso, local_text
from chalicelib.services import directory, portal
from chalicelib.services.rendering import render

bp = Blueprint(__name__)
logger = Logger(service="servit-portal")

MAX_FORM_BYTES = 25 * 1024 * 1024
RETRY_AFTER = 600  # seconds: the portal's reply window (services/portal.REPLY_WINDOW_MINUTES)
PAGE_HEADERS: dict[str, str | list[str]] = {
    "Content-Type": "text/html; charset=utf-8",
    # No script at all on portal pages; forms post only to ourselves.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}
TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Ärende",
        "history": "Historik",
        "reply": "Skriv till oss",
        "send": "Skicka",
        "attach": "Bifoga filer",
        "you": "Du",
        "us": "Kundtjänst",
        "sent": "Tack! Ditt meddelande är mottaget.",
        "status": "Status",
        "until": "till",
        "error_title": "Länken fungerar inte",
        "not_sent_title": "Meddelandet skickades inte",
        "bad_link": (
            "Länken är felaktig eller har gått ut. "
            "Svara på vårt senaste mejl så skickar vi en ny länk."
        ),
        "error": "Något gick fel. Försök igen.",
        "too_large": "Filerna är för stora. Du kan skicka högst 20 MB sammanlagt per meddelande.",
        "too_many": (
            "Du har skickat många meddelanden på kort tid. "
            "Vänta några minuter och försök sedan igen."
        ),
    },
    "en": {
        "title": "Ticket",
        "history": "History",
        "reply": "Write to us",
        "send": "Send",
        "attach": "Attach files",
        "you": "You",
        "us": "Customer service",
        "sent": "Thank you! We have your message.",
        "status": "Status",
        "until": "until",
        "error_title": "This link does not work",
        "not_sent_title": "Your message was not sent",
        "bad_link": (
            "The link is wrong or has expired. "
            "Reply to our latest e-mail and we will send you a new one."
        ),
        "error": "Something went wrong. Please try again.",
        "too_large": "The files are too large. You can send at most 20 MB in all per message.",
        "too_many": (
            "You have sent many messages in a short time. Please wait a few minutes and try again."
        ),
    },
}


STATUS_NAMES: dict[str, dict[str, str]] = {
    "sv": {"new": "Nytt", "open": "Öppet", "with_contact": "Väntar på dig",
           "with_external": "Hos extern part", "dormant": "Vilande", "dormant_until": "Vilande",
           "resolved": "Löst", "closed": "Stängt"},
    "en": {"new": "New", "open": "Open", "with_contact": "Waiting for you",
           "with_external": "With external party", "dormant": "Dormant", "dormant_until": "Dormant",
           "resolved": "Resolved", "closed": "Closed"},
}  # fmt: skip


def page(handler: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(handler)
    def view(**params: str) -> Response:
        try:
            return handler(**params)
        except (AuthenticationError, NotFoundError) as error:
            # Wrong, expired, revoked or superseded: one page, saying nothing of which.
            return _error_page(404, "bad_link", error.message)
        except PayloadTooLargeError as error:
            return _error_page(413, "too_large", error.message)
        except TooManyRequestsError as error:
            return _error_page(429, "too_many", error.message, retry_after=RETRY_AFTER)
        except ServITError as error:
            return _error_page(400, "error", error.message)
        except Exception:  # a customer sees a plain page, never a stack trace
            logger.exception("portal page failed")
            return _error_page(500, "error", "")

    return view


def _error_page(status: int, key: str, detail: str, *, retry_after: int | None = None) -> Response:
    language = "sv"
    headers = dict(PAGE_HEADERS)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    body = render(
        "portal/error.html.j2",
        t=TEXTS[language],
        message=TEXTS[language][key],
        detail=detail,
        language=language,
        key=key,
        heading=TEXTS[language]["error_title" if key == "bad_link" else "not_sent_title"],
        en=TEXTS["en"] if key in ("too_large", "too_many", "error") else None,
    )
    return Response(body=body, status_code=status, headers=headers)


@bp.route("/portal/t/{token}", methods=["GET"])
@page
def show(token: str) -> Response:
    svc = bootstrap.services()
    shown = portal.view(svc, token)
    t = TEXTS[shown.language]
    time_zone = directory.settings(svc).time_zone
    messages = []
    for event in shown.events:
        if event.type in (EventType.MESSAGE_IN, EventType.MESSAGE_OUT):
            messages.append(
                {
                    "at": local_text(event.at, time_zone),
                    "at_iso": iso(event.at),
                    "inbound": event.type == EventType.MESSAGE_IN,
                    "text": event.data.get("stripped_text") or event.data.get("text") or "",
                    "attachments": event.data.get("attachments") or [],
                    "event_id": event.event_id,
                }
            )
    query: dict[str, str] = dict(bp.current_request.query_params or {})
    body = render(
        "portal/ticket.html.j2",
        t=t,
        language=shown.language,
        ticket=shown.ticket,
        messages=messages,
        status=STATUS_NAMES[shown.language][shown.ticket.status.value],
        # Dormant until a date: the customer sees when we pick it up again (issue 12).
        until=(
            local_text(shown.ticket.dormant_until, time_zone)
            if shown.ticket.status is Status.DORMANT_UNTIL and shown.ticket.dormant_until
            else None
        ),
        rp_name=shown.response_point_name,
        token=token,
        sent=query.get("sent") == "1",
    )
    return Response(body=body, status_code=200, headers=PAGE_HEADERS)


@bp.route("/portal/t/{token}/files/{event_id}/{index}", methods=["GET"])
@page
def file(token: str, event_id: str, index: str) -> Response:
    if not index.isdigit():
        raise NotFoundError("no such file")
    ref, payload = portal.attachment(bootstrap.services(), token, event_id, int(index))
    return download(payload, str(ref.get("content_type", "")), str(ref.get("filename", "file")))


@bp.route(
    "/portal/t/{token}/reply",
    methods=["POST"],
    content_types=["multipart/form-data", "application/x-www-form-urlencoded"],
)
@page
def reply(token: str) -> Response:
    request = bp.current_request
    body = request.raw_body or b""
    raw = body.encode() if isinstance(body, str) else bytes(body)
    if len(raw) > MAX_FORM_BYTES:
        return _error_page(413, "too_large", "")
    text, files = _form(request.headers.get("content-type", ""), raw)
    portal.reply(bootstrap.services(), token, text, files)
    return Response(
        body="", status_code=303, headers={"Location": f"/portal/t/{token}?sent=1", **PAGE_HEADERS}
    )


def _form(content_type: str, raw: bytes) -> tuple[str, list[tuple[str, str, bytes]]]:
    """Parse the reply form: a 'text' field and any number of 'files'."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        from urllib.parse import parse_qs

        fields = parse_qs(raw.decode("utf-8", "replace"))
        return (fields.get("text") or [""])[0], []
    message = BytesParser(policy=default_policy).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + raw
    )
    text, files = "", []
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        payload = payload if isinstance(payload, bytes) else b""
        if name == "text":
            text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        elif name == "files" and part.get_filename():
            files.append((str(part.get_filename()), part.get_content_type(), payload))
    return text, files
