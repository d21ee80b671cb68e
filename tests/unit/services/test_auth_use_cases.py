"""Logging in and the caller's own profile."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import AuthenticationError, BadRequestError, ValidationError
from chalicelib.domain.organisation import Language, Role, User
from chalicelib.services import auth, directory
from chalicelib.services.context import Services
from tests.support import PASSWORD, logged_in


def test_login_gives_a_token_that_speaks_for_the_user_with_their_roles(
    svc: Services, people: dict[str, User]
) -> None:
    token, user = logged_in(svc, {"email": " Dispatcher@Example.com ", "password": PASSWORD})

    acting = auth.actor_from_token(svc, token)
    assert user.id == acting.id == "dispatcher"
    assert acting.roles == [Role.DISPATCHER]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"email": "agent1@example.com", "password": "wrong"}, AuthenticationError),
        ({"email": "ghost@example.com", "password": PASSWORD}, AuthenticationError),
        ({"email": "agent1@example.com"}, ValidationError),
        ({"email": 1, "password": PASSWORD}, BadRequestError),
        ("agent1@example.com", BadRequestError),
    ],
    ids=["wrong-password", "unknown-user", "no-password", "email-number", "not-object"],
)
def test_bad_credentials_get_no_token(
    svc: Services, people: dict[str, User], body: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        logged_in(svc, body)


def test_a_user_sets_their_language_and_view(svc: Services, people: dict[str, User]) -> None:
    updated = auth.update_me(svc, people["agent1"], {"language": "en", "view": "pro"})

    stored = directory.user(svc, "agent1")
    assert (updated.language, updated.view) == (Language.EN, "pro")
    assert (stored.language, stored.view, stored.groups) == (Language.EN, "pro", ["kt-first"])


@pytest.mark.parametrize(
    "body",
    [{"language": "de"}, {"view": "wide"}, {"roles": ["admin"]}, {"groups": ["kt-second"]}],
    ids=["language", "view", "roles", "groups"],
)
def test_a_user_cannot_set_bad_preferences_or_their_own_rights(
    svc: Services, people: dict[str, User], body: dict[str, Any]
) -> None:
    before = svc.config.get(directory.USER, "agent1")

    with pytest.raises(ValidationError):
        auth.update_me(svc, people["agent1"], body)

    assert svc.config.get(directory.USER, "agent1") == before
