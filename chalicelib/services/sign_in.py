"""Log in step by step: the password, then whatever must be met before a token is handed
out (a TOTP code, a new password, the TOTP set-up an admin must do).

Every step is throttled as a login is (login_guard, per account and per client address):
a wrong password or code counts as a failure, and only a complete login forgets them —
a right password alone does not, or it would buy four more guesses at the code each time.
Until the last step the client holds only a handle to the login's server-side state
(challenge_store); the id token leaves the server with the last answer, never before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import AuthenticationError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.passwords import check_new_password
from chalicelib.services import auth, challenge_store, inputs, login_guard, mfa
from chalicelib.services.challenge_store import Pending
from chalicelib.services.context import Services
from chalicelib.services.ports import Challenge, SignInStep

ANSWERABLE = (Challenge.MFA_CODE, Challenge.NEW_PASSWORD, Challenge.MFA_SETUP)


@dataclass(frozen=True)
class Outcome:
    """A login's answer: the token and user, or the next challenge and its handle."""

    token: str = ""
    user: User | None = None
    challenge: str = ""
    session: str = ""  # challenge_store's handle, not the provider's session
    secret: str = ""  # MFA_SETUP: the TOTP secret to type in ...
    uri: str = ""  # ... or its otpauth:// URI


def login(svc: Services, body: Any, *, ip: str = "") -> Outcome:
    """Throttled per account and per client address (login_guard): 429 while locked."""
    data = inputs.require_object(body)
    email = (inputs.text(data, "email", max_len=254, required=True) or "").strip().lower()
    password = inputs.text(data, "password", max_len=256, required=True) or ""
    attempt = login_guard.before(svc, email, ip)
    try:
        step = svc.identity.login(email, password)
    except AuthenticationError:
        login_guard.failed(svc, attempt)
        raise
    return _next(svc, attempt, Pending(email=email, challenge=""), step)


def answer(svc: Services, body: Any, *, ip: str = "") -> Outcome:
    """Answer the challenge a login (or an earlier answer) gave: the next one, or the token."""
    data = inputs.require_object(body)
    inputs.only_keys(data, {"challenge", "session", "code", "new_password"})
    challenge = inputs.text(data, "challenge", max_len=40, required=True) or ""
    handle = inputs.text(data, "session", max_len=200, required=True) or ""
    if challenge not in ANSWERABLE:
        raise ValidationError(f"challenge must be one of {list(ANSWERABLE)}")
    # Checked before a try is counted: a weak password or a typo is not a guess.
    reply = (
        check_new_password(data.get("new_password"))
        if challenge == Challenge.NEW_PASSWORD
        else mfa.code_of(data)
    )
    pending = challenge_store.load(svc, handle, challenge)
    if pending.purpose != "login":
        raise AuthenticationError("this login has ended; start again", code="challenge_expired")
    attempt = login_guard.before(svc, pending.email, ip)
    try:
        step = _respond(svc, pending, reply)
    except AuthenticationError as error:
        if error.code == "wrong_code":
            login_guard.failed(svc, attempt)  # the same handle may try again, throttled
        else:
            challenge_store.drop(svc, handle)
        raise
    challenge_store.drop(svc, handle)
    met = pending.mfa_met or challenge in (Challenge.MFA_CODE, Challenge.MFA_SETUP)
    return _next(svc, attempt, Pending(email=pending.email, challenge="", mfa_met=met), step)


def _respond(svc: Services, pending: Pending, reply: str) -> SignInStep:
    if pending.challenge == Challenge.MFA_SETUP:
        svc.identity.confirm_totp(pending.access, reply)
        return SignInStep(user_id=pending.user_id, token=pending.token, access=pending.access)
    asked = SignInStep(
        user_id=pending.user_id, challenge=pending.challenge, session=pending.session
    )
    return svc.identity.respond(pending.email, asked, reply)


def _next(
    svc: Services, attempt: login_guard.Attempt, so_far: Pending, step: SignInStep
) -> Outcome:
    if step.challenge:
        pending = Pending(
            email=so_far.email,
            challenge=step.challenge,
            user_id=step.user_id,
            session=step.session,
            mfa_met=so_far.mfa_met,
        )
        return Outcome(challenge=step.challenge, session=challenge_store.save(svc, pending))
    user = auth.actor_from_token(svc, step.token)
    # Cognito asks every user who has TOTP on for a code: a login without one says it is off.
    mfa.note_status(svc, user.id, enabled=so_far.mfa_met)
    if not so_far.mfa_met and mfa.required(svc, user):
        secret = svc.identity.begin_totp(step.access)
        pending = Pending(
            email=so_far.email,
            challenge=Challenge.MFA_SETUP,
            user_id=user.id,
            token=step.token,
            access=step.access,
        )
        return Outcome(
            challenge=Challenge.MFA_SETUP,
            session=challenge_store.save(svc, pending),
            secret=secret,
            uri=mfa.otpauth_uri(user.email, secret),
        )
    login_guard.succeeded(svc, attempt)
    return Outcome(token=step.token, user=user)
