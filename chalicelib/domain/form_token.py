"""The signed token a web form carries in a hidden field (S1, abuse).

Two kinds, both HMAC-SHA256 with the stack's secret (``svc.mail.secret``), bound to one form:

- a *page token*, made each time the form page is shown: it carries when it was made, so a
  post that comes back faster than a person can fill in a form (``MIN_FILL_SECONDS``), or
  after a day, is refused; and
- an *embed token* the admin copies into a form on the customer's own site (a cross-origin
  post, no page of ours shown first): it carries no time, only the form and the token
  generation, so an admin who changes ``embed_generation`` invalidates the old ones.

The signature is compared in constant time. Nothing here reads a clock or a store.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.errors import ValidationError

MIN_FILL_SECONDS = 3
MAX_AGE_SECONDS = 24 * 3600
_SIG_CHARS = 32  # hex: 128 bits of the HMAC
PAGE, EMBED = "p", "e"


class FormTokenError(ValidationError):
    """The form's token is missing, forged, for another form, too young or too old."""

    code = "bad_form_token"


@dataclass(frozen=True)
class FormToken:
    form_id: str
    kind: str  # PAGE or EMBED
    issued: int  # Unix seconds (page tokens), or the embed generation


def _sign(secret: bytes, kind: str, form_id: str, number: int) -> str:
    message = f"webform|{kind}|{form_id}|{number}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:_SIG_CHARS]


def issue_page(form_id: str, now: datetime, secret: bytes) -> str:
    issued = int(now.timestamp())
    return f"{PAGE}.{issued}.{_sign(secret, PAGE, form_id, issued)}"


def issue_embed(form_id: str, generation: int, secret: bytes) -> str:
    return f"{EMBED}.{generation}.{_sign(secret, EMBED, form_id, generation)}"


def verify(
    token: str, form_id: str, now: datetime, secret: bytes, *, embed_generation: int = 0
) -> FormToken:
    """The token's contents, or FormTokenError (``code`` says which check failed)."""
    if not isinstance(token, str) or len(token) > 80:
        raise FormTokenError("the form's token is missing", code="bad_form_token")
    kind, _, rest = token.partition(".")
    number_text, _, signature = rest.partition(".")
    if kind not in (PAGE, EMBED) or not number_text.isascii() or not number_text.isdigit():
        raise FormTokenError("the form's token is not valid", code="bad_form_token")
    number = int(number_text[:12])
    expected = _sign(secret, kind, form_id, number)
    if not hmac.compare_digest(expected, signature):
        raise FormTokenError("the form's token is not valid", code="bad_form_token")
    if kind == EMBED:
        if number != embed_generation:
            raise FormTokenError("the form's embed token was replaced", code="bad_form_token")
        return FormToken(form_id, kind, number)
    age = now.timestamp() - number
    if age < MIN_FILL_SECONDS:
        raise FormTokenError("the form was sent too quickly", code="too_fast")
    if age > MAX_AGE_SECONDS:
        raise FormTokenError("the form was open too long", code="form_expired")
    return FormToken(form_id, kind, number)
