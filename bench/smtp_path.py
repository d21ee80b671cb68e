"""The whole local mail path: the generated corpus over SMTP into a fresh local stack.

The stack is started as ``make run`` starts it (``local/run.py``: DynamoDB Local on disk,
tables, demo data, the stream poller, the SMTP intake, the API under Chalice's local
server) on free ports with a temporary data folder, and stopped with SIGTERM at the end.

The corpus is the one the in-process bench ingests (``bench/mail_corpus.py``, the same
seed), addressed to the demo's two response points, with the same 50 known contacts (made
through the API first) and ``auto_acknowledge`` turned off through the API on both
response points, as in-process. Mails go over SMTP as a mail server sends them: one
connection per sender, reused for every mail (RSET between), MAIL FROM the mail's sender.

- **one sender**: one connection, one mail after the other. The corpus is generated before
  the clock starts, with the ticket numbers its replies by subject tag need predicted (the
  stack numbers new tickets one by one) and checked afterwards in the mail log.
- **two senders**: two connections at once, each sending half of the next batch of the same
  corpus (replies only to tickets of earlier batches, so no reply overtakes its ticket);
  outcomes checked as a whole.

A transaction is MAIL, RCPT and DATA up to the server's 250: the mail is stored and
``mail_intake.ingest`` has run when the answer comes (``local/smtp.py``). The stack counts
its own DynamoDB requests (``SERVIT_COUNT_REQUESTS``: the intake's and the stream poller's
apart), read before and after each run.
"""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from bench import hard_mails, mail_corpus
from bench.mail_ingest import SEED
from bench.workloads import percentile

ROOT = Path(__file__).resolve().parent.parent
MAILBOXES = ("kundtjanst@servit.example", "it@servit.example")
RESPONSE_POINTS = ("kundtjanst", "it-support")
CONTACTS = 50  # as bench/workloads.py: kund0..49@example.se
COUNTS_FILE = "request-counts.json"


@dataclass
class Stack:
    url: str
    smtp_port: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    started_in: float
    session: requests.Session = field(default_factory=requests.Session)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.session.request(method, f"{self.url}{path}", timeout=60, **kwargs)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def login(self, user: str = "admin@example.com") -> None:
        token = self.call("POST", "/api/auth/login", json={"email": user, "password": "demo"})
        self.session.headers["Authorization"] = f"Bearer {token['token']}"

    def requests_made(self) -> dict[str, Counter[str]]:
        """The stack process's DynamoDB requests so far: {"intake"|"poller": {op table: n}}."""
        path = self.data_dir / COUNTS_FILE
        path.unlink(missing_ok=True)
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not path.exists() or not path.stat().st_size:
            if time.monotonic() > deadline:
                raise RuntimeError("the stack did not write its request counts")
            time.sleep(0.05)
        totals = json.loads(path.read_text())
        return {name: Counter(counts) for name, counts in totals.items()}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def local_stack() -> Iterator[Stack]:
    """``local/run.py`` on free ports and a temporary data folder; SIGTERM at the end."""
    with tempfile.TemporaryDirectory(prefix="servit-smtp-bench-") as data_dir:
        port, smtp_port = free_port(), free_port()
        env = dict(os.environ, SERVIT_PORT=str(port), SERVIT_DYNAMODB_PORT=str(free_port()),
                   SERVIT_SMTP_PORT=str(smtp_port), SERVIT_API_PORT=str(free_port()),
                   SERVIT_DATA_DIR=data_dir,
                   SERVIT_COUNT_REQUESTS=str(Path(data_dir) / COUNTS_FILE))  # fmt: skip
        log_path = Path(data_dir) / "stack.log"
        started = time.perf_counter()
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, str(ROOT / "local" / "run.py")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 180
                while b"Ctrl-C stops everything" not in log_path.read_bytes():
                    if process.poll() is not None or time.monotonic() > deadline:
                        tail = log_path.read_text(errors="replace")[-3000:]
                        raise RuntimeError(f"the local stack did not come up:\n{tail}")
                    time.sleep(0.2)
                yield Stack(f"http://127.0.0.1:{port}", smtp_port, Path(data_dir), process,
                            time.perf_counter() - started)  # fmt: skip
            finally:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()


# --- the corpus over SMTP ------------------------------------------------------------


@dataclass(frozen=True)
class SmtpRun:
    name: str
    senders: int
    mails: int
    megabytes: float
    wall_seconds: float  # the first MAIL FROM to the last 250
    transaction_ms: list[float]
    expected: Counter[str]  # outcome/threading rule, as the corpus meant them
    found: Counter[str]  # as the mail log has them
    mismatches: list[str]  # mails whose outcome differs, by message id
    intake_requests: Counter[str]  # "Operation Table" -> count, the SMTP intake's
    poller_requests: Counter[str]  # the stream poller's (a Lambda of its own in AWS)

    @property
    def per_second(self) -> float:
        return self.mails / self.wall_seconds

    @property
    def p50_ms(self) -> float:
        return percentile(self.transaction_ms, 50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.transaction_ms, 99)


@dataclass(frozen=True)
class HardResult:
    name: str
    problems: list[str]  # empty: sender, subject and first line arrived intact


@dataclass(frozen=True)
class SmtpFigures:
    started_in: float  # seconds until the stack printed its banner
    warmup: int
    runs: list[SmtpRun]
    hard: list[HardResult]  # bench/hard_mails.py over SMTP


class Sender:
    """One SMTP connection, reused for every mail (as a mail server keeps its connection)."""

    def __init__(self, port: int) -> None:
        self.client = smtplib.SMTP("127.0.0.1", port, timeout=120)
        self.client.ehlo("bench.sender.example")

    def send(self, envelope_sender: str, recipients: tuple[str, ...], raw: bytes) -> float:
        """One transaction; its wall time in ms."""
        started = time.perf_counter()
        refused = self.client.sendmail(envelope_sender, list(recipients), raw)
        ms = (time.perf_counter() - started) * 1000
        if refused:
            raise RuntimeError(f"recipients refused: {refused}")
        return ms

    def close(self) -> None:
        try:
            self.client.quit()
        except smtplib.SMTPException:
            self.client.close()


def prepare(stack: Stack) -> list[str]:
    """The 50 known contacts, and auto_acknowledge off on both response points."""
    stack.login()
    emails = []
    for i in range(CONTACTS):
        address = f"kund{i}@example.se"
        stack.call("POST", "/api/contacts", json={"name": f"Kund {i}", "emails": [address]})
        emails.append(address)
    for rp in RESPONSE_POINTS:
        record = stack.call("GET", f"/api/admin/response-points/{rp}")
        stack.call("PUT", f"/api/admin/response-points/{rp}",
                   json={**record, "auto_acknowledge": False})  # fmt: skip
    return emails


def log_entries(stack: Stack, message_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = stack.call(
        "GET", "/api/admin/mail-log", params={"message_id": message_id}
    )["items"]
    return items


def label(outcome: str, rule: str) -> str:
    return f"{outcome}/{rule}" if rule else outcome


def warm_up(stack: Stack, corpus: mail_corpus.Corpus, count: int) -> int:
    """``count`` mails over one connection, each new ticket's number asked for; returns
    the number the next new ticket will get."""
    sender = Sender(stack.smtp_port)
    last = 0
    try:
        for _ in range(count):
            mail = corpus.next_mail()
            sender.send(mail.sender, mail.recipients, mail.raw)
            if mail.expect_outcome == "created":
                entry = next(e for e in log_entries(stack, mail.message_id) if e["ticket_id"])
                last = int(stack.call("GET", f"/api/tickets/{entry['ticket_id']}")["number"])
                corpus.ticket_created(mail.message_id, last)
    finally:
        sender.close()
    if not last:
        raise RuntimeError("no new ticket in the warm-up")
    return last + 1


def batch(
    corpus: mail_corpus.Corpus, count: int, next_number: int | None
) -> list[mail_corpus.CorpusMail]:
    """The next ``count`` mails. With ``next_number``, new tickets are given the numbers the
    stack will give them when the mails arrive in this order (one sender); without, no
    mail of the batch replies to another mail of the batch."""
    mails = []
    for _ in range(count):
        mail = corpus.next_mail()
        if mail.expect_outcome == "created" and next_number is not None:
            corpus.ticket_created(mail.message_id, next_number)
            next_number += 1
        mails.append(mail)
    return mails


def send_all(stack: Stack, mails: list[mail_corpus.CorpusMail], senders: int) -> SmtpRun:
    shares = [mails[i::senders] for i in range(senders)]
    timings: list[list[float]] = [[] for _ in range(senders)]
    errors: list[BaseException] = []
    connections = [Sender(stack.smtp_port) for _ in range(senders)]
    gate = threading.Barrier(senders + 1)

    def work(index: int) -> None:
        gate.wait()
        try:
            for mail in shares[index]:
                ms = connections[index].send(mail.sender, mail.recipients, mail.raw)
                timings[index].append(ms)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    since = datetime.now(UTC) - timedelta(milliseconds=500)  # mail-log times: whole ms
    before = stack.requests_made()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    after = stack.requests_made()
    for connection in connections:
        connection.close()
    if errors:
        raise errors[0]
    expected: Counter[str] = Counter()
    found: Counter[str] = Counter()
    mismatches = []
    by_id: dict[str, list[mail_corpus.CorpusMail]] = {}
    for mail in mails:
        by_id.setdefault(mail.message_id, []).append(mail)
    for message_id, sent in by_id.items():
        want = sorted(label(m.expect_outcome, m.expect_rule) for m in sent)
        got = sorted(
            label(e["outcome"], e["threading_rule"])
            for e in log_entries(stack, message_id)
            if datetime.fromisoformat(e["received_at"]) >= since
        )
        expected.update(want)
        found.update(got)
        if got != want:
            mismatches.append(f"{sent[0].kind} {message_id}: expected {want}, got {got}")
    return SmtpRun(
        name="one sender" if senders == 1 else f"{senders} senders at once",
        senders=senders,
        mails=len(mails),
        megabytes=sum(len(m.raw) for m in mails) / 1024 / 1024,
        wall_seconds=wall,
        transaction_ms=[ms for share in timings for ms in share],
        expected=expected,
        found=found,
        mismatches=mismatches,
        intake_requests=after["intake"] - before["intake"],
        poller_requests=after["poller"] - before["poller"],
    )


# --- the hard mails over SMTP ----------------------------------------------------------------


def hard_over_smtp(stack: Stack) -> list[HardResult]:
    """bench/hard_mails.py sent one by one, each found on its ticket through the API."""
    results = []
    sender = Sender(stack.smtp_port)
    try:
        for mail in hard_mails.mails(f"smtp{os.getpid()}"):
            since = datetime.now(UTC) - timedelta(milliseconds=500)
            try:
                sender.send(mail.envelope_sender, mail.recipients, mail.raw)
            except smtplib.SMTPException as error:
                results.append(HardResult(mail.name, [f"refused over SMTP: {error}"]))
                sender.close()
                sender = Sender(stack.smtp_port)
                continue
            results.append(HardResult(mail.name, _found_intact(stack, mail, since)))
    finally:
        sender.close()
    return results


def _found_intact(stack: Stack, mail: hard_mails.HardMail, since: datetime) -> list[str]:
    entries = [
        e
        for e in log_entries(stack, mail.message_id)
        if datetime.fromisoformat(e["received_at"]) >= since
    ]
    if not entries:
        return ["not in the mail log"]
    entry = entries[-1]
    if not entry.get("ticket_id"):
        return [f"no ticket: {entry['outcome']} ({entry.get('reason', '')})"]
    ticket = stack.call("GET", f"/api/tickets/{entry['ticket_id']}")
    event = next((e for e in ticket["events"] if e["id"] == entry.get("event_id")), None)
    emails: list[str] = []
    if ticket.get("contact_id"):
        contact = stack.call("GET", f"/api/contacts/{ticket['contact_id']}")
        emails = list(contact.get("emails") or [])
    data = event["data"] if event else None
    return hard_mails.check(mail.sender, mail.subject, mail.first_line, data, emails)


def run(count: int, warmup: int) -> SmtpFigures:
    with local_stack() as stack:
        print(f"  local stack up in {stack.started_in:.1f} s", flush=True)
        emails = prepare(stack)
        corpus = mail_corpus.Corpus(SEED, emails, MAILBOXES)
        next_number = warm_up(stack, corpus, warmup)
        runs = []
        for senders in (1, 2):
            mails = batch(corpus, count, next_number if senders == 1 else None)
            result = send_all(stack, mails, senders)
            next_number += sum(1 for m in mails if m.expect_outcome == "created")
            intake = sum(result.intake_requests.values()) / result.mails
            print(
                f"  SMTP, {result.name}: {result.mails} mails in {result.wall_seconds:.1f} s "
                f"({result.per_second:.1f}/s), transaction p50 {result.p50_ms:.0f} ms, "
                f"p99 {result.p99_ms:.0f} ms; {intake:.2f} requests/mail; "
                f"{len(result.mismatches)} outcomes differ",
                flush=True,
            )
            runs.append(result)
        hard = hard_over_smtp(stack)
        print(
            f"  hard mails over SMTP: {sum(not h.problems for h in hard)} of {len(hard)} intact",
            flush=True,
        )
        return SmtpFigures(stack.started_in, warmup, runs, hard)


if __name__ == "__main__":  # python -m bench.smtp_path [mails]: this part alone
    figures = run(int(sys.argv[1]) if len(sys.argv) > 1 else 300, warmup=20)
    for r in figures.runs:
        print(r.name, f"{r.per_second:.1f}/s", r.mismatches[:5])
        print("  intake", dict(r.intake_requests))
        print("  poller", dict(r.poller_requests))
    for h in figures.hard:
        print("  ", "OK  " if not h.problems else "FAIL", h.name, h.problems)


# --- the report --------------------------------------------------------------------------


def _per_mail(counts: Counter[str], mails: int) -> str:
    """ "GetItem 0.76 (Tickets 0.43, …); PutItem 1 (MailLog 1)" per mail."""
    by_op: dict[str, list[tuple[str, int]]] = {}
    for key, n in sorted(counts.items()):
        op, _, table = key.partition(" ")
        by_op.setdefault(op, []).append((table, n))
    return "; ".join(
        f"{op} {_n(sum(n for _, n in tables) / mails)} ("
        + ", ".join(f"{table} {_n(n / mails)}" for table, n in tables)
        + ")"
        for op, tables in by_op.items()
    )


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def section(
    smtp: SmtpFigures,
    in_process_per_second: float,
    in_process_requests: float,
    fresh: Any,  # bench.mail_ingest.Throughput
) -> list[str]:
    """docs/performance.md: the SMTP path beside the in-process figures."""
    one = smtp.runs[0]
    rows = []
    for r in smtp.runs:
        outcomes = "all" if not r.mismatches else f"{len(r.mismatches)} differ"
        rows.append(
            f"| {r.name} | {r.mails} | {r.megabytes:.1f} | {r.per_second:.1f} | {r.p50_ms:.0f} "
            f"| {r.p99_ms:.0f} | {in_process_per_second / r.per_second:.2f}× "
            f"| {fresh.per_second / r.per_second:.2f}× "
            f"| {_n(sum(r.intake_requests.values()) / r.mails)} "
            f"| {_n(sum(r.poller_requests.values()) / r.mails)} | {outcomes} |"
        )
    lines = [
        f"## The whole local mail path: SMTP into `make run` ({one.mails} messages per run)",
        "",
        "`bench/smtp_path.py`: a fresh local stack started as `make run` starts it (DynamoDB Local",
        "on disk in a temporary data folder, demo data, the stream poller, the SMTP intake and",
        "the API under `chalice local`, on free ports), then the same generated corpus as above",
        "(same seed; the demo's two response points as recipients, the same 50 known contacts",
        "made through the API, `auto_acknowledge` turned off through the API) sent over SMTP:",
        f"{smtp.warmup} mails to warm up, then {one.mails} from one sender on one connection,",
        f"then the next {smtp.runs[-1].mails} from two senders at once (replies only to earlier",
        "tickets). A transaction is MAIL, RCPT and DATA up to the 250, which the intake gives",
        "once the mail is stored and `mail_intake.ingest` has run. mails/s is mails over the",
        "wall time of the run; the outcome and threading rule of every mail are checked in the",
        "mail log. Requests per mail are counted in the stack's own process (a botocore hook",
        "as above, `SERVIT_COUNT_REQUESTS`), the intake's and the stream poller's apart (the",
        f"poller is the TicketEvents Lambda in AWS). The stack was up in {smtp.started_in:.0f} s.",
        "",
        f"In-process (above): **{in_process_per_second:.0f} mails/s**, "
        f"{_n(in_process_requests)} requests per mail, on a DynamoDB Local that has served the",
        "whole bench before the corpus. The same `ingest` loop on a DynamoDB Local started just",
        f"before it (in memory, the stack's JVM flags; `fresh_intake` in `bench/run.py`, "
        f"{fresh.count} mails after "
        f"{smtp.warmup}): **{fresh.per_second:.0f} mails/s**, p50 {fresh.p50_ms:.1f} ms, p99 "
        f"{fresh.p99_ms:.1f} ms. The local stack's DynamoDB Local is as fresh as that one (its",
        "JVM has compiled little of its request path yet); the first ratio below includes that.",
        "",
        "| run | mails | MB | mails/s | transaction p50 ms | p99 ms "
        "| in-process ÷ SMTP | in-process, fresh DynamoDB Local ÷ SMTP | requests/mail, intake "
        "| requests/mail, stream poller | outcomes as meant |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        *rows,
        "",
        f"Over SMTP, one sender, requests per mail: {_per_mail(one.intake_requests, one.mails)}.",
    ]
    for r in smtp.runs:
        lines += [f"- {r.name}: {m}" for m in r.mismatches[:10]]
    return lines


def intact_section(
    corpus: tuple[int, list[tuple[str, list[str]]]],
    hard: tuple[int, list[tuple[str, list[str]]]],
    hard_smtp: list[HardResult] | None,
) -> list[str]:
    """docs/performance.md: the share of mails whose sender, subject and first line arrive."""

    def row(what: str, checked: int, failures: int) -> str:
        share = 100 * (checked - failures) / checked if checked else 0
        return f"| {what} | {checked} | {checked - failures} | {share:.1f} % |"

    rows = [
        row("generated corpus, in one process (duplicates left out)", corpus[0], len(corpus[1])),
        row("hard mails (`bench/hard_mails.py`), in one process", hard[0], len(hard[1])),
    ]
    if hard_smtp is not None:
        rows.append(
            row("hard mails over SMTP into the local stack", len(hard_smtp),
                sum(1 for h in hard_smtp if h.problems))
        )  # fmt: skip
    total = corpus[0] + hard[0]
    intact = total - len(corpus[1]) - len(hard[1])
    lines = [
        "## Mails that arrive intact (issue 9)",
        "",
        "For every mail: does its ticket's message event (or, for the sender, the ticket's",
        "contact) hold the sender's address, the subject and the first line of the body as the",
        "sender wrote them? Addresses compared lower-cased with the domain in Unicode; subjects",
        "with runs of white space as one. The hard mails are written by hand in",
        "`bench/hard_mails.py`, one or two per class of issue 9: Message-IDs reused by different",
        "mails, odd sender addresses (quoted local part, no dot in the domain, no angle brackets,",
        "a display name only, no From, an IDN domain: the last three expect the address from the",
        "SMTP envelope), a raw GB2312 subject beside a Latin-1 first part, a raw Shift_JIS",
        "subject with an ISO-2022-JP body, Microsoft's ISO-2022-JP with circled digits, a body",
        "labelled `iso-gb2312`, a 5,000-octet first line and HTML nested 2,000 deep.",
        "",
        f"**{intact} of {total} intact ({100 * intact / total:.1f} %)** in one process, "
        "corpus and hard mails together.",
        "",
        "| mails | checked | intact | share |",
        "|---|--:|--:|--:|",
        *rows,
    ]
    failed = [(f"{name} (in one process)", p) for name, p in corpus[1][:20] + hard[1]]
    if hard_smtp is not None:
        failed += [(f"{h.name} (over SMTP)", h.problems) for h in hard_smtp if h.problems]
    if failed:
        lines += ["", "Not intact:", ""]
        lines += [f"- {name}: {'; '.join(problems)}" for name, problems in failed]
    return lines
