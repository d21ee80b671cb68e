"""Matching rules (S2): conditions on what arrives pick the template of a new ticket.

Conditions look at the subject, the body text, the sender (address or domain), the
recipients and the channel, with contains (substring or whole word) / equals /
starts with / regular expression, all case-insensitive. A rule combines its
conditions with all or any; rules run in their explicit order and the first that
matches wins. Regular expressions run under the ``regex`` package's timeout and a
budget per message, so no pattern can stall intake: one that runs out counts as
no match and is reported.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.domain.checks import check_name, check_slug
from chalicelib.domain.errors import ValidationError

MAX_CONDITIONS = 20
MAX_VALUE = 500
MAX_TEXT = 100_000  # characters of subject/body looked at
REGEX_TIMEOUT = 0.05  # seconds, one pattern on one text
REGEX_BUDGET = 0.5  # seconds, all patterns on one message


class Field(StrEnum):
    SUBJECT = "subject"
    BODY = "body"
    SENDER = "sender"
    RECIPIENT = "recipient"
    CHANNEL = "channel"


class Operator(StrEnum):
    CONTAINS = "contains"
    EQUALS = "equals"
    STARTS_WITH = "starts_with"
    REGEX = "regex"


class Combine(StrEnum):
    ALL = "all"
    ANY = "any"


@dataclass(frozen=True)
class Sample:
    """What rules see of an incoming message, whatever its channel."""

    subject: str = ""
    body: str = ""
    sender: str = ""
    recipients: tuple[str, ...] = ()
    channel: str = "email"


@dataclass(frozen=True)
class Hit:
    """A condition that held: the reason a rule matched."""

    field: str
    operator: str
    value: str
    matched: str  # what in the message it matched (shortened)

    def as_record(self) -> dict[str, str]:
        return {
            "field": self.field,
            "operator": self.operator,
            "value": self.value,
            "matched": self.matched,
        }


@dataclass
class MatchingRule:
    id: str
    name: str
    conditions: list[dict[str, Any]]
    position: int = 0
    combine: str = Combine.ALL.value
    template_id: str = ""
    close: bool = False  # close the ticket at once (S3), with or without a template
    enabled: bool = True
    revision: str = ""  # changes on every save: compiled rule sets are cached by it

    def __post_init__(self) -> None:
        check_slug(self.id, "rule id")
        self.name = check_name(self.name, "name")
        if isinstance(self.position, bool) or not isinstance(self.position, int):
            raise ValidationError("position must be a whole number")
        if not 0 <= self.position <= 1_000_000:
            raise ValidationError("position must be 0-1000000")
        try:
            self.combine = Combine(self.combine).value
        except ValueError:
            raise ValidationError("combine must be all or any") from None
        if not isinstance(self.conditions, list) or not 1 <= len(self.conditions) <= MAX_CONDITIONS:
            raise ValidationError(f"a rule needs 1-{MAX_CONDITIONS} conditions")
        self.conditions = [check_condition(c) for c in self.conditions]
        if self.template_id:
            check_slug(self.template_id, "template_id")
        if not isinstance(self.close, bool) or not isinstance(self.enabled, bool):
            raise ValidationError("close and enabled must be true or false")
        if not self.template_id and not self.close:
            raise ValidationError("a rule sets a template, closes the ticket, or both")


def check_condition(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("a condition is an object: field, operator, value")
    unknown = set(value) - {"field", "operator", "value", "whole_word"}
    if unknown:
        raise ValidationError(f"unknown condition keys: {sorted(unknown)}")
    try:
        field_ = Field(str(value.get("field")))
        operator = Operator(value.get("operator", Operator.CONTAINS))
    except ValueError:
        raise ValidationError(
            f"field must be one of {[f.value for f in Field]}, "
            f"operator one of {[o.value for o in Operator]}"
        ) from None
    text = value.get("value")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_VALUE:
        raise ValidationError(f"a condition's value is text of 1-{MAX_VALUE} characters")
    whole_word = value.get("whole_word", False)
    if not isinstance(whole_word, bool):
        raise ValidationError("whole_word must be true or false")
    if whole_word and operator is not Operator.CONTAINS:
        raise ValidationError("whole_word goes with the operator contains")
    if operator is Operator.REGEX:
        import regex  # imported on first use: it costs the API's cold start ~10 ms

        try:
            regex.compile(text, regex.IGNORECASE)
        except (regex.error, OverflowError, RecursionError) as error:
            raise ValidationError(f"not a regular expression: {error}") from None
    return {"field": field_.value, "operator": operator.value, "value": text,
            "whole_word": whole_word}  # fmt: skip


# --- evaluation ----------------------------------------------------------------------


class Budget:
    """Time left for regular expressions on one message (monotonic clock injected)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = clock() + seconds
        self.timed_out: list[str] = []  # rule ids whose pattern ran out of time

    def left(self) -> float:
        return self._until - self._clock()


# (text, text case-folded, budget, rule id) -> what matched, or None
Test = Callable[[str, str, Budget, str], str | None]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _compile_test(field_: Field, operator: Operator, value: str, whole_word: bool) -> Test:
    folded = value.strip().casefold()
    if field_ is Field.SENDER and operator is Operator.EQUALS and "@" not in folded.lstrip("@"):
        domain = folded.lstrip("@")

        def domain_test(text: str, folded_text: str, budget: Budget, rule: str) -> str | None:
            at = folded_text.rpartition("@")[2]
            return text if at == domain or at.endswith("." + domain) else None

        return domain_test
    if operator is Operator.REGEX:
        import regex

        pattern = regex.compile(value, regex.IGNORECASE)

        def regex_test(text: str, folded_text: str, budget: Budget, rule: str) -> str | None:
            left = min(REGEX_TIMEOUT, budget.left())
            if left <= 0:
                budget.timed_out.append(rule)
                return None
            try:
                found = pattern.search(text, timeout=left)
            except TimeoutError:
                budget.timed_out.append(rule)
                return None
            return _excerpt(found.group(0)) if found else None

        return regex_test
    if operator is Operator.CONTAINS and whole_word:
        word = re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")

        def word_test(text: str, folded_text: str, budget: Budget, rule: str) -> str | None:
            if folded not in folded_text:  # the cheap test first: most rules fail here
                return None
            found = word.search(folded_text)
            return _excerpt(found.group(0)) if found else None

        return word_test
    if operator is Operator.CONTAINS:
        return lambda text, folded_text, budget, rule: folded if folded in folded_text else None
    if operator is Operator.EQUALS:
        return lambda text, folded_text, budget, rule: (
            text if folded_text.strip() == folded else None
        )
    return lambda text, folded_text, budget, rule: (
        _excerpt(text) if folded_text.lstrip().startswith(folded) else None
    )


@dataclass(frozen=True)
class _Compiled:
    condition: dict[str, Any]
    field: Field
    test: Test

    def hit(self, texts: _Texts, budget: Budget, rule_id: str) -> Hit | None:
        for text, folded_text in texts[self.field]:
            matched = self.test(text, folded_text, budget, rule_id)
            if matched is not None:
                c = self.condition
                return Hit(c["field"], c["operator"], c["value"], matched)
        return None


_Texts = dict[Field, list[tuple[str, str]]]


def _texts(sample: Sample) -> _Texts:
    """Each field's text(s), as written and case-folded once per message (not per rule)."""
    texts: _Texts = {}
    for field_ in Field:
        if field_ is Field.RECIPIENT:
            values: tuple[str, ...] = sample.recipients
        else:
            values = (getattr(sample, field_.value)[:MAX_TEXT],)
        texts[field_] = [(v, v.casefold()) for v in values]
    return texts


def _compiled(condition: dict[str, Any]) -> _Compiled:
    field_ = Field(condition["field"])
    test = _compile_test(
        field_, Operator(condition["operator"]), condition["value"], condition["whole_word"]
    )
    return _Compiled(condition, field_, test)


@dataclass(frozen=True)
class RuleMatch:
    rule: MatchingRule
    hits: tuple[Hit, ...]


@dataclass
class RuleSet:
    """Enabled rules, compiled once, in their order (position, then id)."""

    rules: list[tuple[MatchingRule, list[_Compiled]]] = field(default_factory=list)

    @classmethod
    def compile(cls, rules: list[MatchingRule]) -> RuleSet:
        ordered = sorted((r for r in rules if r.enabled), key=lambda r: (r.position, r.id))
        return cls([(rule, [_compiled(c) for c in rule.conditions]) for rule in ordered])

    def matches(self, sample: Sample, budget: Budget) -> Iterator[RuleMatch]:
        """Every matching rule, in order: the caller takes the first it can use."""
        texts = _texts(sample)
        for rule, conditions in self.rules:
            hits: list[Hit] = []
            for condition in conditions:
                hit = condition.hit(texts, budget, rule.id)
                if hit is not None:
                    hits.append(hit)
                    if rule.combine == Combine.ANY:
                        break
                elif rule.combine == Combine.ALL:
                    hits = []
                    break
            if hits:
                yield RuleMatch(rule, tuple(hits))
