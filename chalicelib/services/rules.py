"""Matching rules, for admins (S2): keep them in order, and try them without creating anything."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from chalicelib.channels.email.errors import MailParseError
from chalicelib.channels.email.mime_in import parse_message
from chalicelib.domain.checks import check_slug
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.matching import MatchingRule, Sample
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.statuses import Channel
from chalicelib.services import inputs, templates
from chalicelib.services.context import Services
from chalicelib.services.mail.routing import response_point_for
from chalicelib.services.routing import MATCHING_RULE, decide, sample_of
from chalicelib.services.visibility import require_role

MAX_RULES = 2000
MAX_RAW_MAIL = 900_000  # the API's body limit is 1 MB


def list_rules(svc: Services, actor: User) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    return sorted(svc.config.list(MATCHING_RULE), key=lambda r: (r.get("position", 0), r["id"]))


def get_rule(svc: Services, actor: User, rule_id: str) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = svc.config.get(MATCHING_RULE, rule_id)
    if record is None:
        raise NotFoundError(f"no matching rule {rule_id!r}")
    return record


def save_rule(
    svc: Services, actor: User, rule_id: str, body: Any, *, create: bool
) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    data = dict(inputs.require_object(body))
    data.pop("revision", None)
    check_slug(rule_id, "rule id")
    exists = svc.config.get(MATCHING_RULE, rule_id) is not None
    inputs.check_create_or_replace("matching rule", rule_id, exists=exists, create=create)
    if create and len(svc.config.list(MATCHING_RULE)) >= MAX_RULES:
        raise ValidationError(f"at most {MAX_RULES} matching rules")
    rule = from_record(MatchingRule, {**data, "id": rule_id})
    if rule.template_id and templates.load(svc, rule.template_id) is None:
        raise ValidationError(f"no template {rule.template_id!r}")
    rule.revision = new_ulid(svc.clock())
    record = to_record(rule)
    svc.config.put(MATCHING_RULE, rule_id, record, create=create)
    return record


def delete_rule(svc: Services, actor: User, rule_id: str) -> None:
    get_rule(svc, actor, rule_id)
    svc.config.delete(MATCHING_RULE, rule_id)


def reorder_rules(svc: Services, actor: User, body: Any) -> list[dict[str, Any]]:
    """Give the rules the order of ``ids`` (positions 10, 20, ...); rules not named
    keep their place after them."""
    require_role(actor, Role.ADMIN)
    data = inputs.require_object(body)
    inputs.only_keys(data, {"ids"})
    ids = inputs.string_list(data, "ids", max_items=MAX_RULES, max_len=63) or []
    current = {r["id"]: r for r in list_rules(svc, actor)}
    missing = [i for i in ids if i not in current]
    if missing or len(set(ids)) != len(ids):
        raise ValidationError(f"ids must name existing rules once each; unknown: {missing}")
    order = ids + [i for i in current if i not in ids]
    for position, rule_id in enumerate(order, start=1):
        record = current[rule_id]
        if record.get("position") != position * 10:
            record.update(position=position * 10, revision=new_ulid(svc.clock()))
            svc.config.put(MATCHING_RULE, rule_id, record)
    return list_rules(svc, actor)


def test_rules(svc: Services, actor: User, body: Any) -> dict[str, Any]:
    """The dry run: which rule, template and inbox a new ticket from this message would
    get. Takes a sample (subject, body, sender, recipients, channel) or a raw e-mail
    (``raw`` as text or ``raw_base64``; ``recipients`` then are the envelope's)."""
    require_role(actor, Role.ADMIN)
    data = inputs.require_object(body)
    inputs.only_keys(
        data,
        {"subject", "body", "sender", "recipients", "channel", "raw", "raw_base64", "try_rule"},
    )
    trying = _rule_to_try(svc, data)
    envelope = [r.lower() for r in inputs.string_list(data, "recipients") or []]
    raw = _raw(data)
    if raw is not None:
        try:
            msg = parse_message(raw)
        except MailParseError as error:
            raise ValidationError(f"cannot parse the mail: {error.message}") from None
        sample = sample_of(msg, envelope, Channel.EMAIL.value)
    else:
        channel = inputs.enum(data, "channel", Channel) or Channel.EMAIL
        sample = Sample(
            subject=inputs.text(data, "subject", max_len=2000) or "",
            body=inputs.text(data, "body", max_len=MAX_RAW_MAIL) or "",
            sender=(inputs.text(data, "sender", max_len=254) or "").strip().lower(),
            recipients=tuple(envelope),
            channel=channel.value,
        )
    rp = response_point_for(svc, list(sample.recipients))
    decision = decide(svc, sample, rp, trying=trying)
    template = decision.template
    tried_disabled = (
        trying is not None
        and not trying.enabled
        and decision.rule is not None
        and decision.rule.id == trying.id
    )
    return {
        **decision.record(),
        # False when the rule that matched is the disabled one tried: it acts once enabled.
        "rule_enabled": None if decision.rule is None else not tried_disabled,
        "response_point_id": decision.response_point_id,
        "group_id": decision.group_id,
        "agent_id": decision.agent_id,
        "status": "closed" if decision.close else decision.status.value,
        "template": to_record(template) if template else None,
        # What the rules looked at (texts shortened), to see why a rule did not match.
        "sample": {
            "subject": sample.subject[:500],
            "body": sample.body[:500],
            "sender": sample.sender,
            "recipients": list(sample.recipients),
            "channel": sample.channel,
        },
    }


def _rule_to_try(svc: Services, data: dict[str, Any]) -> MatchingRule | None:
    """The stored rule named by ``try_rule``, run as if enabled (a new rule is saved
    disabled and tried before an admin enables it)."""
    rule_id = inputs.text(data, "try_rule", max_len=63)
    if not rule_id:
        return None
    record = svc.config.get(MATCHING_RULE, rule_id)
    if record is None:
        raise ValidationError(f"no matching rule {rule_id!r} to try")
    return from_record(MatchingRule, record)


def _raw(data: dict[str, Any]) -> bytes | None:
    text = inputs.text(data, "raw", max_len=MAX_RAW_MAIL)
    if text is not None:
        return text.encode("utf-8", "surrogateescape")
    encoded = inputs.text(data, "raw_base64", max_len=MAX_RAW_MAIL * 2)
    if encoded is None:
        return None
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("raw_base64 is not base64") from None
