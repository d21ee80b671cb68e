"""The statistics screen (issue 14, S9/S11) against the running stack: tickets made here, in a
response point and two groups only this file uses, are answered, closed and reopened through
the API; once the stream has counted them, the screen (sv and en, axe clean) and its CSV show
exactly what this test recounts itself from the tickets' histories (GET /api/tickets/{id})."""

from __future__ import annotations

import csv
import io
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

SUFFIX = uuid.uuid4().hex[:6]
RP = f"stat-{SUFFIX}"
GROUP_A, GROUP_B = f"stat-{SUFFIX}-a", f"stat-{SUFFIX}-b"
TEMPLATE = f"stat-{SUFFIX}"
OPEN = {"new", "open", "with_contact", "with_external", "dormant", "dormant_until"}
NBSP = "\u00a0"


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def recount(histories: list[dict[str, Any]], zone: str, first: str, last: str) -> dict[str, Any]:
    """The figures of tickets in [first, last] (days in ``zone``), from their histories alone."""

    def within(at: str) -> bool:
        return first <= _at(at).astimezone(ZoneInfo(zone)).date().isoformat() <= last

    n = {"created": 0, "closed": 0, "reopened": 0, "backlog": 0, "resolved": 0, "one_touch": 0,
         "fr_total": 0, "fr_met": 0, "res_total": 0, "res_met": 0, "out": 0}  # fmt: skip
    first_response_hours: list[float] = []
    for ticket in histories:
        events = ticket["events"]
        created = _at(next(e["at"] for e in events if e["type"] == "created"))
        status, replies, answered, fr_due, res_due = "new", 0, False, None, None
        for e in events:
            kind, data = e["type"], e["data"]
            if kind == "created":
                n["created"] += within(e["at"])
                status = data.get("status") or "new"
            elif kind == "sla_set":
                fr_due, res_due = data.get("first_response_due"), data.get("resolution_due")
            elif kind == "message_out":  # e-mails out, automatic ones too; only replies answer
                n["out"] += within(e["at"]) and (data.get("channel") or "email") == "email"
                if data.get("automatic"):
                    continue
                replies += 1
                if not answered and within(e["at"]):
                    first_response_hours.append((_at(e["at"]) - created).total_seconds() / 3600)
                    if fr_due:
                        n["fr_total"] += 1
                        n["fr_met"] += _at(e["at"]) <= _at(fr_due)
                answered = True
            elif kind in ("status_changed", "reopened"):
                new = (data.get("to") or "open") if kind == "status_changed" else "open"
                if kind == "reopened":
                    n["reopened"] += within(e["at"])
                if status in OPEN and new in ("resolved", "closed") and within(e["at"]):
                    n["closed"] += 1
                    n["resolved"] += 1
                    n["one_touch"] += replies == 1
                    if res_due:
                        n["res_total"] += 1
                        n["res_met"] += _at(e["at"]) <= _at(res_due)
                status = new
        n["backlog"] += status in OPEN  # every ticket here was made in the range: open at its end
    n["fr_median"] = statistics.median_low(first_response_hours) if first_response_hours else None
    n["fr_count"] = len(first_response_hours)
    return n


def _sv_number(value: float | int, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def _share(part: int, whole: int, lang: str) -> str:
    if not whole:
        return "–"
    text = f"{round(100 * part / whole, 1):g}"
    return text.replace(".", ",") + f"{NBSP}%" if lang == "sv" else f"{text}%"


def _hours(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return _sv_number(value, 1) if lang == "sv" else f"{value:,.1f}"


@pytest.fixture(scope="module")
def made(api_as: Callable[[str], ApiClient]) -> dict[str, Any]:
    """A response point with two groups and an SLA template, five tickets worked on in
    different ways, and the report once the stream has counted them all."""
    admin = api_as("admin")
    admin.call("POST", "/api/admin/response-points", {
        "id": RP, "name": f"Punkt {SUFFIX}", "emails": [f"{RP}@servit.example"], "language": "sv",
        "visibility_level": "all", "auto_acknowledge": False,
    })  # fmt: skip
    for group, name in ((GROUP_A, "Grupp A"), (GROUP_B, "Grupp B")):
        admin.call(
            "POST",
            "/api/admin/groups",
            {"id": group, "name": f"{name} {SUFFIX}", "response_point_id": RP},
        )
    admin.call("POST", "/api/admin/templates", {
        "id": TEMPLATE, "title": "Med SLA", "response_point_id": RP,
        "sla": {"first_response": {"medium": 240}, "resolution": {"medium": 2880}},
    })  # fmt: skip

    def ticket(group: str, n: int, *, template: bool) -> str:
        body = {"title": f"Stats {SUFFIX} {n}", "response_point_id": RP, "group_id": group,
                "contact": {"name": f"Kund {n}", "email": f"stat-{SUFFIX}-{n}@example.se"}}  # fmt: skip
        return str(
            admin.call(
                "POST", "/api/tickets", {**body, **({"template_id": TEMPLATE} if template else {})}
            )["id"]
        )

    def reply(tid: str) -> None:
        admin.call("POST", f"/api/tickets/{tid}/replies", {"text": "Hej! Vi tittar på det."})

    def close(tid: str) -> None:
        admin.call("PATCH", f"/api/tickets/{tid}", {"status": "closed"})

    a1, a2, a3 = (ticket(GROUP_A, n, template=n != 3) for n in (1, 2, 3))
    b1, b2 = ticket(GROUP_B, 4, template=True), ticket(GROUP_B, 5, template=False)
    reply(a1), close(a1)  # one reply, closed: one-touch
    reply(a2)  # answered, still open
    close(b1)  # closed unanswered
    reply(b2), reply(b2), close(b2)  # two replies, closed ...
    admin.call(
        "POST", f"/api/tickets/{b2}/reopen", {"reason": "Kunden hörde av sig igen"}
    )  # ... and reopened
    ids = {GROUP_A: [a1, a2, a3], GROUP_B: [b1, b2]}
    histories = {g: [admin.call("GET", f"/api/tickets/{t}") for t in ts] for g, ts in ids.items()}
    everything = [*histories[GROUP_A], *histories[GROUP_B]]

    # The stream counts in the background: wait until the API has counted every ticket.
    zone = admin.call("GET", "/api/admin/settings")["time_zone"] or "Europe/Stockholm"
    today = datetime.now(ZoneInfo(zone)).date().isoformat()
    first = min(
        _at(h["created_at"]).astimezone(ZoneInfo(zone)).date().isoformat() for h in everything
    )
    path = f"/api/stats?from={first}&to={today}&bucket=day&response_point={RP}"
    expected = recount(everything, zone, first, today)
    deadline = time.monotonic() + 60
    # Every figure the tests compare: tickets sit on several stream shards, which the
    # consumer reads one after another, so the totals can be whole before a first response.
    wanted = {k: expected[k] for k in ("created", "closed", "reopened", "backlog")}
    wanted |= {"fr_count": expected["fr_count"], "fr_total": expected["fr_total"],
               "res_total": expected["res_total"], "resolved": expected["resolved"]}  # fmt: skip
    while True:
        report = admin.call("GET", path)
        totals = report["totals"]
        got = {k: totals[k] for k in ("created", "closed", "reopened", "backlog")}
        got |= {"fr_count": totals["first_response"]["count"],
                "fr_total": totals["sla"]["first_response_total"],
                "res_total": totals["sla"]["resolution_total"],
                "resolved": totals["one_touch"]["resolved"]}  # fmt: skip
        if got == wanted or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    groups = admin.call("GET", f"/api/stats?from={first}&to={today}&bucket=week&by=group")
    return {
        "histories": histories, "everything": everything, "zone": zone, "first": first,
        "today": today, "report": report, "groups": groups,
    }  # fmt: skip


def test_the_recount_is_what_the_api_reports(made: dict[str, Any]) -> None:
    """The API's side of the check (the screen's follows): totals and each group."""
    zone, first, today = made["zone"], made["first"], made["today"]
    report = made["report"]
    expected = recount(made["everything"], zone, first, today)
    assert expected["created"] == 5 and expected["closed"] == 3 and expected["reopened"] == 1
    totals = report["totals"]
    assert {k: totals[k] for k in ("created", "closed", "reopened", "backlog")} == {
        k: expected[k] for k in ("created", "closed", "reopened", "backlog")}  # fmt: skip
    assert (
        totals["first_response"]["count"] == expected["fr_count"] == 3
    )  # a1, a2, b2 (not b2's 2nd)
    assert totals["sla"]["first_response_total"] == expected["fr_total"] == 2
    assert totals["sla"]["first_response_met"] == expected["fr_met"]
    assert (totals["sla"]["resolution_met"], totals["sla"]["resolution_total"]) == (
        expected["res_met"],
        expected["res_total"],
    )
    assert (totals["one_touch"]["one_touch"], totals["one_touch"]["resolved"]) == (
        expected["one_touch"],
        expected["resolved"],
    )
    for group in (GROUP_A, GROUP_B):
        row = next(r for r in made["groups"]["breakdown"] if r["key"] == group)
        mine = recount(made["histories"][group], zone, first, today)
        assert {k: row["figures"][k] for k in ("created", "closed", "reopened", "backlog")} == {
            k: mine[k] for k in ("created", "closed", "reopened", "backlog")}  # fmt: skip


def _headline(page: Any) -> dict[str, str]:
    ids = ("created", "closed", "backlog", "first-response", "resolution-compliance", "one-touch")
    return {i: page.get_by_test_id(f"stats-{i}").inner_text() for i in ids}


def _expected_headline(n: dict[str, Any], lang: str) -> dict[str, str]:
    count = (lambda v: _sv_number(v)) if lang == "sv" else (lambda v: f"{v:,}")
    return {
        "created": count(n["created"]), "closed": count(n["closed"]), "backlog": count(n["backlog"]),
        "first-response": _hours(n["fr_median"], lang),
        "resolution-compliance": _share(n["res_met"], n["res_total"], lang),
        "one-touch": _share(n["one_touch"], n["resolved"], lang),
    }  # fmt: skip


def _breakdown(page: Any) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for row in page.get_by_test_id("stats-breakdown").locator("tr[data-key]").all():
        cells = {
            c.get_attribute("data-col"): c.inner_text() for c in row.locator("td[data-col]").all()
        }
        rows[row.get_attribute("data-key") or ""] = cells
    return rows


COUNTS = ("created", "closed", "reopened", "backlog")


def _csv_rows(page: Any) -> dict[str, dict[str, str]]:
    """Download the screen's CSV; its rows by key (the last one is "total")."""
    with page.expect_download() as info:
        page.get_by_test_id("stats-csv").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    return {row["key"]: row for row in csv.DictReader(io.StringIO(text))}


def test_a_response_points_figures_from_its_settings_page_in_swedish(
    sessions: Callable[..., Session], made: dict[str, Any]
) -> None:
    zone, first, today = made["zone"], made["first"], made["today"]
    expected = recount(made["everything"], zone, first, today)
    s = sessions("admin", lang="sv")
    page = s.goto("admin/response-points", fresh=True)
    page.reload()
    page.get_by_role("link", name=f"Statistik för Punkt {SUFFIX}").click()
    expect(page.get_by_role("heading", name="Statistik", exact=True)).to_be_visible()
    assert f"response_point={RP}" in page.url
    expect(page.get_by_label("Avgränsa till")).to_have_value("response_point")
    expect(page.get_by_label("Vilken")).to_have_value(RP)
    expect(page.get_by_test_id("stats-created")).to_have_text(_sv_number(expected["created"]))
    assert _headline(page) == _expected_headline(expected, "sv")

    # The chart's table has today's new and closed tickets (the last 30 days, per day)
    page.get_by_test_id("chart-flow").locator("summary").click()
    day = recount(made["everything"], zone, today, today)
    today_row = page.get_by_test_id("chart-table-flow").locator(f"tr:has(time[datetime='{today}'])")
    assert today_row.locator("td").all_inner_texts() == [str(day["created"]), str(day["closed"])]
    expect(page.locator(".stats-plot canvas")).to_have_count(3)  # drawn too
    page.locator("details.stats-all summary").click()
    figures = page.get_by_test_id("stats-all")
    assert figures.locator("tr[data-figure='reopened'] td").inner_text() == str(
        expected["reopened"]
    )
    assert figures.locator("tr[data-figure='messages_out.email'] td").inner_text() == str(
        expected["out"]
    )
    s.shot("statistics-response-point-sv")
    assert _serious(page) == []

    # The CSV is the same query: the response point's totals
    total = _csv_rows(page)["total"]
    assert {k: int(total[k]) for k in COUNTS} == {k: expected[k] for k in COUNTS}
    assert int(total["one_touch_one_touch"]) == expected["one_touch"]
    assert not [
        c for c in s.console if c.startswith("pageerror") or "Content Security Policy" in c
    ], s.console


def test_groups_side_by_side_then_one_group_in_english(
    sessions: Callable[..., Session], made: dict[str, Any]
) -> None:
    zone, first, today = made["zone"], made["first"], made["today"]
    mine = {g: recount(made["histories"][g], zone, first, today) for g in (GROUP_A, GROUP_B)}
    s = sessions("admin", lang="en")
    page = s.goto(f"stats?from={first}&to={today}&bucket=week&by=group", fresh=True)
    expect(page.get_by_role("heading", name="Statistics", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Statistics", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="By group")).to_be_visible()
    rows = _breakdown(page)
    for group in (GROUP_A, GROUP_B):
        assert {k: rows[group][k] for k in COUNTS} == {k: str(mine[group][k]) for k in COUNTS}, (
            group
        )
        assert rows[group]["one_touch"] == _share(
            mine[group]["one_touch"], mine[group]["resolved"], "en"
        )
    label = page.get_by_test_id("stats-breakdown").locator(f"tr[data-key='{GROUP_A}'] th")
    assert label.inner_text() == f"Grupp A {SUFFIX}"

    # The CSV has the same rows
    csv_rows = _csv_rows(page)
    for group in (GROUP_A, GROUP_B):
        assert {k: int(csv_rows[group][k]) for k in COUNTS} == {k: mine[group][k] for k in COUNTS}

    # A column header sorts the table
    page.get_by_role("button", name="Closed", exact=True).click()
    expect(page.get_by_role("columnheader", name="Closed", exact=True)).to_have_attribute(
        "aria-sort", "descending"
    )
    order = [
        r.get_attribute("data-key")
        for r in page.get_by_test_id("stats-breakdown").locator("tbody tr").all()
    ]
    assert order.index(GROUP_B) < order.index(GROUP_A)  # 2 closed before 1

    # Limited to one group: that group's figures, the breakdown kept (a filter's own dimension)
    page.get_by_label("Limit to").select_option("group")
    page.get_by_label("Which").select_option(GROUP_B)
    expect(page).to_have_url(
        f"{s.url}/#/stats?from={first}&to={today}&bucket=week&by=group&group={GROUP_B}"
    )
    expect(page.get_by_test_id("stats-closed")).to_have_text(str(mine[GROUP_B]["closed"]))
    assert _headline(page) == _expected_headline(mine[GROUP_B], "en")
    assert set(_breakdown(page)) == {GROUP_B, ""}
    for d in page.locator("details").all():
        d.locator("summary").click()
    s.shot("statistics-groups-en")
    assert _serious(page) == []
    assert not [
        c for c in s.console if c.startswith("pageerror") or "Content Security Policy" in c
    ], s.console


def test_an_agent_sees_their_own_figures_and_not_another_response_points(
    sessions: Callable[..., Session], made: dict[str, Any]
) -> None:
    s = sessions("agent1", lang="en")
    page = s.goto("stats", fresh=True)
    expect(page.get_by_test_id("stats-headline")).to_be_visible()
    expect(page.get_by_label("Limit to").locator("option:checked")).to_have_text("My own figures")
    expect(page.get_by_label("Break down by").locator("option")).to_have_text(
        ["No breakdown", "Agent", "Group"]
    )
    page = s.goto(f"stats?response_point={RP}", fresh=True)
    expect(page.get_by_test_id("stats-forbidden")).to_be_visible()
    expect(page.get_by_test_id("stats-headline")).to_have_count(0)
    assert _serious(page) == []
    assert not [c for c in s.console if c.startswith("pageerror")], s.console
