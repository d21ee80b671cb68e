"""Trigger fixtures: the seeded helpdesk of tests.support on in-memory fakes, with a
recording SMS sender."""

from __future__ import annotations

import pytest

from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.support import seed_helpdesk


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


@pytest.fixture
def texts(svc: Services) -> RecordingSmsSender:
    svc.sms = RecordingSmsSender()
    return svc.sms
