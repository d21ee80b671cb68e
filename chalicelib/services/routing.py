"""Routing of new tickets (S2, S3): matching rules pick a template, the template places
the ticket — or the rule closes it at once; with no match the ticket goes to its
response point's default inbox.

``decide`` only reads, so the admins' dry run (``rules.test_rules``) and intake share it;
``apply`` then changes the new ticket before its first write.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.matching import REGEX_BUDGET, Budget, Hit, MatchingRule, RuleSet, Sample
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.records import from_record
from chalicelib.domain.statuses import Status
from chalicelib.domain.templates import Template
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, templates
from chalicelib.services.context import Services
from chalicelib.services.sla_targets import start_sla
from chalicelib.services.template_use import prefill

logger = Logger(service="servit-routing")

MATCHING_RULE = templates.MATCHING_RULE

_cache_lock = threading.Lock()
_cache: dict[tuple[tuple[str, str], ...], RuleSet] = {}


@dataclass(frozen=True)
class Decision:
    rule: MatchingRule | None
    hits: tuple[Hit, ...]
    template: Template | None
    response_point_id: str
    group_id: str | None
    agent_id: str | None
    status: Status
    close: bool
    timed_out: tuple[str, ...] = ()
    skipped: tuple[str, ...] = field(default_factory=tuple)  # matched, template unusable

    @property
    def inbox(self) -> str:
        if self.close:
            return "closed"
        if self.agent_id:
            return f"agent:{self.agent_id}"
        if self.group_id:
            return f"pool-group:{self.group_id}"
        return f"pool-rp:{self.response_point_id}"

    def record(self) -> dict[str, Any]:
        """What the ticket keeps (and GET /api/tickets/{id} shows) of how it was placed."""
        return {
            "rule_id": self.rule.id if self.rule else None,
            "rule_name": self.rule.name if self.rule else None,
            "why": [h.as_record() for h in self.hits] if self.rule else "no rule matched",
            "template_id": self.template.id if self.template else None,
            "template_version": self.template.version if self.template else None,
            "inbox": self.inbox,
            "closed": self.close,
            "timed_out": list(self.timed_out),
            "skipped": list(self.skipped),
        }


def sample_of(msg: InboundMessage, envelope: Sequence[str], channel: str) -> Sample:
    recipients = [a.lower() for a in (*envelope, *msg.to, *msg.cc) if a]
    return Sample(
        subject=msg.subject,
        body=msg.text or msg.stripped_text,
        sender=(msg.from_addr or "").lower(),
        recipients=tuple(dict.fromkeys(recipients)),
        channel=channel,
    )


def rule_set(svc: Services) -> RuleSet:
    """The enabled rules, compiled; kept per container until a rule changes."""
    records = svc.config.list(MATCHING_RULE)
    key = tuple(sorted((str(r.get("id")), str(r.get("revision", ""))) for r in records))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    rules = []
    for record in records:
        try:
            rules.append(from_record(MatchingRule, record))
        except ValidationError:
            logger.warning("stored rule is not valid; skipped", extra={"rule": record.get("id")})
    compiled = RuleSet.compile(rules)
    with _cache_lock:
        _cache.clear()
        _cache[key] = compiled
    return compiled


def decide(
    svc: Services, sample: Sample, rp: ResponsePoint, *, trying: MatchingRule | None = None
) -> Decision:
    """``trying``: a rule (disabled, as new rules are saved) to run as if enabled, in its
    place among the enabled ones: the admins' dry run before they enable it (issue 15)."""
    budget = Budget(REGEX_BUDGET)
    skipped = []
    rules = rule_set(svc) if trying is None else _trial_set(svc, trying)
    for match in rules.matches(sample, budget):
        template = templates.load(svc, match.rule.template_id) if match.rule.template_id else None
        if match.rule.template_id and (template is None or not template.enabled):
            skipped.append(match.rule.id)  # a rule whose template is gone or disabled rests
            continue
        return _placed(svc, rp, match.rule, match.hits, template, budget, skipped)
    return _placed(svc, rp, None, (), None, budget, skipped)


def _trial_set(svc: Services, trying: MatchingRule) -> RuleSet:
    rules = [replace(trying, enabled=True)]
    for record in svc.config.list(MATCHING_RULE):
        if record.get("id") == trying.id:
            continue
        try:
            rules.append(from_record(MatchingRule, record))
        except ValidationError:
            continue  # as rule_set: a stored rule that is not valid never runs
    return RuleSet.compile(rules)


def for_template(svc: Services, template: Template, rp: ResponsePoint) -> Decision:
    """Placement by a template an agent chose (no rule involved)."""
    return _placed(svc, rp, None, (), template, Budget(0), [])


def _placed(
    svc: Services,
    rp: ResponsePoint,
    rule: MatchingRule | None,
    hits: tuple[Hit, ...],
    template: Template | None,
    budget: Budget,
    skipped: list[str],
) -> Decision:
    rp_id = template.response_point_id if template else rp.id
    group_id = (template.group_id if template else "") or None
    agent_id = (template.agent_id if template else "") or None
    if agent_id and not _active(svc, agent_id):
        agent_id = None
    if group_id is None and agent_id is None:
        group_id = _default_group(svc, rp_id)
    return Decision(
        rule=rule,
        hits=hits,
        template=template,
        response_point_id=rp_id,
        group_id=group_id,
        agent_id=agent_id,
        status=Status(template.default_status) if template else Status.NEW,
        close=bool(rule and rule.close),
        timed_out=tuple(dict.fromkeys(budget.timed_out)),
        skipped=tuple(skipped),
    )


def apply(
    svc: Services,
    ticket: Ticket,
    decision: Decision,
    actor: str,
    now: datetime,
    *,
    keep: Collection[str] = (),
    record: bool = True,
) -> None:
    """Place a new ticket (not yet stored) as decided; ``keep`` names fields its author
    set and the template must not change. ``record``: keep the decision on the ticket
    (not when an agent chose the template, which no rule did)."""

    if "response_point_id" not in keep:
        ticket.response_point_id = decision.response_point_id
    same_rp = ticket.response_point_id == decision.response_point_id
    if same_rp and not {"group_id", "agent_id"} & set(keep):
        ticket.group_id, ticket.agent_id = decision.group_id, decision.agent_id
    if decision.template is not None:
        prefill(svc, ticket, decision.template, actor, now, overwrite=True, keep=keep)
    else:  # the general SLA targets (Settings, S16), if any
        start_sla(svc, ticket, None)
    if decision.status is not Status.NEW and "status" not in keep:
        ticket.change_status(decision.status, actor, now)
    if record:
        ticket.record_routing(decision.record(), actor, now)
    if decision.close:
        ticket.change_status(Status.CLOSED, actor, now)
    if decision.timed_out:
        logger.warning("matching rules ran out of time", extra={"rules": list(decision.timed_out)})


def _active(svc: Services, user_id: str) -> bool:
    try:
        return directory.user(svc, user_id).active
    except NotFoundError:
        return False


def _default_group(svc: Services, rp_id: str) -> str | None:
    try:
        return directory.response_point(svc, rp_id).default_group_id or None
    except NotFoundError:
        return None
