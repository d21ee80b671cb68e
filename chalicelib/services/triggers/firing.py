"""Triggers on the TicketEvents stream (S7): each stored change is shown to every enabled
trigger; one that fires acts and is recorded in the ticket's history with why.

Once per ticket and event: a firing is named by the trigger and the event it fired on
(``trigger:<id>:<event id>``, a Lookups key written in the same transaction as the
history record). The order makes a retried delivery harmless: outside actions first, each
claimed per recipient (``actions``), then the record with the ticket's own actions (set
priority, set group) in one conditional save that also writes the key. A delivery that
finds the key does nothing; one that failed half-way sends only what did not go.

Never on its own doing: what a trigger writes has the actor ``trigger:<id>`` and carries
the chain of triggers behind it (``domain/triggers``).

Hourly cap: a counter per trigger and hour, counted once per firing (a claim guards the
count); a firing over the cap is recorded (``capped``) and does nothing else.

Cost: nothing but the trigger list (Config, cached) for a change no trigger's ``when``
names; else one GetItem for the ticket (and one for the contact if a trigger asks for
the organisation). Per firing: a GetItem (the key), a claim and a counter update, a claim
per message sent, the ticket read again and one transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.ids import stable_ulid
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.statuses import Priority
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.triggers import (
    CHAIN,
    WHEN_OF_EVENT,
    ActionType,
    TicketFacts,
    Trigger,
    Verdict,
    caused_by,
    evaluate,
    events_of_change,
)
from chalicelib.services import directory
from chalicelib.services.context import Services
from chalicelib.services.triggers import actions, admin

logger = Logger(service="servit-triggers")

_SAVE_ATTEMPTS = 5
CAPPED = "capped"


def firing_key(trigger_id: str, event_id: str) -> str:
    return f"trigger:{trigger_id}:{event_id}"


def enabled_triggers(svc: Services) -> list[Trigger]:
    """The triggers to evaluate: read once per stream batch (one Query, or none while
    the container's Config cache holds them)."""
    return [t for t in admin.load_all(svc) if t.enabled]


def react(svc: Services, change: list[StoredEvent], enabled: list[Trigger] | None = None) -> int:
    """Fire every enabled trigger that one stored change meets; returns how many fired
    now. Raises what should be retried from the stream (a sender or the store failing)."""
    if not change:
        return 0
    triggers = enabled_triggers(svc) if enabled is None else enabled
    events = [s.event for s in change]
    moments = {WHEN_OF_EVENT[e.type].value for e in events if e.type in WHEN_OF_EVENT}
    triggers = [t for t in triggers if moments & set(t.when)]
    if not triggers:
        return 0
    try:
        ticket = svc.tickets.get(events[0].ticket_id)
    except NotFoundError:  # gone (retention): nothing to alarm about
        return 0
    facts = ticket_facts(svc, ticket, organisation=any(t.rules.organisation for t in triggers))
    candidates = events_of_change(events, facts)
    by_id = {e.event_id: e for e in events}
    fired = 0
    for trigger in triggers:
        verdict = evaluate(trigger, facts, candidates)
        if verdict.fires and verdict.event_id:
            fired += fire(svc, trigger, verdict, ticket, by_id[verdict.event_id])
    return fired


def ticket_facts(svc: Services, ticket: Ticket, *, organisation: bool) -> TicketFacts:
    org = ""
    if organisation and ticket.contact_id:
        try:
            org = svc.contacts.get(ticket.contact_id).organisation
        except NotFoundError:
            org = ""
    return TicketFacts(
        response_point_id=ticket.response_point_id,
        group_id=ticket.group_id or "",
        channel=ticket.channel.value,
        priority=ticket.priority.value,
        ticket_type=ticket.ticket_type or "",
        organisation=org,
        title=ticket.title,
        description=ticket.description,
    )


def fire(svc: Services, trigger: Trigger, verdict: Verdict, ticket: Ticket, on: TicketEvent) -> int:
    """Act on one firing and record it; 1 if it acted now, 0 if done before or capped."""
    key = firing_key(trigger.id, on.event_id)
    if svc.lookups.get(key) is not None:
        return 0  # recorded: everything was done by an earlier delivery
    firing = actions.Firing(key, trigger, ticket, verdict.reasons, _language(svc, ticket), on.at)
    if _over_cap(svc, trigger, key):
        logger.warning("trigger over its hourly cap", extra={"trigger": trigger.id,
                       "ticket_id": ticket.id, "cap": trigger.hourly_cap})  # fmt: skip
        _record(svc, firing, verdict, on, [], capped=True)
        return 0
    outcomes = actions.run_outside(svc, firing)
    if not _record(svc, firing, verdict, on, outcomes, capped=False):
        return 0
    logger.info("trigger fired", extra={"trigger": trigger.id, "ticket_id": ticket.id,
                "event_id": on.event_id, "why": firing.why})  # fmt: skip
    return 1


def _over_cap(svc: Services, trigger: Trigger, key: str) -> bool:
    """Count the firing in its trigger's hour, once: a redelivery that finds it counted
    goes on (had it been over the cap, its record would be there)."""
    if not svc.lookups.claim(f"{key}#counted", trigger.id):
        return False
    now = svc.clock()
    counter = f"trigger-hour:{trigger.id}:{now:%Y%m%d%H}"
    # The counter lives a little past its hour; TTL then removes it.
    count = svc.config.next_number(counter, 1, expires_at=now + timedelta(hours=2))
    return count > trigger.hourly_cap


def _record(
    svc: Services,
    firing: actions.Firing,
    verdict: Verdict,
    on: TicketEvent,
    outcomes: list[dict[str, Any]],
    *,
    capped: bool,
) -> bool:
    """The history record, with the ticket's own actions, in one save that also writes
    the firing's key (only if absent). False if another delivery recorded it first."""
    trigger = firing.trigger
    chain = [*caused_by(on), trigger.id]
    for attempt in range(_SAVE_ATTEMPTS):
        # First on the ticket as read for the conditions (a write since makes the save a
        # conflict), then read again.
        try:
            ticket = firing.ticket if attempt == 0 else svc.tickets.get(firing.ticket.id)
        except NotFoundError:
            return False
        now = svc.clock()
        done = [] if capped else _ticket_actions(svc, trigger, ticket, chain)
        event_id = stable_ulid(on.at, firing.key)
        ticket.record_trigger(
            event_id, trigger.actor, now,
            trigger_id=trigger.id, trigger_name=trigger.name, on_event=on.event_id,
            on=verdict.when, on_type=on.type, reasons=list(verdict.reasons), why=firing.why,
            actions=[*outcomes, *done], capped=capped,
            **({"hourly_cap": trigger.hourly_cap} if capped else {}),
        )  # fmt: skip
        try:
            svc.tickets.save(ticket, claims={firing.key: event_id})
        except ConflictError:
            if svc.lookups.get(firing.key) is not None:
                return False  # recorded by another delivery
            continue  # the ticket changed meanwhile: again on the new version
        return True
    raise ConflictError(f"ticket {firing.ticket.id} kept changing; the trigger is retried")


def _ticket_actions(
    svc: Services, trigger: Trigger, ticket: Ticket, chain: list[str]
) -> list[dict[str, Any]]:
    """Set priority and set group, as the trigger; the events they write are tagged with
    the chain of triggers behind them (so none of those fires on them again)."""
    written = len(ticket.pending_events)
    now = svc.clock()
    done = []
    for action in trigger.actions:
        if action["type"] == ActionType.SET_PRIORITY:
            done.append(_set_priority(svc, trigger, ticket, Priority(action["priority"])))
        elif action["type"] == ActionType.SET_GROUP:
            done.append(_set_group(svc, trigger, ticket, action["group_id"], now))
    ticket.pending_events[written:] = [
        replace(e, data={**e.data, CHAIN: chain}) for e in ticket.pending_events[written:]
    ]
    return done


def _set_priority(
    svc: Services, trigger: Trigger, ticket: Ticket, priority: Priority
) -> dict[str, Any]:
    if ticket.priority is priority:
        return {"type": "set_priority", "priority": priority.value, "outcome": "unchanged"}
    ticket.set_priority(priority, trigger.actor, svc.clock())
    from chalicelib.services.sla_targets import restart_sla

    restart_sla(svc, ticket)  # the due times of the new priority, as for an agent's change
    return {"type": "set_priority", "priority": priority.value, "outcome": "done"}


def _set_group(
    svc: Services, trigger: Trigger, ticket: Ticket, group_id: str, now: Any
) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "set_group", "group_id": group_id}
    if ticket.group_id == group_id:
        return {**result, "outcome": "unchanged"}
    if not ticket.is_open:
        return {**result, "outcome": "ticket_not_open"}
    try:
        group = directory.group(svc, group_id)
    except NotFoundError:
        return {**result, "outcome": "no_group"}
    if group.response_point_id != ticket.response_point_id:
        ticket.set_response_point(group.response_point_id, trigger.actor, now)
    agent = ticket.agent_id
    if agent:  # the agent stays only if they are in the new group
        try:
            keep = group_id in directory.user(svc, agent).groups
        except NotFoundError:
            keep = False
        agent = agent if keep else None
    ticket.assign(trigger.actor, now, agent_id=agent, group_id=group_id)
    return {**result, "outcome": "done"}


def _language(svc: Services, ticket: Ticket) -> str:
    try:
        return directory.response_point(svc, ticket.response_point_id).language.value
    except NotFoundError:
        return "sv"
