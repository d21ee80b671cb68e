"""One contract for the top-bar search's index (issue 15), on the in-memory fake, DynamoDB
Local and moto: a word and a prefix find their entities per kind, a source replaced keeps
only its new words, a source written twice is found once, a removed entity is found by
nothing and remembers when, and results come newest first within the limit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.dynamodb.models import bind
from chalicelib.adapters.dynamodb.search_index import DynamoSearchIndex
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.adapters.memory_search_index import InMemorySearchIndex
from chalicelib.domain.search_index import CONTACT, TICKET, Term
from chalicelib.services.search_index.ports import SearchIndex
from tests.conftest import dynamodb_client


@pytest.fixture(params=["memory", "dynamodb", "moto"])
def index(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[SearchIndex]:
    if request.param == "memory":
        yield InMemorySearchIndex()
        return
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    if request.param == "dynamodb":
        endpoint = request.getfixturevalue("dynamodb_endpoint")
        create_missing_tables(dynamodb_client(endpoint), prefix)
        bind(prefix, endpoint, "eu-north-1")
        yield DynamoSearchIndex()
        return
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        create_missing_tables(boto3.client("dynamodb", region_name="eu-north-1"), prefix)
        bind(prefix, None, "eu-north-1")
        yield DynamoSearchIndex()


def word(text: str) -> Term:
    return Term(text, prefix=False)


def prefix(text: str) -> Term:
    return Term(text, prefix=True)


def test_a_word_finds_only_itself_and_a_prefix_every_word_it_starts(index: SearchIndex) -> None:
    index.add(TICKET, "01A", "ev#1", {"skrivaren", "toner"})
    index.add(TICKET, "01B", "ev#2", {"skrivare"})
    index.replace(CONTACT, "01C", "card", {"skrivare", "öberg"}, {"name": "Skrivare Öberg"})

    assert index.find(TICKET, word("skrivare"), limit=10) == ["01B"]
    assert sorted(index.find(TICKET, prefix("skriv"), limit=10)) == ["01A", "01B"]
    assert index.find(CONTACT, prefix("skriv"), limit=10) == ["01C"]
    assert index.find(CONTACT, word("öberg"), limit=10) == ["01C"]
    assert index.find(TICKET, prefix("zz"), limit=10) == []


def test_results_come_newest_id_first_within_the_limit(index: SearchIndex) -> None:
    for n in range(1, 8):
        index.add(TICKET, f"01{n}", f"ev#{n}", {"faktura"})

    assert index.find(TICKET, word("faktura"), limit=3) == ["017", "016", "015"]


def test_a_replaced_source_is_found_only_by_its_new_words(index: SearchIndex) -> None:
    index.replace(CONTACT, "01C", "card", {"anna", "ostrom"}, {"name": "Anna Öström"})
    index.replace(CONTACT, "01C", "card", {"anna", "lind"}, {"name": "Anna Lind"})

    assert index.find(CONTACT, word("ostrom"), limit=10) == []
    assert index.find(CONTACT, word("lind"), limit=10) == ["01C"]
    assert index.docs(CONTACT, ["01C", "nope"]) == {"01C": {"name": "Anna Lind"}}


def test_a_source_written_twice_is_found_once(index: SearchIndex) -> None:
    words = {f"ord{n:03d}" for n in range(60)}  # more than one batch of writes
    index.add(TICKET, "01A", "ev#1", words)
    index.add(TICKET, "01A", "ev#1", words)

    assert index.find(TICKET, prefix("ord"), limit=100) == ["01A"]
    assert index.find(TICKET, word("ord059"), limit=10) == ["01A"]


def test_a_removed_entity_is_found_by_nothing_and_remembers_when(index: SearchIndex) -> None:
    index.replace(TICKET, "01A", "card", {"skrivaren", "kaffe"}, {"number": 1})
    index.add(TICKET, "01A", "ev#1", {"kaffe", "zebrafink"})  # "kaffe" in both sources
    index.add(TICKET, "01B", "ev#2", {"kaffe"})
    assert index.removed_at(TICKET, "01A") is None

    index.remove(TICKET, "01A", at="2026-12-04T10:00:00Z")

    assert index.find(TICKET, word("kaffe"), limit=10) == ["01B"]
    assert index.find(TICKET, prefix("zeb"), limit=10) == []
    assert index.find(TICKET, word("skrivaren"), limit=10) == []
    assert index.docs(TICKET, ["01A"]) == {}
    assert index.removed_at(TICKET, "01A") == "2026-12-04T10:00:00Z"


def test_replacing_a_source_with_the_same_words_writes_nothing(index: SearchIndex) -> None:
    index.replace(CONTACT, "01C", "card", {"anna"}, {"name": "Anna"})
    assert index.replace(CONTACT, "01C", "card", {"anna"}, {"name": "Anna"}) == 0
    assert index.replace(CONTACT, "01C", "card", {"anna"}, {"name": "Anna B"}) == 1  # the doc
    assert index.docs(CONTACT, ["01C"]) == {"01C": {"name": "Anna B"}}
