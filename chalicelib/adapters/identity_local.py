"""The local stack's identity provider: passwords in the Config table, tokens
signed with an RSA key kept under the data folder, shaped like Cognito's id tokens.

It asks what Cognito asks: a new password when the last one was temporary, a TOTP code
(pyotp, RFC 6238: 30-second steps, 6 digits, one step of drift either way, each code good
once) when the user has set TOTP up. Its challenge sessions and access tokens are short
JWTs under the same key with their own audiences, so neither passes as an id token. The
TOTP secret sits in the credential record: this is the local stack, not AWS, where Cognito
keeps it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
import pyotp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.adapters.jwt_verify import verify_jwt
from chalicelib.domain.errors import AuthenticationError, ValidationError
from chalicelib.domain.passwords import check_new_password
from chalicelib.services.ports import (
    Challenge,
    Claims,
    Clock,
    ConfigRepository,
    IdentityProvider,
    SignInStep,
)

CREDENTIAL = "credential"
KEY_ID = "servit-local-1"
SESSION_TTL = timedelta(minutes=10)  # a challenge session, as Cognito's at most (3-15 min)
ACCESS_TTL = timedelta(minutes=15)  # what the TOTP set-up may take


def generate_private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_or_create_key(path: str) -> bytes:
    if os.path.exists(path):
        with open(path, "rb") as handle:
            return handle.read()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    pem = generate_private_key_pem()
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(pem)
    return pem


def hash_password(password: str, *, salt: bytes | None = None, rounds: int = 120_000) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds)
    return f"pbkdf2_sha256${rounds}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, rounds, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hash_password(password, salt=bytes.fromhex(salt), rounds=int(rounds))
    return hmac.compare_digest(candidate.split("$")[3], digest)


class LocalIdentity(IdentityProvider):
    def __init__(
        self,
        config: ConfigRepository,
        private_key_pem: bytes,
        *,
        clock: Clock,
        issuer: str = "servit-local",
        audience: str = "servit-web",
        ttl: timedelta = timedelta(hours=8),
        hash_rounds: int = 120_000,
    ) -> None:
        self._config = config
        self._key = serialization.load_pem_private_key(private_key_pem, password=None)
        self._clock = clock
        self.issuer = issuer
        self.audience = audience
        self._ttl = ttl
        self._rounds = hash_rounds
        self._dummy_hash: str | None = None

    def jwks(self) -> dict[str, Any]:
        public = self._key.public_key()
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))  # type: ignore[arg-type]
        return {"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}

    def login(self, email: str, password: str) -> SignInStep:
        record = self._config.get(CREDENTIAL, email.strip().lower())
        # An unknown account costs the same hash work as a known one and gets the same
        # answer, so neither the time nor the text tells which accounts exist.
        stored = record.get("password_hash", "") if record else ""
        if not check_password(password, stored or self._dummy()) or record is None:
            raise AuthenticationError("wrong e-mail address or password")
        if record.get("must_change_password"):
            return self._challenge(record, Challenge.NEW_PASSWORD)
        return self._after_password(record)

    def _after_password(self, record: dict[str, Any]) -> SignInStep:
        if record.get("totp_secret"):
            return self._challenge(record, Challenge.MFA_CODE)
        return self._done(record)

    def respond(self, email: str, step: SignInStep, answer: str) -> SignInStep:
        record = self._record(self._open(step.session, "challenge", step.challenge))
        if record.get("email") != email.strip().lower():
            raise AuthenticationError(
                "this session is not for this login", code="challenge_expired"
            )
        if step.challenge == Challenge.NEW_PASSWORD:
            password_hash = hash_password(check_new_password(answer), rounds=self._rounds)
            record = {**record, "password_hash": password_hash, "must_change_password": False}
            self._config.put(CREDENTIAL, record["email"], record)
            return self._after_password(record)
        if step.challenge == Challenge.MFA_CODE:
            self._check_code(record, "totp_secret", answer)
            return self._done(record)
        raise AuthenticationError(f"no such challenge: {step.challenge}", code="challenge_expired")

    def begin_totp(self, access: str) -> str:
        record = self._record(self._open(access, "access"))
        secret = pyotp.random_base32()
        self._config.put(CREDENTIAL, record["email"], {**record, "totp_pending": secret})
        return secret

    def confirm_totp(self, access: str, code: str) -> None:
        record = self._record(self._open(access, "access"))
        if not record.get("totp_pending"):
            raise AuthenticationError("start the TOTP set-up first", code="challenge_expired")
        record = self._check_code(record, "totp_pending", code)
        secret = record.pop("totp_pending")
        self._config.put(CREDENTIAL, record["email"], {**record, "totp_secret": secret})

    def disable_totp(self, access: str) -> None:
        record = self._record(self._open(access, "access"))
        for key in ("totp_secret", "totp_pending", "totp_last_step"):
            record.pop(key, None)
        self._config.put(CREDENTIAL, record["email"], record)

    def _check_code(self, record: dict[str, Any], field: str, code: str) -> dict[str, Any]:
        """A code of the current 30-second step or the one either side, never one whose step
        has been used already (a code seen over a shoulder does not log in twice)."""
        totp = pyotp.TOTP(record[field])
        now = self._clock()
        last = int(record.get("totp_last_step") or 0)
        step = totp.timecode(now)
        for drift in (0, -1, 1):
            if step + drift > last and hmac.compare_digest(
                totp.at(now, counter_offset=drift), (code or "").strip()
            ):
                record = {**record, "totp_last_step": step + drift}
                self._config.put(CREDENTIAL, record["email"], record)
                return record
        raise AuthenticationError("the code is not right; try the one now shown", code="wrong_code")

    def _record(self, payload: dict[str, Any]) -> dict[str, Any]:
        record = self._config.get(CREDENTIAL, str(payload.get("email", "")))
        if record is None or record.get("user_id") != payload.get("sub"):
            raise AuthenticationError("this login has ended; start again", code="challenge_expired")
        return record

    def _challenge(self, record: dict[str, Any], challenge: str) -> SignInStep:
        session = self._sign(record, "challenge", SESSION_TTL, chl=challenge)
        return SignInStep(user_id=record["user_id"], challenge=challenge, session=session)

    def _done(self, record: dict[str, Any]) -> SignInStep:
        token = self.issue(record["user_id"], record["email"], list(record.get("roles", [])))
        access = self._sign(record, "access", ACCESS_TTL)
        return SignInStep(user_id=record["user_id"], token=token, access=access)

    def _sign(self, record: dict[str, Any], use: str, ttl: timedelta, **extra: str) -> str:
        now = self._clock()
        claims = {
            "sub": record["user_id"],
            "email": record["email"],
            "token_use": use,
            "iss": self.issuer,
            "aud": f"{self.audience}:{use}",
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            **extra,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": KEY_ID})  # type: ignore[arg-type]

    def _open(self, token: str, use: str, challenge: str | None = None) -> dict[str, Any]:
        """One of our own session or access tokens; expiry on the injected clock."""
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                self._key.public_key(),  # type: ignore[union-attr,arg-type]
                algorithms=["RS256"],
                audience=f"{self.audience}:{use}",
                issuer=self.issuer,
                options={"verify_exp": False, "verify_iat": False, "require": ["exp"]},
            )
        except jwt.PyJWTError:
            raise AuthenticationError(
                "this login has ended; start again", code="challenge_expired"
            ) from None
        expired = payload["exp"] <= self._clock().timestamp()
        if expired or payload.get("token_use") != use or payload.get("chl") != challenge:
            raise AuthenticationError("this login has ended; start again", code="challenge_expired")
        return payload

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = hash_password(uuid.uuid4().hex, rounds=self._rounds)
        return self._dummy_hash

    def issue(
        self, user_id: str, email: str, roles: list[str], *, now: datetime | None = None
    ) -> str:
        now = now or self._clock()
        claims = {
            "sub": user_id,
            "cognito:username": user_id,
            "cognito:groups": roles,
            "email": email,
            "token_use": "id",
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
            "jti": uuid.uuid4().hex,  # what a logout revokes
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": KEY_ID})  # type: ignore[arg-type]

    def verify(self, token: str) -> Claims:
        return verify_jwt(token, self.jwks(), issuer=self.issuer, audience=self.audience)

    def register(
        self,
        user_id: str,
        email: str,
        roles: list[str],
        password: str | None,
        *,
        temporary: bool = False,
    ) -> None:
        email = email.strip().lower()
        previous = next(
            (r for r in self._config.list(CREDENTIAL) if r.get("user_id") == user_id), None
        )
        password_hash = hash_password(password, rounds=self._rounds) if password else None
        if password_hash is None:
            if previous is None:
                raise ValidationError("this user has no login yet: give a password")
            password_hash = previous["password_hash"]
        if previous and previous.get("email") != email:
            self._config.delete(CREDENTIAL, previous["email"])
        record = {
            **(previous or {}),  # TOTP stays set up through a change of address or roles
            "user_id": user_id,
            "email": email,
            "roles": roles,
            "password_hash": password_hash,
        }
        if password:
            record["must_change_password"] = temporary
        self._config.put(CREDENTIAL, email, record)
