"""Figures of issue 5: matching one message against 500 rules, and pick-next with 20 agents
calling at once on 200 tickets (against DynamoDB Local; no ticket may be handed out twice)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, replace

from bench import workloads
from bench.workloads import percentile
from chalicelib.domain.matching import REGEX_BUDGET, Budget, MatchingRule, RuleSet, Sample
from chalicelib.domain.organisation import Group, User
from chalicelib.domain.records import to_record
from chalicelib.services import assignment, directory, tickets

RULES = 500
MATCH_CALLS = 2000
MATCH_WARMUP = 200
AGENTS = 20
PICK_TICKETS = 200
PICK_GROUP = "bench-pick"

BODY = (
    "Hej! Vi har problem med leveransen av beställningen som skulle komma i tisdags. "
    "Fakturan stämmer inte heller med ordern, och kundnumret saknas på följesedeln. "
) * 12  # about 2 KB, a typical first mail


@dataclass(frozen=True)
class MatchFigures:
    rules: int
    compile_ms: float
    last_p50_us: float  # only the last rule matches: every rule is evaluated
    last_p99_us: float
    none_p50_us: float  # no rule matches
    none_p99_us: float
    first_p50_us: float  # the first rule matches
    kinds: dict[str, int]


@dataclass(frozen=True)
class PickFigures:
    agents: int
    tickets: int
    calls: int
    empty_calls: int
    handed_out: int
    duplicates: int
    p50_ms: float
    p99_ms: float
    seconds: float


def _rule(i: int, *, last: bool) -> MatchingRule:
    kind = i % 5
    token = f"x{i:04d}"
    condition = [
        {"field": "subject", "operator": "contains", "value": f"ärende {token}"},
        {"field": "body", "operator": "contains", "value": f"kund{token}", "whole_word": True},
        {"field": "sender", "operator": "equals", "value": f"{token}.example.se"},
        {"field": "subject", "operator": "regex", "value": rf"\b(order|ordre)\s*#?{i:05d}\b"},
        {"field": "recipient", "operator": "starts_with", "value": f"{token}@"},
    ][kind]
    if last:
        condition = {"field": "body", "operator": "contains", "value": "följesedeln"}
    return MatchingRule(
        id=f"r{i:04d}",
        name=f"rule {i}",
        conditions=[condition, {"field": "channel", "operator": "equals", "value": "email"}],
        position=i + 1,
        template_id="t",
    )


def _timed(rule_set: RuleSet, sample: Sample) -> list[float]:
    for _ in range(MATCH_WARMUP):
        next(rule_set.matches(sample, Budget(REGEX_BUDGET)), None)
    samples = []
    for _ in range(MATCH_CALLS):
        started = time.perf_counter()
        next(rule_set.matches(sample, Budget(REGEX_BUDGET)), None)
        samples.append((time.perf_counter() - started) * 1e6)
    return samples


def matching() -> MatchFigures:
    rules = [_rule(i, last=i == RULES - 1) for i in range(RULES)]
    started = time.perf_counter()
    rule_set = RuleSet.compile(rules)
    compile_ms = (time.perf_counter() - started) * 1000
    sample = Sample(
        subject="Leveransen av order 77777 är sen",
        body=BODY,
        sender="anna@kund.example.se",
        recipients=("kundtjanst@example.com",),
        channel="email",
    )
    found = next(rule_set.matches(sample, Budget(REGEX_BUDGET)))
    assert found.rule.id == f"r{RULES - 1:04d}", found.rule.id
    last = _timed(rule_set, sample)
    no_match = RuleSet.compile(rules[:-1])
    none = _timed(no_match, sample)
    first = _timed(RuleSet.compile([replace(rules[-1], position=0), *rules[:-1]]), sample)
    kinds = Counter(r.conditions[0]["operator"] for r in rules)
    return MatchFigures(
        RULES,
        compile_ms,
        percentile(last, 50),
        percentile(last, 99),
        percentile(none, 50),
        percentile(none, 99),
        percentile(first, 50),
        dict(kinds),
    )


def pick_next(endpoint: str, prefix: str, data_dir: str) -> PickFigures:
    desk = workloads.open_helpdesk(endpoint, prefix, data_dir)
    svc = desk.svc
    svc.config.put(
        directory.GROUP, PICK_GROUP, to_record(Group(PICK_GROUP, "Pick bench", "it-support"))
    )
    agents = [
        User(f"picker{n:02d}", f"picker{n:02d}@example.com", f"Picker {n}", groups=[PICK_GROUP])
        for n in range(AGENTS)
    ]
    for agent in agents:
        svc.config.put(directory.USER, agent.id, to_record(agent))
    creator = desk.users["dispatcher"]
    for i in range(PICK_TICKETS):
        desk.clock.advance(seconds=1)
        tickets.create_ticket(
            svc,
            creator,
            {"title": f"Plocka {i}", "response_point_id": "it-support", "group_id": PICK_GROUP,
             "priority": ("low", "medium", "high")[i % 3]},
        )  # fmt: skip
    barrier = threading.Barrier(AGENTS)
    lock = threading.Lock()
    latencies: list[float] = []
    got: list[tuple[str, str]] = []
    empty = 0

    def work(agent: User) -> None:
        nonlocal empty
        barrier.wait()
        while True:
            started = time.perf_counter()
            ticket = assignment.pick_next(svc, agent)
            took = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(took)
                if ticket is None:
                    empty += 1
                else:
                    got.append((ticket.id, agent.id))
            if ticket is None:
                return

    threads = [threading.Thread(target=work, args=(a,)) for a in agents]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ids = [ticket_id for ticket_id, _ in got]
    duplicates = len(ids) - len(set(ids))
    # What the store says: each ticket's owner is the one agent that got it.
    for ticket_id, agent_id in got:
        assert svc.tickets.get(ticket_id).agent_id == agent_id, ticket_id
    assert duplicates == 0, f"{duplicates} tickets handed out twice"
    return PickFigures(
        AGENTS,
        PICK_TICKETS,
        len(latencies),
        empty,
        len(set(ids)),
        duplicates,
        percentile(latencies, 50),
        percentile(latencies, 99),
        seconds,
    )


def section(match: MatchFigures, pick: PickFigures) -> list[str]:
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(match.kinds.items()))
    return [
        "## Matching rules and pick-next under contention (issue 5)",
        "",
        f"**Matching one message against {match.rules} rules**: `RuleSet.matches` (the",
        "domain code intake and the dry run call), in one process, no I/O. Each rule has two",
        f"conditions, the first of which varies ({kinds}; regular expressions through the",
        "`regex` package with its timeout), the second `channel equals email`; the message",
        "has a 2 KB body. Rules are compiled once per container and cached until one changes",
        f"(compiling all {match.rules}: {match.compile_ms:.1f} ms). "
        f"{MATCH_CALLS:,} calls after {MATCH_WARMUP} warm-up.",
        "",
        "| case | p50 µs | p99 µs |",
        "|---|--:|--:|",
        f"| only the last rule matches (all evaluated) | {match.last_p50_us:.0f} "
        f"| {match.last_p99_us:.0f} |",
        f"| no rule matches | {match.none_p50_us:.0f} | {match.none_p99_us:.0f} |",
        f"| the first rule matches | {match.first_p50_us:.1f} | – |",
        "",
        f"**Pick-next with {pick.agents} agents calling at once on {pick.tickets} tickets**:",
        f"{pick.agents} threads, one per agent (all in one group), released together by a",
        "barrier, each calling `assignment.pick_next` until it answers none, against",
        "DynamoDB Local with the services as above (run first, before the bench loads the",
        "other tables). Each call: a Query on the group's",
        "unassigned pool, then a claim conditioned on the version read; a lost race reads the",
        "ticket again once and moves on to the next candidate.",
        "",
        "| agents | tickets | calls | empty answers | handed out | handed out twice "
        "| p50 ms | p99 ms | all done in |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        f"| {pick.agents} | {pick.tickets} | {pick.calls} | {pick.empty_calls} "
        f"| {pick.handed_out} | {pick.duplicates} | {pick.p50_ms:.1f} | {pick.p99_ms:.1f} "
        f"| {pick.seconds:.1f} s |",
        "",
        "Every ticket handed out is checked in the store afterwards: its owner is the one",
        "agent that got it. An agent that lost every race reads the pool once more before it",
        "answers none, so an empty answer while tickets remain would show as fewer handed out",
        "than tickets.",
        "",
        "The p99 is the first moment: all agents read the same ten candidates and race for",
        "them in order, so 19 lose each of the first claims. DynamoDB Local answers a cancelled",
        "transaction in 0.3–0.6 s while others run (timed with a botocore hook), which is what",
        "the tail shows; DynamoDB itself cancels in milliseconds. Trying the remaining",
        "candidates in random order after a lost race was measured too and made the median",
        "worse (about 130 ms) without helping the tail, so the order stays strict.",
    ]
