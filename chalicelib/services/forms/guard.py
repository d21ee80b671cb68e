"""What keeps robots and floods out of the web forms (S1, abuse).

- a honeypot field (``HONEYPOT``) people never see or fill in;
- the signed token of the page the form was shown on (``domain/form_token``): a post needs
  one, made for this form, at least a few seconds and at most a day old;
- a post from another site (its Origin is not ours) only from a site the form lists in
  ``allowed_origins``, and only with a signed token (the page's, or the form's embed token);
- at most ``MAX_PER_IP`` forms an hour from one address (IP) and ``MAX_PER_SENDER`` for one
  e-mail address or phone number: counters in Config (an atomic ADD per hour, removed by
  TTL), keyed by an HMAC of the address, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from chalicelib.domain import form_token
from chalicelib.domain.errors import NotFoundError, TooManyRequestsError, ValidationError
from chalicelib.domain.forms import Submission, WebForm
from chalicelib.services import lookup_keys
from chalicelib.services.context import Services
from chalicelib.services.forms.admin import load

HONEYPOT = "website"
TOKEN_FIELD = "ft"  # noqa: S105 (a form field name, not a secret)
MAX_PER_IP = 20
MAX_PER_SENDER = 5


class SpamError(ValidationError):
    """The honeypot was filled in, or a post came from a site the form does not allow."""

    code = "spam"


def published(svc: Services, form_id: str) -> WebForm:
    """The form, if it exists and is enabled; else NotFoundError (one answer for both)."""
    form = load(svc, form_id)
    if form is None or not form.enabled:
        raise NotFoundError(f"no web form {form_id!r}")
    return form


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_post(
    svc: Services,
    form: WebForm,
    values: dict[str, str],
    *,
    origin: str | None,
    own_origins: set[str],
) -> form_token.FormToken:
    """The honeypot, the origin and the token; the token's contents when all is well."""
    cross = check_source(form, values, origin=origin, own_origins=own_origins)
    return check_token(svc, form, values, cross=cross)


def check_source(
    form: WebForm, values: dict[str, str], *, origin: str | None, own_origins: set[str]
) -> bool:
    """The honeypot, and the site the post comes from; True if from another site."""
    if values.get(HONEYPOT, "").strip():
        raise SpamError("the form was filled in by a robot")
    cross = origin is not None and origin.lower().rstrip("/") not in own_origins
    if cross and (origin or "").lower().rstrip("/") not in form.allowed_origins:
        raise SpamError("this form does not take posts from that site", code="bad_origin")
    return cross


def check_token(
    svc: Services, form: WebForm, values: dict[str, str], *, cross: bool
) -> form_token.FormToken:
    """The signed token: this form's, and timed unless an embed token from another site."""
    token = form_token.verify(
        values.get(TOKEN_FIELD, ""),
        form.id,
        svc.clock(),
        svc.mail.secret,
        embed_generation=form.embed_generation,
    )
    if token.kind == form_token.EMBED and not cross:
        # The embed token is for the customer's own site; our page gives a timed one.
        raise form_token.FormTokenError("the form's token is not valid", code="bad_form_token")
    return token


def _digest(svc: Services, kind: str, value: str) -> str:
    message = f"webform-{kind}|{value.strip().lower()}".encode()
    return hmac.new(svc.mail.secret, message, hashlib.sha256).hexdigest()[:24]


def count(svc: Services, ip: str, submission: Submission) -> None:
    """Count one post against the hourly caps; TooManyRequestsError past either."""
    now = svc.clock()
    hour = now.strftime("%Y%m%d%H")
    retry = int((now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1) - now)
                .total_seconds()) or 1  # fmt: skip
    sender = submission.email or submission.phone
    caps = [("ip", ip or "unknown", MAX_PER_IP)]
    if sender:
        caps.append(("sender", sender, MAX_PER_SENDER))
    for kind, value, cap in caps:
        counter = f"webform-{kind}:{_digest(svc, kind, value)}:{hour}"
        if svc.config.next_number(counter, 1, expires_at=_later(now)) > cap:
            error = TooManyRequestsError(
                f"at most {cap} forms an hour from one {'address' if kind == 'ip' else 'sender'}",
                code="too_many_forms",
            )
            error.retry_after = retry
            raise error


def _later(now: datetime) -> datetime:
    return now + timedelta(hours=2)  # the counter outlives its hour a little; TTL removes it


def idempotency_key(token: form_token.FormToken, raw_token: str) -> str | None:
    """A page token makes one ticket at most (a double click, a reload of the answer page);
    an embed token is shared by every post from the customer's site."""
    if token.kind != form_token.PAGE:
        return None
    return lookup_keys.webform_post(token.form_id, raw_token.rpartition(".")[2])
