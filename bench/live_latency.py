"""Live lists (issue 15): from a mail accepted over SMTP to the notice on an agent's
WebSocket, and to the refreshed list that shows its row; and what live updates cost per
agent-hour in AWS.

The stack is started as ``make run`` starts it (``bench/smtp_path.local_stack``: local/run.py
on free ports, a temporary data folder). The dispatcher (who hears of every ticket) opens
the live socket the UI opens (``/live`` on the front door, ``local/live_client.py``) and the
list the inbox shows. Then MAILS mails go over SMTP one after the other; for each, the clock
starts at the server's 250 (the mail is stored and filed, ``local/smtp.py``) and stops

- at the first notice naming a ticket not seen before (the new ticket's row is due), and
- when the list request the UI makes on that notice has answered with the row in it.

The browser's own redraw (a few ms, ``bench/ui_render.py``) is not included; the browser
test tests/browser/test_live_updates.py checks the whole path under 2 s.

    .venv/bin/python -m bench.live_latency        (``make bench`` runs it too)

writes the ``<!-- live -->`` section of docs/performance.md.
"""

from __future__ import annotations

import re
import smtplib
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.smtp_path import local_stack  # noqa: E402
from bench.workloads import percentile  # noqa: E402
from local.live_client import LiveClient  # noqa: E402

MAILS = 40
WARMUP = 3
PAUSE = 0.3  # seconds between mails: one agent's view of a busy pool, not a flood
INBOX = "rp:kundtjanst"  # the response point's inbox: every open ticket of Kundtjänst

# --- AWS prices and the workload the cost is stated for ----------------------------------
# From /work/shared/research/aws-costs-and-limits.md (us-east-1): Lambda $0.20 per M
# requests and $0.0000133334 per GB-s on arm64; DynamoDB on-demand $0.625 per M WRU and
# $0.125 per M RRU. Not in that file, from the API Gateway pricing page
# (aws.amazon.com/api-gateway/pricing/, us-east-1, first billion): WebSocket messages $1.00
# per M (in 32 KB steps), connection minutes $0.25 per M.
WS_MESSAGE = 1.00 / 1e6
WS_CONNECTION_MINUTE = 0.25 / 1e6
LAMBDA_REQUEST = 0.20 / 1e6
LAMBDA_GB_SECOND = 0.0000133334
WRU = 0.625 / 1e6
RRU = 0.125 / 1e6
CHANGES_PER_HOUR = 60  # ticket changes an agent's connection hears of per hour (stated rate)
RECONNECTS_PER_HOUR = 1  # API Gateway closes a connection after 2 h, or after 10 min idle


@dataclass(frozen=True)
class Latency:
    notice_ms: list[float]
    row_ms: list[float]

    def line(self, name: str, samples: list[float]) -> str:
        return (f"| {name} | {len(samples)} | {percentile(samples, 50):.0f} | "
                f"{percentile(samples, 99):.0f} | {max(samples):.0f} |")  # fmt: skip


def mail(n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Live Bench {n} <live.bench{n}@example.se>"
    message["To"] = "kundtjanst@servit.example"
    message["Subject"] = f"Live bench {n} {uuid.uuid4().hex[:6]}"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@bench.example>"
    message.set_content("Hej, skrivaren på plan 3 skriver inte ut.")
    return message


def measure() -> Latency:
    """Mail after mail over SMTP; per mail the two times (ms) from the server's 250."""
    notice_ms: list[float] = []
    row_ms: list[float] = []
    with local_stack() as stack:
        login = {"email": "dispatcher@example.com", "password": "demo"}
        token = stack.call("POST", "/api/auth/login", json=login)["token"]
        stack.session.headers["Authorization"] = f"Bearer {token}"
        live_url = stack.call("GET", "/api/live")["url"]
        client = LiveClient(stack.url.replace("http", "ws", 1) + live_url, token)
        assert client.status == 101, client.headers
        seen: set[str] = set()
        smtp = smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=60)
        try:
            for n in range(WARMUP + MAILS):
                message = mail(n)
                smtp.sendmail(str(message["From"]), ["kundtjanst@servit.example"], bytes(message))
                accepted = time.perf_counter()
                while True:  # the first notice of a ticket this run has not seen
                    notice = client.receive(timeout=30)
                    if notice["id"] not in seen:
                        break
                noticed = time.perf_counter()
                seen.add(notice["id"])
                page = stack.call("GET", f"/api/ui/inboxes/{INBOX}/tickets", params={"limit": 50})
                listed = time.perf_counter()
                if n >= WARMUP:
                    notice_ms.append((noticed - accepted) * 1000)
                    row_ms.append((listed - accepted) * 1000)
                del page
                time.sleep(PAUSE)
                _drain(client)
        finally:
            smtp.quit()
            client.close()
    return Latency(notice_ms, row_ms)


def _drain(client: LiveClient) -> None:
    """Later notices of the same tickets (the acknowledgement's change): not new rows."""
    try:
        while True:
            client.receive(timeout=0.05)
    except (TimeoutError, OSError):
        return


def cost_rows() -> list[str]:
    """Per agent-hour: connection minutes, the notices it is sent, the stream consumer's
    share of Lambda time and DynamoDB per notice, the $connect/$disconnect pair."""
    minutes = 60 * WS_CONNECTION_MINUTE
    messages = CHANGES_PER_HOUR * WS_MESSAGE
    # $connect: Lambda (100 ms at 512 MB) + user GetItem + revocation GetItem (2 RRU
    # strongly consistent) + the BatchWriteItem of 1 + audiences items (~4 WRU);
    # $disconnect: Lambda + GetItem (1 RRU) + the deletes (~4 WRU).
    connects = RECONNECTS_PER_HOUR * (2 * (LAMBDA_REQUEST + 0.1 * 0.5 * LAMBDA_GB_SECOND)
                                      + 3 * RRU + 8 * WRU)  # fmt: skip
    # Per change, shared by everyone who hears it: one BatchGetItem (~1 RRU) and ~4
    # Queries (~4 RRU, eventually consistent: 2) and ~5 ms more of the consumer's Lambda;
    # stated per listening agent with 20 agents hearing each change.
    per_change = (5 * RRU / 2 + 0.005 * 0.5 * LAMBDA_GB_SECOND) / 20
    shared = CHANGES_PER_HOUR * per_change
    total = minutes + messages + connects + shared
    return [
        "| item | per agent-hour | $ |",
        "|---|---|---|",
        f"| connection minutes | 60 | {minutes:.7f} |",
        f"| messages (notices) | {CHANGES_PER_HOUR} | {messages:.7f} |",
        f"| $connect + $disconnect (Lambda, DynamoDB) | {RECONNECTS_PER_HOUR} | {connects:.7f} |",
        f"| fan-out reads and Lambda time, agent's share | {CHANGES_PER_HOUR} changes | "
        f"{shared:.7f} |",
        f"| **total** | | **{total:.6f}** |",
        "",
        f"200 agents, 8 h a day, 21 days: **${total * 200 * 8 * 21:.2f} a month**. The fallback it",
        "replaces — a 30 s list poll through the REST API ($3.50/M, research file) with a",
        "warm Lambda of ~100 ms and one Query — would cost "
        f"${120 * (3.5e-6 + LAMBDA_REQUEST + 0.1 * 0.5 * LAMBDA_GB_SECOND + 2 * RRU):.6f}"
        " per agent-hour, and reach the list 15 s late on average.",
    ]  # fmt: skip


def section(latency: Latency) -> str:
    return "\n".join([
        "<!-- live -->",
        "## Live lists: mail accepted to row visible (issue 15)",
        "",
        f"Measured by `bench/live_latency.py` (`make bench`) on {datetime.now():%Y-%m-%d}, on",
        "the local stack (`make run`: DynamoDB Local, the stream poller every 0.3 s, the",
        f"front door's WebSocket): {MAILS} mails to kundtjanst@ over SMTP one after another",
        f"({PAUSE} s apart, after {WARMUP} not counted). From the SMTP server's 250 (stored and",
        "filed) to the dispatcher's WebSocket notice of the new ticket, and to the answer of",
        "the list request the UI makes on that notice (the row is then drawn, a few ms).",
        "",
        "| from mail accepted to | mails | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
        latency.line("notice on the WebSocket", latency.notice_ms),
        latency.line("list answered with the row", latency.row_ms),
        "",
        f"With {MAILS} mails the p99 is the slowest one. In AWS the path is SES → S3 → SNS →",
        "Lambda (intake) → DynamoDB Streams → Lambda (consumer, its event source mapping polls",
        "each shard four times a second) → API Gateway `PostToConnection`: not measured here",
        "(no AWS account in this environment); the browser test",
        "`tests/browser/test_live_updates.py` holds the local stack to 2 s from SMTP to row.",
        "",
        "### What live updates cost per agent-hour in AWS",
        "",
        f"Stated rate: each agent's connection hears of {CHANGES_PER_HOUR} ticket changes an",
        "hour (its own, its groups', or every change for dispatchers), one reconnect an hour.",
        "Prices: Lambda and DynamoDB from /work/shared/research/aws-costs-and-limits.md",
        "(us-east-1: Lambda $0.20 per M requests, $0.0000133334 per GB-s arm64; DynamoDB",
        "$0.625 per M WRU, $0.125 per M RRU); WebSocket messages $1.00 per M and connection",
        "minutes $0.25 per M from aws.amazon.com/api-gateway/pricing/ (us-east-1; not in the",
        "research file: verify).",
        "",
        *cost_rows(),
        "<!-- /live -->",
    ])  # fmt: skip


def write(text: str) -> None:
    output = ROOT / "docs" / "performance.md"
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    found = re.search(r"<!-- live -->.*?<!-- /live -->", current, re.S)
    if found:
        current = current[: found.start()] + text + current[found.end() :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(current, encoding="utf-8")
    print(f"written to {output.relative_to(ROOT)}")


def main() -> None:
    text = section(measure())
    print(text)
    write(text)


if __name__ == "__main__":
    main()
