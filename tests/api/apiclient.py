"""An HTTP client for API tests, over chalice.test.Client, and the error-shape check."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.support import PASSWORD

_NO_BODY = object()


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def error(self) -> str | None:
        return self.body.get("error") if isinstance(self.body, dict) else None


@dataclass
class Api:
    http: Any = field(repr=False)
    token: str | None = field(default=None, repr=False)
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)

    def request(
        self,
        method: str,
        path: str,
        body: Any = _NO_BODY,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json"}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        sent.update(headers or {})
        if raw is None:
            raw = b"" if body is _NO_BODY else json.dumps(body).encode()
        response = self.http.request(method, path, headers=sent, body=raw)
        try:
            parsed = json.loads(response.body) if response.body else None
        except ValueError:
            parsed = response.body
        return Reply(response.status_code, parsed, dict(response.headers))

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = _NO_BODY, **kwargs: Any) -> Reply:
        return self.request("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = _NO_BODY, **kwargs: Any) -> Reply:
        return self.request("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = _NO_BODY, **kwargs: Any) -> Reply:
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", path, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> str:
        """A Bearer token for the user, got through the login route."""
        if email not in self._tokens:
            reply = Api(self.http).post("/api/auth/login", {"email": email, "password": password})
            assert reply.status == 200, reply.body
            self._tokens[email] = reply.body["token"]
        return self._tokens[email]

    def as_user(self, user_id: str) -> Api:
        return self.with_token(self.login(f"{user_id}@example.com"))

    def with_token(self, token: str | None) -> Api:
        return Api(self.http, token, self._tokens)


def assert_error(reply: Reply, status: int, code: str | None = None) -> None:
    """An error answer: the status, and the body {"error": code, "message": text}
    (some errors add a ``details`` object)."""
    assert reply.status == status, reply.body
    assert isinstance(reply.body, dict), reply.body
    assert set(reply.body) - {"details"} == {"error", "message"}, reply.body
    assert isinstance(reply.body.get("details", {}), dict), reply.body
    assert isinstance(reply.body["error"], str) and isinstance(reply.body["message"], str)
    assert reply.body["message"]
    if code is not None:
        assert reply.body["error"] == code, reply.body
