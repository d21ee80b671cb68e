"""Shared fixtures: fake services, and a real DynamoDB Local for the session."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import boto3
import pytest

from chalicelib.services.context import Services
from tests.support import FrozenClock, fake_services

os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def svc(clock: FrozenClock) -> Services:
    return fake_services(clock)


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    """A real DynamoDB Local, in memory, for the whole session.

    SERVIT_TEST_DYNAMODB_ENDPOINT reuses one that is already running.
    """
    existing = os.environ.get("SERVIT_TEST_DYNAMODB_ENDPOINT")
    if existing:
        yield existing
        return
    from local import dynamodb_local

    port = free_port()
    process = dynamodb_local.start(port, None)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        dynamodb_local.stop(process)


def dynamodb_client(endpoint: str) -> object:
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")


@pytest.fixture
def dynamo_services(dynamodb_endpoint: str, clock: FrozenClock) -> Services:
    """Services on DynamoDB Local, in tables of their own (a fresh prefix per test)."""
    from chalicelib.adapters.dynamodb.tables import create_missing_tables
    from tests.support import dynamo_backed_services

    prefix = f"t{uuid.uuid4().hex[:10]}-"
    create_missing_tables(dynamodb_client(dynamodb_endpoint), prefix)
    return dynamo_backed_services(dynamodb_endpoint, prefix, clock)


@pytest.fixture(params=["memory", "dynamodb"])
def any_services(request: pytest.FixtureRequest, clock: FrozenClock) -> Services:
    """The same contract, on the in-memory fake and on real DynamoDB Local."""
    if request.param == "memory":
        return fake_services(clock)
    return request.getfixturevalue("dynamo_services")  # type: ignore[no-any-return]
