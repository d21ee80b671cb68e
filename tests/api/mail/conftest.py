"""Mail and portal routes on in-memory fakes, driven by chalice.test.Client.

Fixtures of their own (``helpdesk``, ``web``) so that they do not depend on the
general API fixtures beside them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from chalice.test import Client

import app
from chalicelib import bootstrap
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.support import PASSWORD, seed_helpdesk


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8")


@dataclass
class Web:
    """HTTP to the app: ``web.as_user("admin").get(...)`` sends that user's Bearer token."""

    http: Any = field(repr=False)
    tokens: dict[str, str] = field(default_factory=dict, repr=False)
    user: str | None = None

    def as_user(self, user_id: str) -> Web:
        return Web(self.http, self.tokens, user_id)

    def anonymous(self) -> Web:
        return Web(self.http, self.tokens, None)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {"Content-Type": "application/json"}
        if self.user:
            sent["Authorization"] = f"Bearer {self.tokens[self.user]}"
        sent.update(headers or {})
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        response = self.http.request(method, path, headers=sent, body=payload)
        body_bytes = response.body if isinstance(response.body, bytes) else response.body.encode()
        return Answer(response.status_code, dict(response.headers), body_bytes)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def download(self, path: str) -> Answer:
        """Binary answers need an Accept header that allows them (API Gateway's rule)."""
        return self.request("GET", path, headers={"Accept": "*/*"})

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.request("PUT", path, body, **kwargs)


@pytest.fixture
def helpdesk(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


@pytest.fixture
def web(svc: Services, helpdesk: dict[str, User]) -> Iterator[Web]:
    bootstrap.use(svc)
    try:
        with Client(app.app) as client:
            web = Web(client.http)
            # Everyone logs in before a test moves the clock (tokens carry the frozen time).
            for user in helpdesk.values():
                answer = web.post("/api/auth/login", {"email": user.email, "password": PASSWORD})
                assert answer.status == 200, answer.raw
                web.tokens[user.id] = answer.json["token"]
            yield web
    finally:
        bootstrap.use(None)
