"""`python -m chalicelib.ops.search_index` (issue 15): on DynamoDB (moto) it indexes an
installation whose tickets, notes, contacts and organisations were stored before the search
index existed, and a second run finds the same."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.dynamodb.models import bind
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.ops import search_index as command
from chalicelib.services import contacts, tickets
from chalicelib.services.context import Services
from chalicelib.services.crm import organisations
from chalicelib.services.search_index import finding
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk

REGION, PREFIX = "eu-north-1", "servit-ops-"


@pytest.fixture
def svc(monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        services = dynamo_backed_services(None, PREFIX, FrozenClock())  # type: ignore[arg-type]
        bind(PREFIX, None, REGION)
        yield services


def test_the_command_indexes_what_was_stored_before_the_index(
    svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    people = seed_helpdesk(svc)
    index = svc.search_index
    svc.search_index = None  # written by a version without the index
    made = tickets.create_ticket(svc, people["agent1"], {"title": "Projektorn i aulan"})
    tickets.add_note(svc, people["agent1"], made.id, {"text": "Lampan byttes av Zebratryck"})
    contacts.create_contact(svc, {"name": "Дмитрий Соколов", "phones": ["070-555 12 34"]})
    organisations.create(svc, {"name": "Kvarnbolaget AB", "domains": ["kvarnbolaget.se"]})
    svc.search_index = index
    assert finding.search(svc, people["admin"], "zebratryck").tickets == []

    for _ in "12":
        assert command.main(["--stage", "ops", "--region", REGION]) == 0
        assert "indexed 1 ticket(s), 1 contact(s), 1 organisation(s)" in capsys.readouterr().out
        admin = people["admin"]
        assert [t.id for t in finding.search(svc, admin, "zebratryck aulan").tickets] == [made.id]
        assert [c["name"] for c in finding.search(svc, admin, "соколов").contacts] == [
            "Дмитрий Соколов"
        ]
        assert [c["name"] for c in finding.search(svc, admin, "0705551234").contacts] == [
            "Дмитрий Соколов"
        ]
        found = finding.search(svc, admin, "kvarnbolaget.se").organisations
        assert [o["name"] for o in found] == ["Kvarnbolaget AB"]
