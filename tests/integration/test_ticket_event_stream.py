"""The TicketEvents stream consumer under moto: changes written by the real DynamoDB
repository, read back from the table's stream with boto3's dynamodbstreams, and handed to the
consumer's Lambda handler (through Chalice's test client) as Lambda would, twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.client
import pytest
from chalice.test import Client
from moto import mock_aws

import app
from chalicelib import bootstrap
from chalicelib.adapters.dynamodb.models import TicketEventModel
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.domain.organisation import User
from chalicelib.services import assignment, tickets
from chalicelib.services.context import Services
from local.stream_poller import lambda_shape
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk

REGION = "eu-north-1"
PREFIX = "servit-moto-"


@pytest.fixture
def svc() -> Iterator[Services]:
    with mock_aws():
        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        services = dynamo_backed_services(None, PREFIX, FrozenClock())  # type: ignore[arg-type]
        bootstrap.use(services)
        try:
            yield services
        finally:
            bootstrap.use(None)


@pytest.fixture
def people(svc: Services) -> dict[str, User]:
    return seed_helpdesk(svc)


def stream_records() -> list[dict[str, Any]]:
    """Everything on the TicketEvents stream, in Lambda's record shape."""
    table = TicketEventModel.Meta.table_name
    arn = boto3.client("dynamodb", region_name=REGION).describe_table(TableName=table)["Table"][
        "LatestStreamArn"
    ]
    # The regional endpoint: botocore would otherwise pick the account-based one from the
    # ARN, which moto does not answer.
    streams = boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com",
    )
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator, Limit=1000)
            records += [lambda_shape(r, arn) for r in answer["Records"]]
            if not answer["Records"]:
                break
            iterator = answer.get("NextShardIterator")
    return records


class DynamoCalls:
    """Counts DynamoDB API calls (operation names) while it is installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        real = botocore.client.BaseClient._make_api_call
        calls = self.calls

        def counting(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if client.meta.service_model.service_name == "dynamodb":
                calls[operation] += 1
            return real(client, operation, params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)


def test_the_stream_lambda_notifies_each_agent_once_even_when_the_batch_comes_twice(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two hand-overs and a note on one of them, written by the real repository
    first = tickets.create_ticket(svc, people["dispatcher"], {"title": "Skrivaren"})
    second = tickets.create_ticket(svc, people["dispatcher"], {"title": "Nätet"})
    assignment.assign_tickets(
        svc, people["dispatcher"], {"ticket_ids": [first.id], "agent_id": "agent2"}
    )
    assignment.assign_tickets(
        svc, people["dispatcher"], {"ticket_ids": [second.id], "agent_id": "agent1"}
    )
    tickets.add_note(svc, people["agent2"], first.id, {"text": "Ringt"})  # agent2's own doing
    records = stream_records()
    assert {r["eventName"] for r in records} == {"INSERT"} and len(records) >= 5

    # When the stream's batch reaches the Lambda, and is delivered again
    calls = DynamoCalls(monkeypatch)
    with Client(app.app) as client:
        answers = [client.lambda_.invoke("ticket_events", {"Records": records}) for _ in "12"]
    requests = dict(calls.calls)

    # Then each agent has one notice of their hand-over, and one mail
    assert [a.payload for a in answers] == [{"batchItemFailures": []}] * 2
    notices = {
        user: [(n.kind.value, n.title) for n in svc.notifications.for_user(user).items]
        for user in ("agent1", "agent2", "dispatcher")
    }
    assert notices == {
        "agent1": [("assigned", "Nätet")],
        "agent2": [("assigned", "Skrivaren")],
        "dispatcher": [],
    }
    mailed = Counter(r for m in svc.mailer.sent for r in m.recipients)  # type: ignore[attr-defined]
    assert mailed == {"agent1@example.com": 1, "agent2@example.com": 1}
    # DynamoDB requests, both deliveries together (docs/architecture.md, A12): per change
    # with someone to tell one GetItem of the ticket; per notice one conditional PutItem, one
    # GetItem of the user (Config), one GetItem of the bounce lookup and one conditional
    # UpdateItem claiming the mail. Creations and the agent's own note read nothing. Per
    # delivery one Query of the admins' triggers (S7; in AWS the Config cache holds them).
    # Statistics (issue 14, services/statistics/recording): per change that can move a
    # figure (the creations and hand-overs, not the note) one Query of the history and two
    # GetItems (ticket, ledger), per delivery one GetItem of the settings; a transaction
    # only where figures moved: each ticket's first change counts its whole history, so
    # the hand-overs and the second delivery write nothing.
    stats = {"Query": 2 * 4, "GetItem": 2 * (4 + 4 + 1), "TransactWriteItems": 2}
    # Search index (issue 15, services/search_index/indexing): per creation the ticket and
    # its card's manifest (GetItems) and, the first time only, the card's words then its
    # manifest (two BatchWriteItems; unchanged words write nothing); per note the removal
    # marker (GetItem) and its words (one BatchWriteItem, the same items again when redelivered).
    search = {"GetItem": 2 * (2 * 2 + 1), "BatchWriteItem": 2 * 2 + 1 + 1}
    assert requests == {
        "GetItem": 2 * (2 + 2 + 2) + stats["GetItem"] + search["GetItem"], "PutItem": 2 * 2,
        "UpdateItem": 2 * 2, "Query": 2 * 1 + stats["Query"],
        "TransactWriteItems": stats["TransactWriteItems"], "BatchWriteItem": search["BatchWriteItem"],
    }  # fmt: skip


def test_a_record_the_consumer_cannot_read_is_skipped_and_the_batch_goes_on(
    svc: Services, people: dict[str, User]
) -> None:
    made = tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent2"})
    (record,) = stream_records()
    broken = {**record, "dynamodb": {**record["dynamodb"], "NewImage": {"ticket_id": {"S": "x"}}}}
    removed = {**record, "eventName": "REMOVE"}
    with Client(app.app) as client:
        answer = client.lambda_.invoke("ticket_events", {"Records": [broken, removed, record]})
    assert answer.payload == {"batchItemFailures": []}
    (notice,) = svc.notifications.for_user("agent2").items
    assert (notice.kind.value, notice.number) == ("assigned", made.number)


def test_the_stream_lambda_sends_a_new_tickets_acknowledgement_once_and_records_it(
    svc: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain.events import EventType
    from chalicelib.services.mail import intake as mail_intake
    from tests.unit.mail.flows import configure_rp, mail_file, store_raw

    # Given a new ticket from a customer's mail, at a response point that acknowledges
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)
    key = store_raw(svc, mail_file("customer_request.eml"))
    entry = mail_intake.ingest(svc, key, ["kundtjanst@example.com"])
    assert svc.mailer.sent == []  # type: ignore[attr-defined]  # intake sends nothing
    records = stream_records()

    # When its change reaches the Lambda, and is delivered again
    calls = DynamoCalls(monkeypatch)
    with Client(app.app) as client:
        first = client.lambda_.invoke("ticket_events", {"Records": records})
        after_first = dict(calls.calls)
        again = client.lambda_.invoke("ticket_events", {"Records": records})
    requests = dict(calls.calls - Counter(after_first))

    # Then the customer has one acknowledgement, and the history one message_out
    assert first.payload == again.payload == {"batchItemFailures": []}
    mailed = [r for m in svc.mailer.sent for r in m.recipients]  # type: ignore[attr-defined]
    assert mailed == ["anna.andersson@kund.example.se"]
    events = svc.tickets.events(entry.ticket_id or "")
    assert [e.data["acknowledgement"] for e in events if e.type == EventType.MESSAGE_OUT] == [True]
    # DynamoDB requests (docs/architecture.md, A16). The first delivery: the claim (PutItem on
    # Lookups), the ticket, its response point (Config; cached per container in AWS), the
    # bounce lookup, the hourly counters of mailbox and domain (UpdateItem on Config), the
    # contact (language), the thread's Message-IDs (Query), and the record (one transaction);
    # and per delivery the admins' triggers (a Query on Config, S7; cached in AWS).
    # Statistics (issue 14), per delivery: the history (Query), the ticket, its ledger and
    # the settings (GetItems); the first delivery's transaction counts the new ticket.
    stats = {"Query": 1, "GetItem": 3}
    # Search index (issue 15): the ticket, its card's manifest and the removal marker
    # (GetItems); the card's words, its manifest and the mail's words (BatchWriteItems).
    search = {"GetItem": 3, "BatchWriteItem": 3}
    assert after_first == {"PutItem": 1, "GetItem": 4 + stats["GetItem"] + search["GetItem"],
                           "UpdateItem": 2, "Query": 1 + 1 + stats["Query"],
                           "TransactWriteItems": 1 + 1,
                           "BatchWriteItem": search["BatchWriteItem"]}  # fmt: skip
    # A redelivery: the claim, refused, and the triggers (none here) read again; statistics
    # find the ticket counted already and write nothing; the index reads the same three
    # items, finds the card unchanged and writes the mail's words again (the same items).
    assert requests == {"PutItem": 1, "Query": 1 + stats["Query"],
                        "GetItem": stats["GetItem"] + search["GetItem"],
                        "BatchWriteItem": 1}  # fmt: skip
