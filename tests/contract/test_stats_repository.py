"""One contract for the statistics counters (issue 14), on the in-memory fake, DynamoDB
Local and moto: deltas add up per day, the ledger guards a change counted twice, a day
range is read in order across pages, and a rebuild replaces everything."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.dynamodb.models import bind
from chalicelib.adapters.dynamodb.stats import DynamoStatsRepository
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.adapters.memory_stats import InMemoryStatsRepository
from chalicelib.domain.errors import ConflictError
from chalicelib.services.ports import StatsRepository
from tests.conftest import dynamodb_client


@pytest.fixture(params=["memory", "dynamodb", "moto"])
def store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[StatsRepository]:
    if request.param == "memory":
        yield InMemoryStatsRepository()
        return
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    if request.param == "dynamodb":
        endpoint = request.getfixturevalue("dynamodb_endpoint")
        create_missing_tables(dynamodb_client(endpoint), prefix)
        bind(prefix, endpoint, "eu-north-1")
        yield DynamoStatsRepository()
        return
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        create_missing_tables(boto3.client("dynamodb", region_name="eu-north-1"), prefix)
        bind(prefix, None, "eu-north-1")
        yield DynamoStatsRepository()


def test_deltas_add_up_per_day_and_the_ledger_moves_on(store: StatsRepository) -> None:
    first = {("group", "kt-first", "2026-11-02"): {"created": 1, "backlog": 1, "in_email": 2}}
    store.apply("t1", first, first, 0)
    assert store.ledger("t1") == (first, 1)
    later = {("group", "kt-first", "2026-11-02"): {"created": 1, "backlog": 1, "in_email": 2},
             ("group", "kt-first", "2026-11-05"): {"closed": 1, "backlog": -1}}  # fmt: skip
    delta = {("group", "kt-first", "2026-11-05"): {"closed": 1, "backlog": -1}}
    store.apply("t1", delta, later, 1)
    other = {("group", "kt-first", "2026-11-02"): {"created": 1, "res_12": 1}}
    store.apply("t2", other, other, 0)
    days = store.days("group", "kt-first", "2026-01-01", "2026-11-30")
    assert days == [
        ("2026-11-02", {"created": 2, "backlog": 1, "in_email": 2, "res_12": 1}),
        ("2026-11-05", {"closed": 1, "backlog": -1}),
    ]
    assert store.days("group", "kt-first", "2026-01-01", "2026-11-04") == days[:1]
    assert store.days("group", "kt-second", "2026-01-01", "2026-11-30") == []
    assert store.days("group", "kt-first", "2026-11-03", "2026-11-30") == days[1:]
    # Tickets open when a range begins: the deltas of the days before it.
    assert store.backlog_before("group", "kt-first", "2026-11-02") == 0
    assert store.backlog_before("group", "kt-first", "2026-11-03") == 1
    assert store.backlog_before("group", "kt-first", "2026-12-01") == 0


def test_a_stale_ledger_version_writes_nothing(store: StatsRepository) -> None:
    once = {("all", "all", "2026-11-02"): {"created": 1}}
    store.apply("t1", once, once, 0)
    with pytest.raises(ConflictError):
        store.apply("t1", once, once, 0)  # the same change, counted by a second consumer
    assert store.days("all", "all", "2026-11-02", "2026-11-02") == [("2026-11-02", {"created": 1})]


def test_a_delta_larger_than_a_transaction_is_counted_whole(store: StatsRepository) -> None:
    big = {("agent", "agent1", f"2026-{m:02d}-{d:02d}"): {"created": 1}
           for m in range(1, 13) for d in range(1, 21)}  # fmt: skip
    store.apply("t1", big, big, 0)
    days = store.days("agent", "agent1", "2026-01-01", "2026-12-31")
    assert len(days) == 240 and all(c == {"created": 1} for _, c in days)
    ledger, version = store.ledger("t1")
    assert ledger == big and version >= 1
    store.apply("t1", {}, big, version)  # nothing new: the ledger alone
    assert store.ledger("t1")[1] == version + 1


def test_a_rebuild_replaces_counters_and_ledgers(store: StatsRepository) -> None:
    wrong = {
        ("all", "all", "2026-11-02"): {"created": 5},
        ("group", "gone", "2026-11-02"): {"created": 1},
    }
    store.apply("t1", wrong, wrong, 0)
    right = {("all", "all", "2026-11-02"): {"created": 1}}
    store.replace_all(right, {"t1": right})
    assert store.days("all", "all", "2026-01-01", "2026-11-30") == [("2026-11-02", {"created": 1})]
    assert store.days("group", "gone", "2026-01-01", "2026-11-30") == []
    assert store.ledger("t1")[0] == right
