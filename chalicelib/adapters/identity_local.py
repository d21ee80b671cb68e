"""The local stack's identity provider: passwords in the Config table, tokens
signed with an RSA key kept under the data folder, shaped like Cognito's id tokens."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.adapters.jwt_verify import verify_jwt
from chalicelib.domain.errors import AuthenticationError, ValidationError
from chalicelib.services.ports import Claims, Clock, ConfigRepository, IdentityProvider

CREDENTIAL = "credential"
KEY_ID = "servit-local-1"


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

    def login(self, email: str, password: str) -> str:
        record = self._config.get(CREDENTIAL, email.strip().lower())
        # An unknown account costs the same hash work as a known one and gets the same
        # answer, so neither the time nor the text tells which accounts exist.
        stored = record.get("password_hash", "") if record else ""
        if not check_password(password, stored or self._dummy()) or record is None:
            raise AuthenticationError("wrong e-mail address or password")
        return self.issue(record["user_id"], email, list(record.get("roles", [])))

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

    def register(self, user_id: str, email: str, roles: list[str], password: str | None) -> None:
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
            "user_id": user_id,
            "email": email,
            "roles": roles,
            "password_hash": password_hash,
        }
        self._config.put(CREDENTIAL, email, record)
