"""API fixtures: the Chalice app on in-memory fakes, driven by chalice.test.Client.

``api`` speaks HTTP to the app; ``api.as_user("agent1")`` logs in through
POST /api/auth/login and returns a client that sends that user's Bearer token;
``login(email)`` gives just the token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from chalice.test import Client

import app
from chalicelib import bootstrap
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.api.apiclient import Api
from tests.support import seed_helpdesk


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


@pytest.fixture
def api(svc: Services, people: dict[str, User]) -> Iterator[Api]:
    bootstrap.use(svc)
    try:
        with Client(app.app) as client:
            client_api = Api(client.http)
            # Log everyone in before a test moves the clock: tokens are stamped with the
            # frozen clock, and PyJWT refuses an "iat" later than the real time.
            for user in people.values():
                client_api.login(user.email)
            yield client_api
    finally:
        bootstrap.use(None)


@pytest.fixture
def login(api: Api) -> Callable[[str], str]:
    """login("agent1@example.com") -> a Bearer token got through POST /api/auth/login."""
    return api.login
