"""TOTP on a user's own profile: turn it on (password, then the first code) or off
(password and a code), and whether an admin must have it (Settings.admins_require_mfa).

Each change starts with the password, as a login does: it proves the person at the
keyboard is the user (a token left in a browser is not enough to turn TOTP off), and it
gives the identity provider's access token that Cognito's TOTP calls need — kept
server-side (challenge_store), never sent to the client. Wrong passwords and codes count
towards the login lock (login_guard). Refusals are 403, not 401: the caller's token is
still good and the UI must not log them out.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from chalicelib.domain.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ValidationError,
)
from chalicelib.domain.organisation import Role, User
from chalicelib.services import challenge_store, directory, inputs, login_guard
from chalicelib.services.challenge_store import Pending
from chalicelib.services.context import Services
from chalicelib.services.ports import Challenge

# Config kind: user id -> {"enabled": bool}, as the user's last login or change saw it.
# The identity provider holds the truth; this is what the profile shows without asking it.
MFA_STATUS = "mfa_status"
ISSUER = "ServIT"
_CODE = re.compile(r"^\d{6}$")


def required(svc: Services, user: User) -> bool:
    return user.has_role(Role.ADMIN) and directory.settings(svc).admins_require_mfa


def status(svc: Services, actor: User) -> dict[str, Any]:
    record = svc.config.get(MFA_STATUS, actor.id) or {}
    return {"enabled": bool(record.get("enabled")), "required": required(svc, actor)}


def note_status(svc: Services, user_id: str, *, enabled: bool) -> None:
    record = svc.config.get(MFA_STATUS, user_id) or {}
    if bool(record.get("enabled")) != enabled:
        svc.config.put(MFA_STATUS, user_id, {"enabled": enabled})


def code_of(data: dict[str, Any]) -> str:
    """The ``code`` of a request: six digits (spaces allowed, as apps show "123 456")."""
    code = re.sub(r"\s", "", inputs.text(data, "code", max_len=20, required=True) or "")
    if not _CODE.match(code):
        raise ValidationError(
            "the code is the 6 digits the authenticator app shows", code="bad_code"
        )
    return code


def otpauth_uri(email: str, secret: str) -> str:
    """Key URI format (Google Authenticator's, read by every TOTP app)."""
    label = quote(f"{ISSUER}:{email}", safe="@:")
    return f"otpauth://totp/{label}?secret={secret}&issuer={ISSUER}"


def begin(svc: Services, actor: User, body: Any, *, ip: str = "") -> dict[str, Any]:
    """Password -> the secret to put in the app, and a handle for confirming the first code."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"password"})
    password = inputs.text(data, "password", max_len=256, required=True) or ""
    attempt = login_guard.before(svc, actor.email, ip)
    try:
        step = svc.identity.login(actor.email, password)
    except AuthenticationError as error:
        login_guard.failed(svc, attempt)
        raise _refused(error) from None
    if step.challenge == Challenge.MFA_CODE:
        note_status(svc, actor.id, enabled=True)
        raise ValidationError("TOTP is on already; turn it off first", code="mfa_enabled")
    if step.challenge:
        raise ValidationError("log out and in again first", code="login_incomplete")
    secret = svc.identity.begin_totp(step.access)
    pending = Pending(
        email=actor.email,
        challenge=Challenge.MFA_SETUP,
        purpose="enable",
        user_id=actor.id,
        access=step.access,
    )
    handle = challenge_store.save(svc, pending)
    return {"session": handle, "secret": secret, "otpauth_uri": otpauth_uri(actor.email, secret)}


def confirm(svc: Services, actor: User, body: Any, *, ip: str = "") -> dict[str, Any]:
    """The first code from the app: TOTP is on, asked at every login from now."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"session", "code"})
    handle = inputs.text(data, "session", max_len=200, required=True) or ""
    code = code_of(data)
    try:
        pending = challenge_store.load(svc, handle, Challenge.MFA_SETUP)
    except AuthenticationError as error:
        raise _refused(error) from None
    if pending.purpose != "enable" or pending.user_id != actor.id:
        raise PermissionDeniedError("start the set-up again", code="challenge_expired")
    attempt = login_guard.before(svc, actor.email, ip)
    try:
        svc.identity.confirm_totp(pending.access, code)
    except AuthenticationError as error:
        if error.code == "wrong_code":
            login_guard.failed(svc, attempt)
        raise _refused(error) from None
    challenge_store.drop(svc, handle)
    login_guard.succeeded(svc, attempt)
    note_status(svc, actor.id, enabled=True)
    return status(svc, actor)


def disable(svc: Services, actor: User, body: Any, *, ip: str = "") -> dict[str, Any]:
    """Password and a current code: TOTP is off. Not for an admin while admins must have it."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"password", "code"})
    password = inputs.text(data, "password", max_len=256, required=True) or ""
    code = code_of(data)
    if required(svc, actor):
        raise PermissionDeniedError("admins must keep TOTP on (Settings)", code="mfa_required")
    attempt = login_guard.before(svc, actor.email, ip)
    try:
        step = svc.identity.login(actor.email, password)
        if step.challenge == Challenge.MFA_CODE:
            step = svc.identity.respond(actor.email, step, code)
            svc.identity.disable_totp(step.access)
    except AuthenticationError as error:
        if error.code in ("unauthenticated", "wrong_code"):
            login_guard.failed(svc, attempt)
        raise _refused(error) from None
    if step.challenge:  # a temporary password: not this screen's business
        raise ValidationError("log out and in again first", code="login_incomplete")
    login_guard.succeeded(svc, attempt)
    note_status(svc, actor.id, enabled=False)
    return status(svc, actor)


def _refused(error: AuthenticationError) -> PermissionDeniedError:
    code = "wrong_password" if error.code == "unauthenticated" else error.code
    message = "the password is not right" if code == "wrong_password" else error.message
    return PermissionDeniedError(message, code=code)
