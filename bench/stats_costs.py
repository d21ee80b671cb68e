"""What a statistics report costs (issue 14), measured: counters for 100,000 tickets over a
year written to the Stats table on DynamoDB Local, then ``GET /api/stats``'s use case
(services/statistics/report.py) over that year by day, week and month, and broken down by
group, with its DynamoDB requests counted (bench/counting.py) and timed.

Run alone: ``.venv/bin/python -m bench.stats_costs`` (starts its own DynamoDB Local);
``make bench`` runs it too and writes the table to docs/performance.md (``<!-- stats -->``).
"""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workloads  # noqa: E402
from bench.counting import Usage  # noqa: E402
from chalicelib.adapters.dynamodb.tables import create_missing_tables  # noqa: E402
from chalicelib.domain.organisation import Group  # noqa: E402
from chalicelib.domain.records import to_record  # noqa: E402
from chalicelib.domain.statistics.figures import NONE_KEY, histogram_key  # noqa: E402
from chalicelib.domain.statistics.history import Key  # noqa: E402
from chalicelib.domain.statuses import Channel, Priority  # noqa: E402
from chalicelib.services import directory  # noqa: E402
from chalicelib.services.statistics import report  # noqa: E402
from local import dynamodb_local  # noqa: E402

TICKETS = 100_000
YEAR = 2025
GROUPS = 10  # kt-first, kt-second, it-desk and g04..g10
TYPES = ("incident", "question", "order", "complaint", "other")
TEMPLATES = tuple(f"tpl{n}" for n in range(8))


@dataclass(frozen=True)
class StatsCost:
    name: str
    usage: Usage
    seconds: float
    series: int
    breakdown: int

    def ops(self) -> str:
        found = self.usage.by_operation()
        return ", ".join(f"{op} {n}" for op, n in sorted(found.items())) or "none"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def synthetic_counters(groups: list[str], agents: list[str]) -> dict[Key, dict[str, int]]:
    """A year of 100,000 tickets: created evenly over the year, each answered within hours
    and closed within days (the last ones still open), across groups, agents, channels,
    priorities, types and templates; what the stream would have counted, day by day."""
    start = date(YEAR, 1, 1)
    out: dict[Key, dict[str, int]] = {}
    channels = [c.value for c in Channel]
    priorities = [p.value for p in Priority]

    def count(dims: dict[str, str], day: date, key: str, n: int = 1) -> None:
        for dim, value in [("all", "all"), *dims.items()]:
            counters = out.setdefault((dim, value, day.isoformat()), {})
            counters[key] = counters.get(key, 0) + n

    for i in range(TICKETS):
        dims = {
            "response_point": "kundtjanst" if i % 3 else "it-support",
            "group": groups[i % len(groups)],
            "agent": agents[(i // 7) % len(agents)],
            "channel": channels[i % len(channels)],
            "priority": priorities[i % len(priorities)],
            "ticket_type": TYPES[i % len(TYPES)],
            "template": TEMPLATES[i % len(TEMPLATES)] if i % 4 else NONE_KEY,
        }
        created = start + timedelta(days=i * 365 // TICKETS)
        count(dims, created, "created")
        count(dims, created, "backlog")
        count(dims, created, f"in_{dims['channel']}")
        first = 300 + (i * 7919) % (3600 * 8)
        count(dims, created, "fr_n")
        count(dims, created, histogram_key("fr", first))
        count(dims, created, histogram_key("fro", first * 0.6))
        count(dims, created, f"out_{dims['channel']}")
        count(dims, created, "sla_fr_total")
        if first < 4 * 3600:
            count(dims, created, "sla_fr_met")
        closed = created + timedelta(days=i % 6)
        if closed.year != YEAR:
            continue
        took = (closed - created).total_seconds() + first + 3600
        count(dims, closed, "closed")
        count(dims, closed, "backlog", -1)
        count(dims, closed, "res_n")
        count(dims, closed, histogram_key("res", took))
        count(dims, closed, histogram_key("reso", took * 0.3))
        count(dims, closed, "sla_res_total")
        if i % 6 < 4:
            count(dims, closed, "sla_res_met")
        else:
            count(dims, closed, "breaches")
        if i % 3 == 0:
            count(dims, closed, "one_touch")
    return out


def run(desk: workloads.Helpdesk) -> tuple[list[StatsCost], int, float]:
    svc = desk.svc
    assert svc.stats is not None
    for n in range(4, GROUPS + 1):
        group = Group(f"g{n:02d}", f"Grupp {n}", "kundtjanst")
        svc.config.put(directory.GROUP, group.id, to_record(group))
    groups = sorted(g.id for g in directory.groups(svc))
    agents = sorted(u.id for u in directory.users(svc))
    counters = synthetic_counters(groups, agents)
    started = time.perf_counter()
    svc.stats.replace_all(counters, {})
    filled = time.perf_counter() - started
    admin = desk.users["admin"]
    year = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
    cases = [
        ("a year by day", {**year, "bucket": "day"}),
        ("a year by week", {**year, "bucket": "week"}),
        ("a year by month", {**year, "bucket": "month"}),
        ("a year by month, by group", {**year, "bucket": "month", "by": "group"}),
        ("a year by week, one group", {**year, "bucket": "week", "group": "kt-first"}),
        ("a month by day, by agent", {"from": f"{YEAR}-11-01", "to": f"{YEAR}-11-30",
                                      "by": "agent"}),
    ]  # fmt: skip
    costs = []
    for name, query in cases:
        report.report(svc, admin, query)  # warm: imports, the config cache
        before = desk.counter.usage()
        started = time.perf_counter()
        found = report.report(svc, admin, query)
        took = time.perf_counter() - started
        costs.append(StatsCost(name, desk.counter.usage().minus(before), took,
                               len(found["series"]), len(found["breakdown"])))  # fmt: skip
        if name == "a year by day" and found["totals"]["created"] != TICKETS:
            raise RuntimeError(f"the year counts {found['totals']['created']} tickets")
    return costs, len(counters), filled


def table(costs: list[StatsCost]) -> list[str]:
    lines = [
        "| report | buckets | breakdown keys | DynamoDB requests | by operation | read units "
        "| time (ms) |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for c in costs:
        lines.append(
            f"| {c.name} | {c.series} | {c.breakdown} | {c.usage.total_requests} | {c.ops()} "
            f"| {c.usage.read_units:.1f} | {c.seconds * 1000:.0f} |"
        )
    return lines


def section(costs: list[StatsCost], items: int, filled: float) -> str:
    return "\n".join([
        "<!-- stats -->",
        "## Statistics: requests per report (issue 14)",
        "",
        f"Measured by `bench/stats_costs.py` (`make bench`) on {datetime.now():%Y-%m-%d}:",
        f"counters for {TICKETS:,} tickets created over {YEAR} ({items:,} day items of",
        f"{GROUPS} groups, {len(TYPES)} types, {len(TEMPLATES)} templates, every channel,",
        f"priority and agent; written in {filled:.0f} s) in the Stats table on DynamoDB Local,",
        "then the report's use case (`services/statistics/report.py`, what `GET /api/stats`",
        "runs) warm. A report is two Queries per dimension value it shows (the totals' and",
        "each breakdown key's): the range's days, and the days before it projected to their",
        "backlog delta (tickets open when it begins); paginated at 1 MB, so the count grows",
        "with the days and the breakdown keys, never with the tickets. No Scan. Times are",
        "DynamoDB Local's (its reads, and parsing ~470 KB a value-year), not AWS figures.",
        "",
        *table(costs),
        "<!-- /stats -->",
    ])  # fmt: skip


def main() -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "bench")
    port = _free_port()
    process = dynamodb_local.start(port, None)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        prefix = f"st{uuid.uuid4().hex[:6]}-"
        create_missing_tables(
            boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1"), prefix
        )
        with tempfile.TemporaryDirectory() as data_dir:
            desk = workloads.open_helpdesk(endpoint, prefix, data_dir)
            text = section(*run(desk))
    finally:
        dynamodb_local.stop(process)
    print(text)
    write(text)


def write(text: str) -> None:
    output = ROOT / "docs" / "performance.md"
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    found = re.search(r"<!-- stats -->.*?<!-- /stats -->", current, re.S)
    if found:
        current = current[: found.start()] + text + current[found.end() :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(current, encoding="utf-8")
    print(f"written to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
