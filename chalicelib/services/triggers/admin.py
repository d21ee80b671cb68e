"""Triggers, for admins (S7): the collection in Config (``trigger``, id), every reference
checked on save, and the dry run: which triggers a sample change would fire, and why."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.checks import check_slug
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.statuses import Channel, Priority
from chalicelib.domain.triggers import (
    ActionType,
    EventFacts,
    TicketFacts,
    Trigger,
    Verdict,
    When,
    describe,
    evaluate,
)
from chalicelib.services import directory, inputs
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

TRIGGER = "trigger"
MAX_TRIGGERS = 200
KEYS = {"id", "name", "when", "conditions", "actions", "enabled", "hourly_cap"}
SAMPLE_KEYS = {
    "event", "subject", "body", "response_point_id", "group_id", "channel", "priority",
    "ticket_type", "organisation",
}  # fmt: skip
MAX_SAMPLE_TEXT = 100_000


def load_all(svc: Services) -> list[Trigger]:
    """Every stored trigger that is still valid, by name (one that no longer is, say after
    a group was deleted, is skipped rather than stopping the others)."""
    found = []
    for record in svc.config.list(TRIGGER):
        try:
            found.append(from_record(Trigger, record))
        except ValidationError:
            continue
    return sorted(found, key=lambda t: (t.name.casefold(), t.id))


def list_triggers(svc: Services, actor: User) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    records = svc.config.list(TRIGGER)
    return sorted(records, key=lambda r: (str(r.get("name", "")).casefold(), r["id"]))


def get_trigger(svc: Services, actor: User, trigger_id: str) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = svc.config.get(TRIGGER, trigger_id)
    if record is None:
        raise NotFoundError(f"no trigger {trigger_id!r}")
    return record


def save_trigger(
    svc: Services, actor: User, trigger_id: str | None, body: Any, *, create: bool
) -> dict[str, Any]:
    """Create (409 if the id exists) or replace a trigger, checked whole (422 naming the
    field) before anything is written."""
    require_role(actor, Role.ADMIN)
    data = dict(inputs.require_object(body))
    inputs.only_keys(data, KEYS)
    if trigger_id is None:  # POST: the body may name the id, else one is made
        trigger_id = data["id"] if data.get("id") is not None else new_ulid(svc.clock()).lower()
    check_slug(trigger_id, "id")
    if not create and data.get("id") not in (None, trigger_id):
        raise ValidationError(f"id {data['id']!r} is not the trigger's id {trigger_id!r}")
    exists = svc.config.get(TRIGGER, trigger_id) is not None
    inputs.check_create_or_replace("trigger", trigger_id, exists=exists, create=create)
    if create and len(svc.config.list(TRIGGER)) >= MAX_TRIGGERS:
        raise ValidationError(f"at most {MAX_TRIGGERS} triggers")
    for key in ("name", "when", "actions"):
        if key not in data:
            raise ValidationError(f"{key} is required")
    trigger = from_record(Trigger, {**data, "id": trigger_id})
    check_references(svc, trigger)
    record = to_record(trigger)
    svc.config.put(TRIGGER, trigger_id, record, create=create)
    return record


def delete_trigger(svc: Services, actor: User, trigger_id: str) -> None:
    get_trigger(svc, actor, trigger_id)
    svc.config.delete(TRIGGER, trigger_id)


def check_references(svc: Services, trigger: Trigger) -> None:
    """Everything the trigger names exists: response point, groups, agents, ticket type."""
    rules = trigger.rules
    if rules.response_point_id:
        _exists(
            svc,
            directory.response_point,
            rules.response_point_id,
            "conditions.response_point_id",
            "response point",
        )
    if rules.group_id:
        _exists(svc, directory.group, rules.group_id, "conditions.group_id", "group")
    if rules.ticket_type and rules.ticket_type not in {t.id for t in directory.ticket_types(svc)}:
        raise ValidationError(f"conditions.ticket_type: no ticket type {rules.ticket_type!r}")
    for n, action in enumerate(trigger.actions):
        where = f"actions[{n}]"
        if action.get("group_id"):
            _exists(svc, directory.group, action["group_id"], f"{where}.group_id", "group")
        if action.get("agent_id"):
            agent = _exists(svc, directory.user, action["agent_id"], f"{where}.agent_id", "agent")
            if not agent.active:
                raise ValidationError(
                    f"{where}.agent_id: agent {action['agent_id']!r} is not active"
                )
        if action["type"] == ActionType.SMS and svc.sms is None:
            raise ValidationError(
                f"{where}: SMS is not set up here, so an SMS alarm cannot be sent"
            )


def _exists(svc: Services, load: Any, item_id: str, where: str, what: str) -> Any:
    try:
        return load(svc, item_id)
    except NotFoundError:
        raise ValidationError(f"{where}: no {what} {item_id!r}") from None


# --- the dry run ----------------------------------------------------------------------


def test_triggers(svc: Services, actor: User, body: Any) -> dict[str, Any]:
    """The dry run: ``{"sample": {...}, "trigger": {...}?}``. Evaluates the given
    (unsaved) trigger, or else every stored one, on a change that is one event of the
    sample's kind on a ticket as the sample describes. Nothing is sent or written."""
    require_role(actor, Role.ADMIN)
    data = inputs.require_object(body)
    inputs.only_keys(data, {"sample", "trigger"})
    sample = inputs.mapping(data, "sample")
    if sample is None:
        raise ValidationError("sample is required")
    ticket, event = _sample(sample)
    if data.get("trigger") is not None:
        given = dict(inputs.require_object(data["trigger"]))
        inputs.only_keys(given, KEYS)
        triggers = [from_record(Trigger, {"id": "dry-run", **given})]
    else:
        triggers = load_all(svc)
    language = actor.language.value  # the reasons in the admin's language
    items = []
    for trigger in triggers:
        verdict = evaluate(trigger, ticket, [event])
        items.append(_verdict_record(trigger, verdict, language))
    return {
        "items": items,
        "fires": [i["id"] for i in items if i["fires"] and i["enabled"]],
        "sample": {"event": event.when.value, **to_record(ticket)},
    }


def _verdict_record(trigger: Trigger, verdict: Verdict, language: str) -> dict[str, Any]:
    return {
        "id": trigger.id,
        "name": trigger.name,
        "enabled": trigger.enabled,
        "fires": verdict.fires,
        "reasons": list(verdict.reasons),
        "why": describe(verdict.reasons, language) if verdict.fires else verdict.missed,
        "actions": trigger.actions if verdict.fires else [],
    }


def _sample(sample: dict[str, Any]) -> tuple[TicketFacts, EventFacts]:
    inputs.only_keys(sample, SAMPLE_KEYS)
    when = inputs.enum(sample, "event", When) or When.MESSAGE_IN
    channel = inputs.enum(sample, "channel", Channel)
    priority = inputs.enum(sample, "priority", Priority)
    subject = inputs.text(sample, "subject", max_len=2000) or ""
    body = inputs.text(sample, "body", max_len=MAX_SAMPLE_TEXT) or ""
    ticket = TicketFacts(
        response_point_id=inputs.text(sample, "response_point_id", max_len=63) or "",
        group_id=inputs.text(sample, "group_id", max_len=63) or "",
        channel=channel.value if channel else "",
        priority=(priority or Priority.MEDIUM).value,
        ticket_type=inputs.text(sample, "ticket_type", max_len=63) or "",
        organisation=inputs.text(sample, "organisation", max_len=200) or "",
        title=subject,
        description=body,
    )
    return ticket, EventFacts("sample", when, subject, body)
