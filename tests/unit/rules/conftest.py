"""Template and rule fixtures: the seeded helpdesk of tests.support on in-memory fakes."""

from __future__ import annotations

import pytest

from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.support import seed_helpdesk


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    """admin, dispatcher, agent1, agent2 (kt-first), agent3 (kt-second, it-desk)."""
    return seed_helpdesk(svc)
