"""Triggers on the TicketEvents stream under moto (S7): the change written by the real
DynamoDB repository, read back from the table's stream and handed to the consumer's Lambda
twice — one alarm, one history record, the priority set once — and the DynamoDB requests a
firing costs (docs/performance.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

import app
from chalicelib import bootstrap
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.domain.organisation import User
from chalicelib.services import tickets
from chalicelib.services.context import Services
from chalicelib.services.triggers import admin
from tests.integration.test_ticket_event_stream import DynamoCalls, stream_records
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk

REGION = "eu-north-1"
PREFIX = "servit-moto-"


@pytest.fixture
def svc() -> Iterator[Services]:
    with mock_aws():
        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        services = dynamo_backed_services(None, PREFIX, FrozenClock())  # type: ignore[arg-type]
        services.sms = RecordingSmsSender()
        bootstrap.use(services)
        try:
            yield services
        finally:
            bootstrap.use(None)


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


def test_a_firing_on_the_stream_alarms_once_and_records_why_in_one_transaction(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a trigger that texts the on-call phone and raises the priority on "avbrott"
    admin.save_trigger(svc, people["admin"], None, {
        "id": "avbrott", "name": "Avbrott", "when": ["ticket_created"],
        "conditions": {"keywords": ["avbrott"]},
        "actions": [{"type": "sms", "to": ["+46701234567"]},
                    {"type": "set_priority", "priority": "high"}],
    }, create=True)  # fmt: skip
    ticket = tickets.create_ticket(svc, people["agent1"], {"title": "Avbrott i Lund"})
    records = stream_records()

    # When the change reaches the Lambda, and is delivered again
    calls = DynamoCalls(monkeypatch)
    with Client(app.app) as client:
        first = client.lambda_.invoke("ticket_events", {"Records": records})
        after_first = dict(calls.calls)
        again = client.lambda_.invoke("ticket_events", {"Records": records})
    redelivery = dict(calls.calls - Counter(after_first))

    # Then one text went out, the priority is high, and the history holds one record
    assert first.payload == again.payload == {"batchItemFailures": []}
    assert [m.to for m in svc.sms.sent] == ["+46701234567"]  # type: ignore[union-attr]
    stored = svc.tickets.get(ticket.id)
    assert stored.priority.value == "high"
    fired = [e for e in svc.tickets.events(ticket.id) if e.type == "trigger_fired"]
    assert len(fired) == 1 and fired[0].data["on"] == "ticket_created"
    # DynamoDB requests of the first delivery: the triggers (Query on Config), the ticket
    # (GetItem) for the conditions; then for the firing the key (GetItem on Lookups), the
    # response point (GetItem on Config: the alarm's language), the count's claim (PutItem)
    # and the hourly counter (UpdateItem), the SMS's claim (PutItem), the priority's SLA
    # targets (GetItem on Config: settings), and the record with the new priority and the
    # key in one TransactWriteItems (on the ticket as first read). In AWS the Config cache
    # holds the triggers, the response point and the settings. A redelivery: the triggers,
    # the ticket and the key, found: nothing more.
    # Statistics (issue 14), per delivery: the history (Query), the ticket, its ledger and the
    # settings (GetItems); the first delivery's transaction counts the new ticket.
    stats = {"Query": 1, "GetItem": 3}
    # Search index (issue 15), per delivery: the ticket and its card's manifest (GetItems);
    # the first delivery writes the title's words and the manifest (two BatchWriteItems),
    # the redelivery finds them unchanged and writes nothing.
    search = {"GetItem": 2}
    assert after_first == {
        "Query": 1 + stats["Query"], "GetItem": 4 + stats["GetItem"] + search["GetItem"],
        "PutItem": 2, "UpdateItem": 1, "TransactWriteItems": 1 + 1, "BatchWriteItem": 2,
    }  # fmt: skip
    assert redelivery == {"Query": 1 + stats["Query"],
                          "GetItem": 2 + stats["GetItem"] + search["GetItem"]}  # fmt: skip
