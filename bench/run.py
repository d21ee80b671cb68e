"""`make bench`: ServIT's figures, printed and written to docs/performance.md.

Starts its own DynamoDB Local in memory on a free port, so it never touches
the local stack's data, and for the SMTP path a local stack of its own (free ports, a
temporary data folder). Figures only: nothing here passes or fails on time.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import socket
import sys
import tempfile
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

from bench import importtime, mail_ingest, routing_bench, smtp_path, workloads  # noqa: E402
from bench.counting import Usage  # noqa: E402
from bench.mail_ingest import MailFigures  # noqa: E402
from bench.workloads import Timing, dollars  # noqa: E402
from chalicelib.adapters.dynamodb.tables import create_missing_tables  # noqa: E402
from local import dynamodb_local  # noqa: E402

OUTPUT = ROOT / "docs" / "performance.md"
OPEN_TICKETS = 1_000
CALLS = 200
WARMUP = 10
COLD_CALLS = 50  # per use case, config cache emptied before each
CLOSED_STEPS = (1_000, 50_000)  # closed tickets in the table at each inbox measurement
MAILS = 1_000
MAIL_WARMUP = 20
MAIL_EXTRA = 30  # per row: cold container, and auto_acknowledge on
SMTP_MAILS = 300  # per run over SMTP into the local stack (one sender, then two)
if "--quick" in sys.argv:  # a smoke run of the bench itself; its figures mean little
    OPEN_TICKETS, CALLS, WARMUP, COLD_CALLS, CLOSED_STEPS = 200, 20, 2, 10, (100, 1_000)
    MAILS, MAIL_WARMUP, MAIL_EXTRA, SMTP_MAILS = 150, 5, 5, 60


@dataclass(frozen=True)
class Load:
    what: str
    count: int
    seconds: float
    usage: Usage


@dataclass(frozen=True)
class DynamoFigures:
    populate: Load
    use_cases: list[Timing]  # warm container (config cache filled), as in AWS
    cold: list[Timing]  # the same use cases, config cache emptied before each call
    closed: list[tuple[Load, Timing]]
    mail: MailFigures
    pick: routing_bench.PickFigures


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


def quiet_mail_logs() -> None:
    """Intake logs a JSON line per mail to stdout (CloudWatch in AWS): still formatted,
    but written to /dev/null so the bench's own output stays readable."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 - for the life of the process
    for name in ("servit-mail",):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(devnull)


def run_dynamo(endpoint: str, data_dir: str) -> DynamoFigures:
    prefix = f"bench{uuid.uuid4().hex[:6]}-"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
    # First, on a DynamoDB Local not yet loaded by the rest (its own tables): after 50,000
    # tickets and the mail corpus, Local's transactions under contention slow down markedly.
    pick_prefix = f"pick{uuid.uuid4().hex[:6]}-"
    create_missing_tables(client, pick_prefix)
    pick = routing_bench.pick_next(endpoint, pick_prefix, data_dir)
    print(
        f"  pick-next, {pick.agents} agents at once on {pick.tickets} tickets: "
        f"{pick.handed_out} handed out, {pick.duplicates} twice, p50 {pick.p50_ms:.1f} ms, "
        f"p99 {pick.p99_ms:.1f} ms",
        flush=True,
    )
    create_missing_tables(client, prefix)
    desk = workloads.open_helpdesk(endpoint, prefix, data_dir)
    populate = timed_load(
        desk, "open tickets via create_ticket", OPEN_TICKETS, workloads.create_open_tickets
    )
    use_cases, cold = [], []
    for case in workloads.USE_CASES:
        timing = workloads.warm(desk, case, CALLS, WARMUP)
        cold_timing = workloads.cold(desk, case, COLD_CALLS, start=WARMUP + CALLS)
        print(
            f"  {case.name}: p50 {timing.p50_ms:.1f} ms, {requests(timing)} requests; "
            f"cold container p50 {cold_timing.p50_ms:.1f} ms, {requests(cold_timing)} requests",
            flush=True,
        )
        use_cases.append(timing)
        cold.append(cold_timing)
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
    quiet_mail_logs()
    mail = mail_ingest.run(desk, data_dir, count=MAILS, warmup=MAIL_WARMUP, extra=MAIL_EXTRA)
    return DynamoFigures(populate, use_cases, cold, closed, mail, pick)


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
        "load": ", ".join(f"{v:.1f}" for v in os.getloadavg()),
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


def cold_row(t: Timing, warm: Timing) -> str:
    return f"{use_case_row(t)} {requests(warm)} |"


def mail_row(t: Timing) -> str:
    u = t.usage
    return (
        f"| {t.name} | {t.calls:,} | {t.p50_ms:.1f} | {t.p99_ms:.1f} | {requests(t)} "
        f"| {operations(t)} | {number(t.per_call(u.read_units))} "
        f"| {number(t.per_call(u.write_units))} ({number(t.per_call(u.index_write_units))}) "
        f"| {dollars(u) / t.calls * 1000:.6f} |"
    )


def mail_section(mail: MailFigures) -> list[str]:
    everything = mail.by_kind[-1]
    created = next(t for t in mail.by_outcome if t.name == mail_ingest.CREATED)
    appended = next(t for t in mail.by_outcome if t.name == mail_ingest.APPENDED)
    header = (
        "| {} | messages | p50 ms | p99 ms | requests/msg | by operation and table, per message "
        "| RRU/msg | WRU/msg (on indexes) | $ per 1,000 msgs |"
    )
    rule = "|---|--:|--:|--:|--:|---|--:|--:|--:|"
    return [
        f"## E-mail intake ({mail.count:,} messages, one process)",
        "",
        "`mail_intake.ingest(svc, raw_key, recipients)`, one message after the other, on a",
        "mixed corpus that `bench/mail_corpus.py` generates at run time with a fixed seed",
        f"({mail_ingest.SEED}), built with the app's own `mime_out` and re-encoded where real",
        "clients differ: new mails from contacts and from unknown senders (a contact is made)",
        "in Swedish, English, German, French, Russian, Japanese and Polish, in utf-8,",
        "us-ascii, iso-8859-1/-2/-15, windows-1252/-1251, koi8-r, shift_jis and iso-2022-jp",
        "(body, Subject and sender name), a quarter also as HTML; replies threading by",
        "In-Reply-To/References to mails ingested earlier, with the earlier text quoted;",
        "replies by subject tag only; out-of-office auto-replies (Auto-Submitted, the ticket's",
        "tag in the subject) and robot notifications (which open tickets); mails with 1–3",
        "attachments of 10–500 KB and HTML mails with 1–3 inline `cid:` images (each new or",
        "in a thread); and duplicate deliveries (the same bytes under another raw key).",
        "The bench checks every mail's outcome and threading rule in the mail log.",
        "",
        "- The raw mail is written to the blob store before `ingest` runs and outside the",
        "  timing, as SES writes it to S3 before the Lambda starts. The blob store is the",
        "  `LocalBlobStore` that `bootstrap.build` wires for identity `local` (a folder in a",
        "  temporary directory, S3 in AWS); attachments are written there inside `ingest`,",
        "  timed. The mailer is the `LocalOutbox` (an .eml file per sent mail).",
        "- Services as above, the config cache warm (an entry that expires during the run is",
        f"  read again); the first {mail.warmup} mails unmeasured.",
        "- **`auto_acknowledge` is off** on both response points for the corpus (the default).",
        "  The acknowledgement rows below turn it on and mail new tickets only:",
        f"  {mail.acknowledgements} acknowledgements sent for {2 * mail.extra[0].calls} tickets.",
        "- $ is DynamoDB only (as above); S3, SES receiving and Lambda are not included.",
        "",
        f"**Throughput: {mail.count / mail.seconds:,.0f} messages/s** for one process "
        f"({mail.count:,} messages, {mail.megabytes:.1f} MB,",
        f"{mail.seconds:.1f} s inside `ingest`; generating and storing the corpus took "
        f"{mail.generated_in:.1f} s more, not counted).",
        f"**Per 1,000 messages: ${dollars(everything.usage) / everything.calls * 1000:.4f}** "
        f"in DynamoDB ({number(everything.per_call(everything.usage.total_requests))} "
        "requests per message on average).",
        "",
        "### By kind of message",
        "",
        header.format("Kind"),
        rule,
        *[mail_row(t) for t in mail.by_kind],
        "",
        "### Per new ticket and per reply",
        "",
        "The corpus by outcome: "
        f"**{number(created.per_call(created.usage.total_requests))} requests per new ticket "
        f"and {number(appended.per_call(appended.usage.total_requests))} per reply** (the",
        "floor: about 4 and 3). Then, outside the corpus: "
        f"{mail.extra[0].calls} new tickets each from known and from",
        "unknown senders with `auto_acknowledge` on, and "
        f"{mail.extra[-1].calls} new tickets and {mail.extra[-1].calls} replies in a",
        "cold container (config cache emptied before each mail, acknowledgements off).",
        "",
        header.format("Outcome"),
        rule,
        *[mail_row(t) for t in mail.by_outcome + mail.extra],
    ]


def fresh_intake() -> mail_ingest.Throughput:
    """The in-process intake again, on a DynamoDB Local as fresh as the local stack's (its
    JVM has compiled little yet, with the stack's JVM flags), for a like-for-like ratio
    with the SMTP path."""
    port = free_port()
    process = dynamodb_local.start(port, None, quick_jit=True)
    try:
        with tempfile.TemporaryDirectory(prefix="servit-bench-fresh-") as data_dir:
            endpoint = f"http://127.0.0.1:{port}"
            prefix = f"fresh{uuid.uuid4().hex[:6]}-"
            create_missing_tables(
                boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1"), prefix
            )
            desk = workloads.open_helpdesk(endpoint, prefix, data_dir)
            return mail_ingest.throughput(desk, data_dir, count=SMTP_MAILS, warmup=MAIL_WARMUP)
    finally:
        dynamodb_local.stop(process)


def smtp_section(
    mail: MailFigures, smtp: smtp_path.SmtpFigures | str, fresh: mail_ingest.Throughput
) -> list[str]:
    everything = mail.by_kind[-1]
    if isinstance(smtp, str):
        lines = ["## The whole local mail path: SMTP into `make run`", "", f"Not measured: {smtp}"]
        hard_smtp = None
    else:
        per_mail = everything.per_call(everything.usage.total_requests)
        lines = smtp_path.section(smtp, mail.count / mail.seconds, per_mail, fresh)
        hard_smtp = smtp.hard
    corpus, hard = mail.corpus_intact, mail.hard_intact
    return [
        *lines,
        "",
        *smtp_path.intact_section(
            (corpus.checked, corpus.failures), (hard.checked, hard.failures), hard_smtp
        ),
    ]


def render(
    figures: DynamoFigures,
    imports: list[importtime.ImportTimes],
    took: float,
    m: dict[str, str],
    match: routing_bench.MatchFigures,
    smtp: smtp_path.SmtpFigures | str,
    fresh: mail_ingest.Throughput,
) -> str:
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
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} RAM; load average "
        f"{m['load']} (1, 5, 15 min) at the start",
        f"- Python {m['python']}; DynamoDB Local {m['dynamodb_local']}, in memory",
        "",
        "Each use case is called through its service function, the same code path as the API",
        "minus HTTP, against a real DynamoDB Local the bench starts on a free port.",
        "",
        "The services are wired as in AWS: `chalicelib.bootstrap.build` with stage `bench`,",
        f"`config_cache_seconds={number(workloads.CONFIG_CACHE_SECONDS)}` (so the config "
        "repository sits behind `CachedConfigRepository`,",
        "per container, on a real monotonic clock) and identity `local` (so `build` picks the",
        "local adapters: LocalIdentity, LocalBlobStore and LocalOutbox in a temporary folder).",
        "One change: the services' clock is a frozen clock the bench moves on. The main tables",
        "show a **warm container**, the cache filled by the warm-up calls (an entry that expires",
        "during a run is read again: that call shows in the max of requests/call); the",
        "**cold container** table empties the cache before every call. Not included: the API's",
        "authentication, which reads the actor's user record: one more Config GetItem in a",
        "cold container, none while the cache holds it.",
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
        "### Cold container (config cache empty)",
        "",
        f"The same use cases, {COLD_CALLS} more calls each (no warm-up), the cache emptied "
        "before every call:",
        "the first request of a new Lambda container, or the first after the 30 s expire.",
        "",
        "| Use case | p50 ms | p99 ms | requests/call | by operation and table, per call "
        "| RRU/call | WRU/call (on indexes) | $ per 1,000 calls | requests/call warm |",
        "|---|--:|--:|--:|---|--:|--:|--:|--:|",
        *[cold_row(c, w) for c, w in zip(figures.cold, figures.use_cases, strict=True)],
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
    out += ["", *mail_section(figures.mail)]
    out += ["", *smtp_section(figures.mail, smtp, fresh)]
    out += ["", *routing_bench.section(match, figures.pick)]
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


def kept_sections() -> str:
    """Sections other benches write into the same file (bench/bundle.py's,
    bench/ui_render.py's, bench/workflow_costs.py's, bench/form_costs.py's,
    bench/sms_costs.py's, bench/stats_costs.py's, bench/search_index.py's,
    bench/live_latency.py's, the lists' bulk figures, the trigger counts from
    tests/integration/test_trigger_stream.py and the consultation costs, each between
    ``<!-- name -->`` markers) survive a rerun."""
    if not OUTPUT.exists():
        return ""
    text = OUTPUT.read_text(encoding="utf-8")
    kept = []
    for marker in ("bundle", "ui", "workflows", "consultation", "forms", "triggers", "sms",
                   "stats", "search", "live", "lists"):  # fmt: skip
        found = re.search(rf"<!-- {marker} -->.*?<!-- /{marker} -->", text, re.S)
        if found:
            kept.append(f"\n{found.group(0)}\n")
    return "".join(kept)


def main() -> None:
    started = time.perf_counter()
    m = machine()
    print("import time of app.py ...", flush=True)
    imports = importtime.measure_both()
    print("matching rules ...", flush=True)
    match = routing_bench.matching()
    print(
        f"  {match.rules} rules, last matches: p50 {match.last_p50_us:.0f} µs, "
        f"p99 {match.last_p99_us:.0f} µs",
        flush=True,
    )
    port = free_port()
    print(f"DynamoDB Local on port {port} ...", flush=True)
    process = dynamodb_local.start(port, None)
    try:
        with tempfile.TemporaryDirectory(prefix="servit-bench-") as data_dir:
            figures = run_dynamo(f"http://127.0.0.1:{port}", data_dir)
    finally:
        dynamodb_local.stop(process)
    print("mail intake in one process on a fresh DynamoDB Local ...", flush=True)
    fresh = fresh_intake()
    print(f"  {fresh.per_second:.1f}/s, p50 {fresh.p50_ms:.1f} ms", flush=True)
    print("the SMTP path into a fresh local stack ...", flush=True)
    smtp: smtp_path.SmtpFigures | str
    try:
        smtp = smtp_path.run(SMTP_MAILS, MAIL_WARMUP)
    except Exception as error:  # the other figures still count; the report says why not
        smtp = f"{type(error).__name__}: {error}"
        print(f"  failed: {smtp}", flush=True)
    text = render(figures, imports, time.perf_counter() - started, m, match, smtp, fresh)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text + kept_sections())
    print()
    print(text)
    print(f"written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
