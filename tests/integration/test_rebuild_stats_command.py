"""`python -m chalicelib.ops.rebuild_stats` (issue 14): on DynamoDB (moto) it recounts the
counters from the tickets' histories and replaces whatever the Stats table held."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.dynamodb.models import bind
from chalicelib.adapters.dynamodb.tables import create_missing_tables
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.statuses import Status
from chalicelib.ops import rebuild_stats
from chalicelib.services import tickets
from chalicelib.services.context import Services
from chalicelib.services.statistics import recording
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


def test_the_command_replaces_wrong_counters_by_a_recount(
    svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    people = seed_helpdesk(svc)
    agent = people["agent1"]
    made = [tickets.create_ticket(svc, agent, {"title": f"Ärende {n}"}) for n in range(3)]
    done = svc.tickets.get(made[0].id)
    done.change_status(Status.CLOSED, agent.id, svc.clock())
    svc.tickets.save(done)
    assert svc.stats is not None
    wrong = {("all", "all", "2001-01-01"): {"created": 7}}
    svc.stats.apply("ghost", wrong, wrong, 0)  # counted from no history at all

    assert rebuild_stats.main(["--stage", "ops", "--region", REGION]) == 0
    assert "recounted 3 ticket(s) of 3" in capsys.readouterr().out
    days = dict(svc.stats.days("all", "all", "2000-01-01", "2099-12-31"))
    assert "2001-01-01" not in days
    assert sum(c.get("created", 0) for c in days.values()) == 3
    assert sum(c.get("closed", 0) for c in days.values()) == 1
    assert sum(c.get("backlog", 0) for c in days.values()) == 2
    # The ledgers are the recount's: the stream finds these tickets counted already.
    change = [StoredEvent(e) for e in svc.tickets.events(made[1].id)]
    assert recording.record_change(svc, change) == 0
