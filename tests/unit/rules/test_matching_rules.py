"""Matching rules (S2) on their own: conditions, operators, order, and the regex time limit."""

from __future__ import annotations

import time
from typing import Any

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.matching import Budget, MatchingRule, RuleSet, Sample


def rule(rule_id: str, *conditions: dict[str, Any], **kwargs: Any) -> MatchingRule:
    return MatchingRule(
        id=rule_id,
        name=rule_id,
        conditions=list(conditions),
        template_id=kwargs.pop("template_id", "t"),
        **kwargs,
    )


def cond(field: str, operator: str, value: str, **kwargs: Any) -> dict[str, Any]:
    return {"field": field, "operator": operator, "value": value, **kwargs}


def first(rules: list[MatchingRule], sample: Sample) -> str | None:
    found = next(RuleSet.compile(rules).matches(sample, Budget(1.0)), None)
    return found.rule.id if found else None


MAIL = Sample(
    subject="Faktura 4711 har fel belopp",
    body="Hej!\nFakturan för mars är dubbelt debiterad. Mvh Anna",
    sender="anna@kund.example.se",
    recipients=("faktura@example.com", "kundtjanst@example.com"),
    channel="email",
)


@pytest.mark.parametrize(
    ("condition", "matches"),
    [
        (cond("subject", "contains", "FAKTURA"), True),
        (cond("subject", "contains", "faktur", whole_word=True), False),
        (cond("subject", "contains", "faktura", whole_word=True), True),
        (cond("body", "contains", "debiterad", whole_word=True), True),
        (cond("body", "contains", "debit", whole_word=True), False),
        (cond("subject", "equals", "faktura 4711 har fel belopp"), True),
        (cond("subject", "equals", "faktura 4711"), False),
        (cond("subject", "starts_with", "faktura 47"), True),
        (cond("subject", "starts_with", "4711"), False),
        (cond("subject", "regex", r"faktura\s+\d{4}"), True),
        (cond("subject", "regex", r"^\d+"), False),
        (cond("sender", "equals", "ANNA@kund.example.se"), True),
        (cond("sender", "equals", "kund.example.se"), True),
        (cond("sender", "equals", "@example.se"), True),
        (cond("sender", "equals", "other.se"), False),
        (cond("recipient", "equals", "faktura@example.com"), True),
        (cond("recipient", "starts_with", "support@"), False),
        (cond("channel", "equals", "email"), True),
        (cond("channel", "equals", "sms"), False),
    ],
    ids=lambda v: str(v) if isinstance(v, bool) else f"{v['field']}-{v['operator']}-{v['value']}",
)
def test_each_operator_on_each_field_matches_case_insensitively(
    condition: dict[str, Any], matches: bool
) -> None:
    assert (first([rule("r", condition)], MAIL) == "r") is matches


def test_all_needs_every_condition_and_any_needs_one() -> None:
    hit = cond("subject", "contains", "faktura")
    miss = cond("body", "contains", "skrivare")
    assert first([rule("all", hit, miss, combine="all")], MAIL) is None
    assert first([rule("any", miss, hit, combine="any")], MAIL) == "any"


def test_rules_run_in_explicit_order_and_the_first_match_wins() -> None:
    # Given two matching rules, the later-named one placed first
    by_subject = rule("b-subject", cond("subject", "contains", "faktura"), position=20)
    by_sender = rule("z-sender", cond("sender", "equals", "kund.example.se"), position=10)
    disabled = rule("a-disabled", cond("channel", "equals", "email"), position=1, enabled=False)

    # Then the lowest position wins, and a disabled rule is never used
    assert first([by_subject, by_sender, disabled], MAIL) == "z-sender"


def test_a_match_says_which_conditions_hit_and_on_what() -> None:
    rules = [
        rule("r", cond("subject", "regex", r"\d{4}"), cond("sender", "equals", "kund.example.se"))
    ]
    match = next(RuleSet.compile(rules).matches(MAIL, Budget(1.0)))
    assert [h.as_record() for h in match.hits] == [
        {"field": "subject", "operator": "regex", "value": r"\d{4}", "matched": "4711"},
        {
            "field": "sender",
            "operator": "equals",
            "value": "kund.example.se",
            "matched": "anna@kund.example.se",
        },
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"conditions": []},
        {"conditions": [cond("subject", "regex", "(unclosed")]},
        {"conditions": [cond("colour", "contains", "x")]},
        {"conditions": [cond("subject", "like", "x")]},
        {"conditions": [cond("subject", "equals", "x", whole_word=True)]},
        {"conditions": [cond("subject", "contains", "")]},
        {"conditions": [cond("subject", "contains", "x")], "template_id": "", "close": False},
        {"conditions": [cond("subject", "contains", "x")], "combine": "most"},
    ],
    ids=[
        "no-conditions",
        "bad-regex",
        "bad-field",
        "bad-operator",
        "whole-word-equals",
        "empty-value",
        "no-action",
        "bad-combine",
    ],
)
def test_a_rule_that_could_not_work_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        MatchingRule(id="r", name="r", **{"template_id": "t", **bad})


def test_a_pathological_regex_times_out_and_the_next_rule_still_matches() -> None:
    # Given a catastrophic backtracking pattern first, and a plain rule after it
    evil = rule("evil", cond("body", "regex", r"^(a+)+$"), position=1)
    plain = rule("plain", cond("subject", "contains", "hej"), position=2)
    sample = Sample(subject="Hej", body="a" * 5000 + "!")

    # When the message is matched
    budget = Budget(0.5)
    started = time.monotonic()
    found = next(RuleSet.compile([evil, plain]).matches(sample, budget), None)

    # Then the bad pattern gives up within its limit, is reported, and intake goes on
    assert time.monotonic() - started < 2
    assert found is not None and found.rule.id == "plain"
    assert budget.timed_out == ["evil"]


def test_many_slow_patterns_share_one_budget_per_message() -> None:
    # Given 40 catastrophic patterns, and a message clock on which each look costs 0.1 s
    evil = [rule(f"evil{n}", cond("body", "regex", r"^(a|aa)+$"), position=n) for n in range(40)]
    ticks = iter(n / 10 for n in range(1000))
    budget = Budget(0.3, clock=lambda: next(ticks))

    # When the message is matched
    started = time.monotonic()
    found = next(RuleSet.compile(evil).matches(Sample(body="a" * 5000 + "!"), budget), None)

    # Then only the first patterns get time to run; the rest are skipped, all reported
    assert found is None
    assert budget.timed_out == [f"evil{n}" for n in range(40)]
    # Two patterns ran (50 ms each at most); 40 would take 2 s.
    assert time.monotonic() - started < 1.5
