"""One contract for live connections and read markers (issue 15): the in-memory stores,
the Live table under moto, and the Live table on DynamoDB Local."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.dynamodb.live import DynamoLiveConnections, DynamoReadMarkers
from chalicelib.adapters.dynamodb.models import bind
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.adapters.live_memory import MemoryLiveConnections, MemoryReadMarkers
from chalicelib.services.live import audience
from chalicelib.services.live.ports import LiveConnection, LiveConnections, ReadMarkers
from tests.support import FrozenClock

Stores = tuple[LiveConnections, ReadMarkers]


@pytest.fixture(params=["memory", "moto", "dynamodb"])
def stores(request: pytest.FixtureRequest, clock: FrozenClock) -> Iterator[Stores]:
    if request.param == "memory":
        yield MemoryLiveConnections(), MemoryReadMarkers()
        return
    prefix = f"l{uuid.uuid4().hex[:8]}-"
    if request.param == "moto":
        with mock_aws():
            create_missing_tables(boto3.client("dynamodb", region_name="eu-north-1"), prefix)
            bind(prefix, None, "eu-north-1")
            yield DynamoLiveConnections(), DynamoReadMarkers(clock)
        return
    endpoint = request.getfixturevalue("dynamodb_endpoint")
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
    create_missing_tables(client, prefix)
    bind(prefix, endpoint, "eu-north-1")
    yield DynamoLiveConnections(), DynamoReadMarkers(clock)


def connection(
    connection_id: str, user: str, roles: list[str], groups: list[str]
) -> LiveConnection:
    return LiveConnection(connection_id, user, audience.of_user(user, roles, groups), 1_700_000_000)


def test_connections_are_found_by_any_of_their_audiences(stores: Stores) -> None:
    connections, _ = stores
    connections.add(connection("c1", "agent1", ["agent"], ["g1"]))
    connections.add(connection("c2", "agent1", ["agent"], ["g1"]))  # a second tab
    connections.add(connection("c3", "agent2", ["agent"], ["g2"]))
    connections.add(connection("c4", "boss", ["dispatcher"], []))

    assert connections.in_audiences(["user#agent1"]) == {"c1", "c2"}
    assert connections.in_audiences(audience.of_change(None, "g2", [])) == {"c3", "c4"}
    assert connections.in_audiences(["group#nobody"]) == set()


def test_a_removed_connection_is_gone_from_every_audience_and_removing_twice_is_harmless(
    stores: Stores,
) -> None:
    connections, _ = stores
    connections.add(connection("c1", "agent1", ["agent"], ["g1", "g2"]))
    connections.remove("c1")
    connections.remove("c1")
    connections.remove("never-there")
    assert connections.in_audiences(["user#agent1", "group#g1", "group#g2", "all"]) == set()


def test_read_markers_keep_the_newest_version_per_user_and_ticket(stores: Stores) -> None:
    _, markers = stores
    markers.seen("agent1", "T1", 5)
    markers.seen("agent1", "T1", 3)  # an older tab's opening does not move it back
    markers.seen("agent1", "T2", 1)
    markers.seen("agent2", "T1", 9)

    assert markers.versions("agent1", ["T1", "T2", "T3"]) == {"T1": 5, "T2": 1}
    assert markers.versions("agent2", ["T1"]) == {"T1": 9}
    assert markers.versions("agent1", []) == {}
