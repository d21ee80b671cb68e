"""Live lists (issue 15) under moto: connections kept in the Live table by the $connect
handler, a stream batch's changes pushed through API Gateway's management API (moto keeps
what each connection was sent) to exactly the users who may see each ticket, gone
connections dropped, and only Queries on the way (never a Scan)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.client
import pytest
from botocore.stub import Stubber
from chalice.test import Client
from moto import mock_aws
from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
from moto.core import DEFAULT_ACCOUNT_ID

import app
from chalicelib import bootstrap
from chalicelib.adapters.dynamodb.live import DynamoLiveConnections
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.adapters.live_apigw import ApiGatewayPusher
from chalicelib.domain.organisation import User
from chalicelib.services import assignment, tickets
from chalicelib.services.context import Services
from chalicelib.services.live.ports import LiveChannel
from tests.integration.test_ticket_event_stream import stream_records
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk

REGION = "eu-north-1"
PREFIX = "servit-moto-"
ENDPOINT = "https://abc123.execute-api.eu-north-1.amazonaws.com/api"


@pytest.fixture
def svc() -> Iterator[Services]:
    with mock_aws():
        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        services = dynamo_backed_services(None, PREFIX, FrozenClock())  # type: ignore[arg-type]
        services.live = LiveChannel(
            DynamoLiveConnections(), ApiGatewayPusher(ENDPOINT, REGION), url="wss://x/api"
        )
        bootstrap.use(services)
        try:
            yield services
        finally:
            bootstrap.use(None)


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


def connect(client: Client, svc: Services, user: User, connection_id: str) -> Any:
    token = svc.identity.issue(user.id, user.email, [str(r) for r in user.roles])  # type: ignore[attr-defined]
    event = {
        "requestContext": {"routeKey": "$connect", "eventType": "CONNECT",
                           "connectionId": connection_id, "apiId": "abc123", "stage": "api",
                           "domainName": "abc123.execute-api.eu-north-1.amazonaws.com"},
        "headers": {"Sec-WebSocket-Protocol": f"servit, bearer.{token}"},
        "isBase64Encoded": False,
    }  # fmt: skip
    return client.lambda_.invoke("websocket_connect", event).payload


def received() -> dict[str, list[dict[str, Any]]]:
    """What moto's management API holds per connection: the notices, decoded."""
    backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID][REGION]
    out = {}
    for connection_id, connection in backend.connections.items():
        text = connection.data.decode()
        out[connection_id] = [json.loads("{" + part) for part in text.split("{")[1:]]
    return out


class Calls:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        real = botocore.client.BaseClient._make_api_call
        calls = self.calls

        def counting(client: Any, operation: str, params: dict[str, Any]) -> Any:
            calls[f"{client.meta.service_model.service_name}.{operation}"] += 1
            return real(client, operation, params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)


def test_a_change_reaches_the_agent_the_group_and_dispatchers_but_not_another_group(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given agent1 (group kt-first), agent3 (other groups) and the dispatcher connected
    with Client(app.app) as client:
        for user, connection_id in (("agent1", "c-agent1"), ("agent3", "c-agent3"),
                                    ("dispatcher", "c-disp"), ("admin", "c-admin")):  # fmt: skip
            assert connect(client, svc, people[user], connection_id)["statusCode"] == 200
        # ... and a ticket made for group kt-first, then handed to agent2
        ticket = tickets.create_ticket(
            svc, people["dispatcher"], {"title": "Skrivaren", "group_id": "kt-first"}
        )
        assignment.assign_tickets(
            svc, people["dispatcher"], {"ticket_ids": [ticket.id], "agent_id": "agent2"}
        )
        records = stream_records()

        # When the stream batch reaches the consumer
        calls = Calls(monkeypatch)
        answer = client.lambda_.invoke("ticket_events", {"Records": records}).payload

    # Then the group's member, the dispatcher and the admin hear of it once, at its last
    # version; agent3 (not in kt-first) hears nothing
    assert answer == {"batchItemFailures": []}
    got = received()
    assert set(got) == {"c-agent1", "c-disp", "c-admin"}
    now = svc.tickets.get(ticket.id)
    expected = {"type": "ticket", "id": ticket.id, "version": now.version, "status": str(now.status),
                "group_id": "kt-first", "agent_id": "agent2"}  # fmt: skip
    assert got["c-agent1"] == [expected] and got["c-disp"] == [expected]
    assert "Skrivaren" not in json.dumps(got)  # no title or name in a notice
    # ... with Queries and one BatchGetItem, never a Scan
    assert calls.calls["dynamodb.Scan"] == 0
    assert calls.calls["apigatewaymanagementapi.PostToConnection"] == 3


def test_a_connection_without_a_valid_token_is_refused_and_not_kept(svc: Services) -> None:
    event = {
        "requestContext": {"routeKey": "$connect", "eventType": "CONNECT",
                           "connectionId": "c-x", "apiId": "abc123", "stage": "api",
                           "domainName": "abc123.execute-api.eu-north-1.amazonaws.com"},
        "headers": {"Sec-WebSocket-Protocol": "servit, bearer.not-a-token"},
    }  # fmt: skip
    with Client(app.app) as client:
        assert client.lambda_.invoke("websocket_connect", event).payload == {"statusCode": 401}
    assert svc.live is not None
    assert svc.live.connections.in_audiences(["all", "user#admin"]) == set()


def test_disconnect_removes_the_connection_from_every_audience(
    svc: Services, people: dict[str, User]
) -> None:
    assert svc.live is not None
    with Client(app.app) as client:
        connect(client, svc, people["dispatcher"], "c-disp")
        assert svc.live.connections.in_audiences(["group#kt-first"]) == {"c-disp"}
        event = {"requestContext": {"routeKey": "$disconnect", "eventType": "DISCONNECT",
                                    "connectionId": "c-disp", "apiId": "abc123", "stage": "api",
                                    "domainName": "abc123.execute-api.eu-north-1.amazonaws.com"}}  # fmt: skip
        client.lambda_.invoke("websocket_disconnect", event)
    assert svc.live.connections.in_audiences(["all", "group#kt-first", "user#dispatcher"]) == set()


def test_a_connection_api_gateway_calls_gone_is_dropped(
    svc: Services, people: dict[str, User]
) -> None:
    # Given the dispatcher's connection, which API Gateway answers with GoneException
    assert svc.live is not None
    with Client(app.app) as client:
        connect(client, svc, people["dispatcher"], "c-gone")
    api = boto3.client("apigatewaymanagementapi", endpoint_url=ENDPOINT, region_name=REGION)
    svc.live = LiveChannel(svc.live.connections, ApiGatewayPusher(ENDPOINT, REGION, api))
    stub = Stubber(api)
    stub.add_client_error("post_to_connection", "GoneException", http_status_code=410)
    ticket = tickets.create_ticket(svc, people["dispatcher"], {"title": "Nätet"})

    # When a change of a ticket is pushed
    from chalicelib.services.live import fanout

    with stub:
        done = fanout.push_changes(svc, [[_stored(svc, ticket.id)]])

    # Then the connection is gone from the table
    assert (done.notices, done.gone) == (0, 1)
    assert svc.live.connections.in_audiences(["all", "user#dispatcher"]) == set()


def _stored(svc: Services, ticket_id: str) -> Any:
    from chalicelib.domain.notifications import StoredEvent

    return StoredEvent(svc.tickets.events(ticket_id)[-1])
