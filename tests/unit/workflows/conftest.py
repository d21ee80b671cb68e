"""Workflow fixtures: the seeded helpdesk on in-memory fakes, with the recording engine."""

from __future__ import annotations

import pytest

from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.support import seed_helpdesk


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


@pytest.fixture
def engine(svc: Services) -> RecordingWorkflows:
    assert isinstance(svc.workflows, RecordingWorkflows)
    return svc.workflows
