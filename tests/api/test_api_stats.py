"""GET /api/stats (issue 14): the contract's shape, CSV, who sees what, and bad requests."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.domain.statistics.figures import day_of
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.support import FrozenClock, drain_stream

FIGURES = {
    "created", "closed", "reopened", "backlog", "first_response", "resolution", "sla",
    "messages_in", "messages_out", "consultations", "one_touch",
}  # fmt: skip
DURATIONS = {"count", "median_hours", "p90_hours", "median_open_hours", "p90_open_hours"}


@pytest.fixture
def today(api: Api, svc: Services, clock: FrozenClock) -> str:
    """Tickets of three groups, counted from the stream: kt-first 2 (one closed), kt-second 1."""
    made = {}
    for user, group in (("agent1", "kt-first"), ("agent2", "kt-first"), ("agent3", "kt-second")):
        reply = api.as_user(user).post(
            "/api/tickets", {"title": f"Ärende {user}", "group_id": group, "agent_id": user}
        )
        assert reply.status == 201, reply.body
        made[user] = reply.body
    ticket_id = made["agent1"]["id"]
    closed = api.as_user("agent1").patch(f"/api/tickets/{ticket_id}", {"status": "closed"})
    assert closed.status == 200, closed.body
    drain_stream(svc)
    return day_of(clock(), "Europe/Stockholm")


def stats(api: Api, user: str, **query: str) -> Any:
    text = "&".join(f"{k}={v}" for k, v in query.items())
    return api.as_user(user).get(f"/api/stats?{text}")


def test_a_report_has_the_contract_shape_and_counts_every_bucket(api: Api, today: str) -> None:
    reply = stats(api, "admin", **{"from": today, "to": today, "bucket": "week", "by": "group"})
    assert reply.status == 200, reply.body
    body = reply.body
    assert {"from", "to", "bucket", "by", "time_zone", "totals", "series", "breakdown"} <= set(body)
    assert body["time_zone"] == "Europe/Stockholm"
    assert set(body["totals"]) == FIGURES
    assert set(body["totals"]["first_response"]) == DURATIONS == set(body["totals"]["resolution"])
    assert (body["totals"]["created"], body["totals"]["closed"]) == (3, 1)
    assert body["totals"]["backlog"] == 2
    [week] = body["series"]
    assert week["figures"]["created"] == 3
    groups = {row["key"]: row for row in body["breakdown"]}
    assert groups["kt-first"]["label"] == "Första linjen"
    assert groups["kt-first"]["figures"]["created"] == 2
    assert groups["kt-second"]["figures"]["backlog"] == 1
    assert groups["it-desk"]["figures"]["created"] == 0


def test_every_day_of_the_range_is_in_the_series(api: Api, today: str) -> None:
    start = (date.fromisoformat(today) - timedelta(days=6)).isoformat()
    body = stats(api, "dispatcher", **{"from": start, "to": today}).body
    assert body["series"][0]["period"] == start
    assert len(body["series"]) == 7
    assert [s["figures"]["created"] for s in body["series"]] == [0] * 6 + [3]
    assert body["breakdown"] == []


def test_csv_has_a_row_per_key_and_a_total_with_a_bom(api: Api, today: str) -> None:
    reply = api.as_user("admin").request(
        "GET", f"/api/stats?from={today}&to={today}&by=group&format=csv"
    )
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["Content-Disposition"] == (
        f'attachment; filename="servit-stats-{today}-{today}.csv"'
    )
    text = reply.body if isinstance(reply.body, str) else reply.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    by_key = {row["key"]: row for row in rows}
    assert by_key["total"]["created"] == "3"
    assert by_key["kt-first"]["label"] == "Första linjen"  # åäö survive
    assert by_key["kt-first"]["created"] == "2"
    assert "first_response_median_hours" in rows[0] and "sla_breaches" in rows[0]


def test_agents_see_their_own_and_their_groups_figures_only(api: Api, today: str) -> None:
    span = {"from": today, "to": today}
    own = stats(api, "agent1", **span).body
    assert own["filter"] == {"dimension": "agent", "value": "agent1"}
    assert own["totals"]["created"] == 1
    assert stats(api, "agent1", **span, group="kt-first").body["totals"]["created"] == 2
    by_agent = stats(api, "agent1", **span, by="agent").body["breakdown"]
    assert [row["key"] for row in by_agent] == ["agent1"]
    by_group = stats(api, "agent3", **span, by="group").body["breakdown"]
    assert {row["key"] for row in by_group} == {"kt-second", "it-desk"}
    assert_error(stats(api, "agent1", **span, group="kt-second"), 403)
    assert_error(stats(api, "agent1", **span, agent="agent2"), 403)
    assert_error(stats(api, "agent1", **span, by="channel"), 403)
    assert_error(stats(api, "agent1", **span, response_point="kundtjanst"), 403)
    assert stats(api, "dispatcher", **span, agent="agent2").body["totals"]["created"] == 1
    by_org = stats(api, "dispatcher", **span, organisation="org-none-yet").body
    assert by_org["filter"] == {"dimension": "organisation", "value": "org-none-yet"}
    assert by_org["totals"]["created"] == 0
    assert_error(stats(api, "agent1", **span, organisation="org-none-yet"), 403)


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-01", "to": "2026-12-31"},
        {"to": "2026-12-31"},
        {"from": "2026-12-31", "to": "2026-12-01"},
        {"from": "2020-01-01", "to": "2026-12-31"},
        {"from": "2026-12-01", "to": "2026-12-31", "bucket": "year"},
        {"from": "2026-12-01", "to": "2026-12-31", "by": "colour"},
        {"from": "2026-12-01", "to": "2026-12-31", "group": "kt-first", "agent": "agent1"},
        {"from": "2026-12-01", "to": "2026-12-31", "group": "kt-first", "by": "agent"},
    ],
)
def test_bad_requests_are_400_with_json(api: Api, query: dict[str, str], today: str) -> None:
    assert_error(stats(api, "admin", **query), 400)
