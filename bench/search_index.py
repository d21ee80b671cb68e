"""What the top-bar search costs (issue 15), measured.

1. Index writes per message, on DynamoDB Local through the real adapter
   (adapters/dynamodb/search_index.py): messages of 60-250 words drawn from a Zipf-shaped
   vocabulary, each written as the stream consumer writes it; requests and consumed write
   units counted by bench/counting.py.
2. Searches at 10,000 tickets on DynamoDB Local (the index and the tickets written in
   batches), and at 10,000 and 100,000 tickets in memory (adapters/memory_search_index.py,
   which counts the requests the DynamoDB adapter would make): ``finding.search`` as
   ``GET /api/search`` runs it, for an agent of an own_groups response point, with one,
   two and three words and the last one a prefix; requests, read units, latency p50/p99.

Run alone: ``.venv/bin/python -m bench.search_index [--quick]`` (starts its own DynamoDB
Local); ``make bench`` runs it and writes the table to docs/performance.md
(``<!-- search -->``).
"""

from __future__ import annotations

import os
import random
import re
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workloads  # noqa: E402
from bench.counting import Usage  # noqa: E402
from chalicelib.adapters.dynamodb.codec import ticket_to_model  # noqa: E402
from chalicelib.adapters.dynamodb.models import TicketModel  # noqa: E402
from chalicelib.adapters.dynamodb.search_index import DynamoSearchIndex  # noqa: E402
from chalicelib.adapters.dynamodb.tables import create_missing_tables  # noqa: E402
from chalicelib.adapters.memory_search_index import InMemorySearchIndex  # noqa: E402
from chalicelib.domain.ids import new_ulid  # noqa: E402
from chalicelib.domain.search_index import TICKET, partition, sort_key, text_tokens  # noqa: E402
from chalicelib.domain.statuses import Channel, Status  # noqa: E402
from chalicelib.domain.ticket import Ticket  # noqa: E402
from chalicelib.services.search_index import finding  # noqa: E402
from local import dynamodb_local  # noqa: E402
from tests.support import fake_services, seed_helpdesk  # noqa: E402

QUICK = "--quick" in sys.argv
MESSAGES = 50 if QUICK else 300
SIZES_MEMORY = (2_000, 10_000) if QUICK else (10_000, 100_000)
SIZE_DYNAMO = 2_000 if QUICK else 10_000
SEARCHES = 20 if QUICK else 100
VOCABULARY = 20_000
PLACES = (("kundtjanst", "kt-first"), ("kundtjanst", "kt-second"), ("it-support", "it-desk"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Words:
    """A vocabulary of made-up words whose use follows Zipf's law, as in real text."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        syllables = ["ka", "ro", "ti", "ne", "la", "sk", "va", "or", "en", "st", "ma", "ri",
                     "fö", "än", "be", "dr", "ul", "gå", "pa", "ek"]  # fmt: skip
        words: dict[str, None] = {}
        while len(words) < VOCABULARY:
            n = self.rng.choice((2, 3, 3, 4, 4, 5))
            words["".join(self.rng.choice(syllables) for _ in range(n))] = None
        self.words = list(words)
        self.cumulative = list(accumulate(1 / (rank + 1) for rank in range(VOCABULARY)))

    def text(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))


@dataclass(frozen=True)
class WriteCost:
    messages: int
    tokens: float
    requests: float
    write_units: float


@dataclass(frozen=True)
class SearchCost:
    where: str
    tickets: int
    query: str
    requests: float
    ops: str
    read_units: float
    p50: float
    p99: float
    hits: float


def write_cost(index: DynamoSearchIndex, desk: workloads.Helpdesk, words: Words) -> WriteCost:
    before = desk.counter.usage()
    tokens = 0
    for n in range(MESSAGES):
        found = text_tokens(words.text(words.rng.randrange(60, 250)))
        tokens += len(found)
        index.add(TICKET, new_ulid(datetime.now(UTC)), f"ev#{n}", found)
    used = desk.counter.usage().minus(before)
    return WriteCost(MESSAGES, tokens / MESSAGES, used.total_requests / MESSAGES,
                     used.write_units / MESSAGES)  # fmt: skip


def ticket_texts(words: Words, count: int) -> list[tuple[Ticket, set[str]]]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    for i in range(count):
        at = start + timedelta(minutes=5 * i)
        rp, group = PLACES[i % len(PLACES)]
        ticket = Ticket(
            id=new_ulid(at), number=100_000 + i, title=words.text(5), response_point_id=rp,
            contact_id=None, channel=Channel.EMAIL, created_at=at, updated_at=at,
            status=Status.OPEN, group_id=group,
        )  # fmt: skip
        # The card and two messages (the customer's and the reply): about 70 distinct words.
        out.append((ticket, text_tokens(ticket.title, words.text(60), words.text(40))))
    return out


def fill_memory(index: InMemorySearchIndex, rows: list[tuple[Ticket, set[str]]]) -> None:
    """Bulk load (sorting once beats inserting a million keys one by one)."""
    parts: dict[str, list[str]] = {}
    for ticket, tokens in rows:
        for token in tokens:
            parts.setdefault(partition(TICKET, token), []).append(sort_key(token, ticket.id))
        index.manifests[(TICKET, ticket.id)] = {"card": (tokens, {"number": ticket.number})}
    index.items = {p: sorted(keys) for p, keys in parts.items()}


def fill_dynamo(rows: list[tuple[Ticket, set[str]]]) -> None:
    index = DynamoSearchIndex()  # the adapter's own batching, one source per ticket
    for ticket, tokens in rows:
        index.add(TICKET, ticket.id, "card", tokens)
    with TicketModel.batch_write() as batch:
        for ticket, _ in rows:
            batch.save(ticket_to_model(ticket))


def queries(words: Words, rows: list[tuple[Ticket, set[str]]]) -> dict[str, list[str]]:
    """Per shape, SEARCHES queries built from real tickets' words (so they find something)."""
    rng = random.Random(11)
    shapes: dict[str, list[str]] = {"one word": [], "two words": [], "three words, last typed": []}
    for _ in range(SEARCHES):
        tokens = sorted(rng.choice(rows)[1])
        picked = rng.sample(tokens, 3)
        shapes["one word"].append(picked[0])
        shapes["two words"].append(f"{picked[0]} {picked[1]}")
        shapes["three words, last typed"].append(f"{picked[0]} {picked[1]} {picked[2][:3]}")
    return shapes


def run_searches(
    where: str, svc: Any, agent: Any, size: int, shapes: dict[str, list[str]], count: Any
) -> list[SearchCost]:
    out = []
    for shape, texts in shapes.items():
        finding.search(svc, agent, texts[0])  # warm
        samples, hits = [], 0
        before = count()
        for text in texts:
            started = time.perf_counter()
            found = finding.search(svc, agent, text)
            samples.append((time.perf_counter() - started) * 1000)
            hits += len(found.tickets)
        used: Usage = count().minus(before)
        ops = ", ".join(f"{op} {n / len(texts):g}" for op, n in sorted(used.by_operation().items()))
        out.append(SearchCost(where, size, shape, used.total_requests / len(texts), ops,
                              used.read_units / len(texts), workloads.percentile(samples, 50),
                              workloads.percentile(samples, 99), hits / len(texts)))  # fmt: skip
    return out


def memory_usage(index: InMemorySearchIndex, svc: Any) -> Any:
    def count() -> Usage:
        requests = {f"{k} SearchIndex": v for k, v in index.requests.items()}
        return Usage(requests)

    return count


def memory_searches(words: Words) -> list[SearchCost]:
    out = []
    for size in SIZES_MEMORY:
        svc = fake_services()
        people = seed_helpdesk(svc)
        index = svc.search_index
        assert isinstance(index, InMemorySearchIndex)
        rows = ticket_texts(words, size)
        fill_memory(index, rows)
        for ticket, _ in rows:
            svc.tickets.add(ticket)
        real = svc.tickets.get_many

        def counted(ids: list[str], real: Any = real, index: Any = index) -> Any:
            index._count("BatchGetItem")  # as DynamoDBTicketRepository: one per call
            return real(ids)

        svc.tickets.get_many = counted  # type: ignore[method-assign]
        out += run_searches("memory", svc, people["agent1"], size, queries(words, rows),
                            memory_usage(index, svc))  # fmt: skip
    return out


def dynamo_run(endpoint: str, words: Words) -> tuple[WriteCost, list[SearchCost]]:
    prefix = f"si{uuid.uuid4().hex[:6]}-"
    create_missing_tables(
        boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1"), prefix
    )
    with tempfile.TemporaryDirectory() as data_dir:
        desk = workloads.open_helpdesk(endpoint, prefix, data_dir)
        index = DynamoSearchIndex()
        writes = write_cost(index, desk, words)
        rows = ticket_texts(words, SIZE_DYNAMO)
        fill_dynamo(rows)
        desk.svc.search_index = index
        searches = run_searches("DynamoDB Local", desk.svc, desk.users["agent1"], SIZE_DYNAMO,
                                queries(words, rows), desk.counter.usage)  # fmt: skip
    return writes, searches


def section(writes: WriteCost, searches: list[SearchCost]) -> str:
    per_message = writes.write_units * workloads.DOLLARS_PER_WRU
    lines = [
        "<!-- search -->",
        "## Top-bar search: index writes and searches (issue 15)",
        "",
        f"Measured by `bench/search_index.py` (`make bench`) on {datetime.now():%Y-%m-%d}.",
        "",
        f"**Writes** (DynamoDB Local, the real adapter): {writes.messages} messages of 60-250",
        f"words from a {VOCABULARY:,}-word Zipf vocabulary keep {writes.tokens:.0f} distinct",
        f"words each; a message costs {writes.requests:.1f} BatchWriteItem requests and",
        f"{writes.write_units:.1f} write units (one per word, under 1 KB each, plus the",
        f"manifest): ${per_message * 1e6:,.0f} per million messages at on-demand prices",
        f"(${workloads.DOLLARS_PER_WRU * 1e6:.3f} per million writes). A ticket with its card",
        "and three messages is about four times that. A redelivered record writes the same",
        "items again (same cost, no new items).",
        "",
        "**Searches** (`finding.search`, what `GET /api/search` runs; agent1 of an",
        "own_groups response point, so a third of the tickets are hidden from them; limit 5):",
        "memory rows count the requests the DynamoDB adapter would make (their times are",
        "Python's, not AWS's); DynamoDB Local rows are real requests and read units (their",
        "times are DynamoDB Local's on a shared, loaded 2-core machine, not AWS's). One",
        "Query per word and kind (tickets, contacts, organisations), a GetItem on Lookups",
        "when the query is a number, a BatchGetItem of the tickets found (the multi-user",
        "level) and one per kind of card shown: the count depends on the words typed, not on",
        "the number of tickets. Read units grow with how common a word is (up to 1,000 index",
        "items, about 40 KB, per word and kind); at $0.125 per million read units a search",
        "of 15 read units costs about $2 per million searches.",
        "",
        "| where | tickets | query | requests | by operation | read units | p50 ms | p99 ms "
        "| tickets shown |",
        "|---|---:|---|---:|---|---:|---:|---:|---:|",
    ]
    for s in searches:
        units = f"{s.read_units:.1f}" if s.where != "memory" else "–"
        lines.append(
            f"| {s.where} | {s.tickets:,} | {s.query} | {s.requests:.1f} | {s.ops} | {units} "
            f"| {s.p50:.1f} | {s.p99:.1f} | {s.hits:.1f} |"
        )
    lines.append("<!-- /search -->")
    return "\n".join(lines)


def main() -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "bench")
    words = Words()
    port = _free_port()
    process = dynamodb_local.start(port, None)
    try:
        writes, dynamo = dynamo_run(f"http://127.0.0.1:{port}", words)
    finally:
        dynamodb_local.stop(process)
    text = section(writes, dynamo + memory_searches(words))
    print(text)
    if not QUICK:
        write(text)


def write(text: str) -> None:
    output = ROOT / "docs" / "performance.md"
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    found = re.search(r"<!-- search -->.*?<!-- /search -->", current, re.S)
    if found:
        current = current[: found.start()] + text + current[found.end() :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(current, encoding="utf-8")
    print(f"written to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
