"""`make bench`: ServIT's figures, printed and written to docs/performance.md.

Starts its own DynamoDB Local in memory on a free port, so it never touches
the local stack's data. Figures only: nothing here passes or fails on time.
"""

from __future__ import annotations

import os
import platform
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for _name, _value in (
    ("AWS_ACCESS_KEY_ID", "local"),
    ("AWS_SECRET_ACCESS_KEY", "local"),
    ("AWS_DEFAULT_REGION", "eu-north-1"),
):
    os.environ.setdefault(_name, _value)

import boto3  # noqa: E402

from bench import importtime, workloads  # noqa: E402
from bench.counting import Usage  # noqa: E402
from bench.workloads import Timing, dollars  # noqa: E402
from chalicelib.adapters.dynamodb.tables import create_missing_tables  # noqa: E402
from local import dynamodb_local  # noqa: E402

OUTPUT = ROOT / "docs" / "performance.md"
OPEN_TICKETS = 1_000
CALLS = 200
WARMUP = 10
CLOSED_STEPS = (1_000, 50_000)  # closed tickets in the table at each inbox measurement
if "--quick" in sys.argv:  # a smoke run of the bench itself; its figures mean little
    OPEN_TICKETS, CALLS, WARMUP, CLOSED_STEPS = 200, 20, 2, (100, 1_000)


@dataclass(frozen=True)
class Load:
    what: str
    count: int
    seconds: float
    usage: Usage


@dataclass(frozen=True)
class DynamoFigures:
    populate: Load
    use_cases: list[Timing]
    closed: list[tuple[Load, Timing]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed_load(
    desk: workloads.Helpdesk,
    what: str,
    count: int,
    load: Callable[[workloads.Helpdesk, int], None],
) -> Load:
    before = desk.counter.usage()
    started = time.perf_counter()
    load(desk, count)
    seconds = time.perf_counter() - started
    print(f"  {what}: {count:,} in {seconds:.1f} s ({count / seconds:,.0f}/s)", flush=True)
    return Load(what, count, seconds, desk.counter.usage().minus(before))


def run_dynamo(endpoint: str) -> DynamoFigures:
    prefix = f"bench{uuid.uuid4().hex[:6]}-"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
    create_missing_tables(client, prefix)
    desk = workloads.open_helpdesk(endpoint, prefix)
    populate = timed_load(
        desk, "open tickets via create_ticket", OPEN_TICKETS, workloads.create_open_tickets
    )
    use_cases = []
    # Order matters: pick-next claims tickets that add-note and get-ticket then use;
    # create runs last so that the others see exactly OPEN_TICKETS tickets.
    for workload in (
        workloads.pick_next,
        workloads.add_note,
        workloads.get_ticket,
        workloads.inbox_page,
        workloads.create_ticket,
    ):
        timing = workload(desk, CALLS, WARMUP)
        print(f"  {timing.name}: p50 {timing.p50_ms:.1f} ms", flush=True)
        use_cases.append(timing)
    closed = []
    loaded = 0
    for target in CLOSED_STEPS:
        load = timed_load(
            desk, "closed tickets via batch_write", target - loaded, workloads.load_closed_tickets
        )
        loaded = target
        timing = workloads.inbox_page(desk, CALLS, WARMUP, name=f"list inbox, {target:,} closed")
        print(f"  {timing.name}: p50 {timing.p50_ms:.1f} ms", flush=True)
        closed.append((load, timing))
    return DynamoFigures(populate, use_cases, closed)


# --- the report -------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "dynamodb_local": dynamodb_local.find_jar().parent.name,
    }


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def operations(timing: Timing) -> str:
    by_op: dict[str, list[tuple[str, int]]] = {}
    for key, count in sorted(timing.usage.requests.items()):
        op, _, table = key.partition(" ")
        by_op.setdefault(op, []).append((table, count))
    parts = []
    for op, tables in by_op.items():
        total = timing.per_call(sum(c for _, c in tables))
        where = ", ".join(f"{t} {number(timing.per_call(c))}" for t, c in tables)
        parts.append(f"{op} {number(total)} ({where})")
    return "; ".join(parts)


def requests(timing: Timing) -> str:
    mean = number(timing.per_call(timing.usage.total_requests))
    if timing.fewest_requests == timing.most_requests:
        return mean
    return f"{mean} ({timing.fewest_requests}–{timing.most_requests})"


def use_case_row(t: Timing) -> str:
    u = t.usage
    return (
        f"| {t.name} | {t.p50_ms:.1f} | {t.p99_ms:.1f} | {requests(t)} | {operations(t)} "
        f"| {number(t.per_call(u.read_units))} | {number(t.per_call(u.write_units))} "
        f"({number(t.per_call(u.index_write_units))}) | {dollars(u) / t.calls * 1000:.6f} |"
    )


def render(figures: DynamoFigures, imports: list[importtime.ImportTimes], took: float) -> str:
    m = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    create = next(t for t in figures.use_cases if t.name.startswith("create"))
    per_ticket = dollars(create.usage) / create.calls
    pop = figures.populate
    out = [
        "# Performance",
        "",
        "Figures from `make bench` (`.venv/bin/python bench/run.py`), to compare between runs",
        "and designs; they are not targets and nothing passes or fails on them. Rerun with",
        "`make bench`; it rewrites this file.",
        "",
        f"- Measured: {now}, in {took:.0f} s",
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} RAM",
        f"- Python {m['python']}; DynamoDB Local {m['dynamodb_local']}, in memory",
        "",
        "Each use case is called through its service function, the same code path as the API",
        "minus HTTP, against a real DynamoDB Local the bench starts on a free port. Not",
        "included: the API's authentication, which reads the actor's user record (one more",
        "Config GetItem) on every request.",
        "",
        f"- **p50/p99 ms**: wall time of one call, nearest rank over {CALLS} calls after",
        f"  {WARMUP} unmeasured warm-up calls. DynamoDB Local on the same machine is not",
        "  DynamoDB on AWS: use these to compare, not to predict production latency.",
        "- **requests/call**: DynamoDB API calls per use-case call, counted with a botocore",
        "  `before-call` hook on every model's client (min–max shown when calls differ).",
        "  The breakdown gives each operation and the table(s) it touched.",
        "- **RRU, WRU**: consumed capacity as DynamoDB Local reports it (the bench asks",
        "  `ReturnConsumedCapacity: INDEXES`); WRU includes the secondary-index writes, shown",
        "  in brackets (every index holding the item is rewritten, as all project ALL).",
        "  Transactional writes count double, index writes inside them too as DynamoDB Local",
        "  counts them. It reports 0 for a Query that finds nothing, where AWS may bill a",
        "  minimum. Treat the units as DynamoDB Local's estimate, not an AWS bill.",
        "- **$**: on-demand us-east-1 list prices, $0.625 per million WRU and $0.125 per",
        "  million RRU (docs research, aws-costs-and-limits.md); eu-north-1 differs a little.",
        "",
        f"## DynamoDB requests, latency and cost per use case ({OPEN_TICKETS:,} tickets)",
        "",
        "Setup: the test helpdesk (2 response points, 3 groups, 5 users),",
        f"{workloads.CONTACTS} contacts and {pop.count:,} open tickets made with `create_ticket`",
        f"({pop.seconds:.1f} s, {pop.count / pop.seconds:,.0f}/s).",
        "Actor: agent1 (group kt-first, response point level own_groups).",
        "Pick-next claims tickets from kt-first's pool; add-note and get-ticket use those",
        "tickets (history: creation, pick, note); the inbox is `group:kt-first`;",
        "create names the response point, group, type and an existing contact by e-mail.",
        "",
        "| Use case | p50 ms | p99 ms | requests/call | by operation and table, per call "
        "| RRU/call | WRU/call (on indexes) | $ per 1,000 calls |",
        "|---|--:|--:|--:|---|--:|--:|--:|",
        *[use_case_row(t) for t in figures.use_cases],
        "",
        f"**Per 1,000 tickets created: ${per_ticket * 1000:.4f}** "
        f"({number(create.per_call(create.usage.write_units))} WRU and "
        f"{number(create.per_call(create.usage.read_units))} RRU per ticket).",
        "",
        "## Inbox page with closed tickets in the table",
        "",
        "Closed tickets are written straight to the Tickets table with pynamodb's",
        "`batch_write` (no history, no lookups) and carry no inbox keys, so the sparse inbox",
        "index never sees them: the inbox page should stay flat.",
        "",
        "| Closed tickets in table | loaded in | load rate | WRU per loaded ticket "
        "| inbox p50 ms | p99 ms | requests/call | RRU/call |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for (load, t), total in zip(figures.closed, CLOSED_STEPS, strict=True):
        out.append(
            f"| {total:,} | {load.seconds:.1f} s ({load.count:,} new) "
            f"| {load.count / load.seconds:,.0f}/s | {number(load.usage.write_units / load.count)} "
            f"| {t.p50_ms:.1f} | {t.p99_ms:.1f} | {requests(t)} "
            f"| {number(t.per_call(t.usage.read_units))} |"
        )
    out += [
        "",
        "## Import time of app.py (Lambda cold start)",
        "",
        '`python -X importtime -c "import app"`: the cumulative time of the top-level `app`',
        "line (the interpreter's own start-up imports excluded), median of "
        f"{imports[0].runs} runs,",
        "and the five modules with the most self time (median), with their cumulative time.",
        "",
        "| Bytecode | import app, median ms | all runs ms | five slowest: self ms (cumulative) |",
        "|---|--:|---|---|",
    ]
    for it in imports:
        slow = "; ".join(f"`{mod}` {s:.1f} ({c:.1f})" for mod, s, c in it.slowest)
        runs = ", ".join(f"{v:.0f}" for v in it.all_ms)
        out.append(f"| {it.mode} | {it.median_ms:.1f} | {runs} | {slow} |")
    return "\n".join(out) + "\n"


def main() -> None:
    started = time.perf_counter()
    print("import time of app.py ...", flush=True)
    imports = importtime.measure_both()
    port = free_port()
    print(f"DynamoDB Local on port {port} ...", flush=True)
    process = dynamodb_local.start(port, None)
    try:
        figures = run_dynamo(f"http://127.0.0.1:{port}")
    finally:
        dynamodb_local.stop(process)
    text = render(figures, imports, time.perf_counter() - started)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text)
    print()
    print(text)
    print(f"written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
