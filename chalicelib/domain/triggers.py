"""Triggers and alarms (S7): when something happens to a ticket, and the ticket is as the
admin described, act: alarm by SMS or e-mail (an on-call phone), notify agents or a group,
set the priority or the group.

A trigger names *when* (which kinds of history event), *conditions* (every one given must
hold; an empty one is no condition) and *actions*. It is evaluated on one stored change of
a ticket (the events one save wrote, as the TicketEvents stream carries them) and fires at
most once per change, on the first event that meets it: a new ticket from a mail writes
both ``created`` and ``message_in``, and the on-call phone should ring once.

Keywords match case-insensitively on word boundaries ("avbrott" is found in "Avbrott i
Malmö!" but not in "avbrottsfri"), in the subject and the body, with Swedish letters
counting as letters. A phrase matches as a whole, whatever spaces separate its words.

Loops: the events a trigger's own actions write carry the chain of triggers that caused
them (``trigger_chain``); a trigger never fires on an event its chain names, so A setting
a priority that B reacts to, which sets a group A reacts to, stops there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.domain import email_address
from chalicelib.domain.checks import as_list, check_name, check_slug, enum_value
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.statuses import Channel, Priority

ACTOR_PREFIX = "trigger:"  # the actor of what a trigger writes: "trigger:<id>"
CHAIN = "trigger_chain"  # event data: the triggers whose actions caused the event
MAX_KEYWORDS = 50
MAX_KEYWORD = 100
MAX_ACTIONS = 10
MAX_RECIPIENTS = 10
MAX_HOURLY_CAP = 1000
DEFAULT_HOURLY_CAP = 20
DEFAULT_REGION = "SE"  # a number without country code is Swedish


class When(StrEnum):
    TICKET_CREATED = "ticket_created"
    MESSAGE_IN = "message_in"
    STATUS_CHANGED = "status_changed"
    PRIORITY_CHANGED = "priority_changed"
    SLA_BREACHED = "sla_breached"


# History event types -> the "when" they are. A reopen and a wake-up change the status too.
WHEN_OF_EVENT = {
    "created": When.TICKET_CREATED,
    "message_in": When.MESSAGE_IN,
    "status_changed": When.STATUS_CHANGED,
    "reopened": When.STATUS_CHANGED,
    "woke_up": When.STATUS_CHANGED,
    "priority_changed": When.PRIORITY_CHANGED,
    "sla_breached": When.SLA_BREACHED,
}


class ActionType(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    NOTIFY = "notify"
    SET_PRIORITY = "set_priority"
    SET_GROUP = "set_group"


# Actions that change the ticket (written with the firing's history record, one save) and
# actions that reach people outside the ticket (each claimed before it is done).
TICKET_ACTIONS = (ActionType.SET_PRIORITY, ActionType.SET_GROUP)
OUTSIDE_ACTIONS = (ActionType.SMS, ActionType.EMAIL, ActionType.NOTIFY)


def check_phone(value: object, what: str) -> str:
    """A mobile number in E.164 ("+46701234567"); "070-123 45 67" is read as Swedish."""
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        raise ValidationError(f"{what} must be a phone number")
    import phonenumbers  # imported on first use: its metadata is large (cold start)

    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"{what}: {value!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{what}: {value!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _fold(text: str) -> str:
    """Text as keywords are compared: NFC (a decomposed "å" is one letter), case-folded,
    runs of white space one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def check_keyword(value: object) -> str:
    if not isinstance(value, str) or not _fold(value) or len(value) > MAX_KEYWORD:
        raise ValidationError(f"keywords must be words or phrases of 1-{MAX_KEYWORD} characters")
    return " ".join(unicodedata.normalize("NFC", value).split())


def _pattern(keyword: str) -> re.Pattern[str]:
    # (?<!\w)/(?!\w) rather than \b: a keyword may begin or end with a non-letter ("#112").
    return re.compile(rf"(?<!\w){re.escape(_fold(keyword))}(?!\w)")


def find_keyword(keywords: Iterable[str], text: str) -> str | None:
    """The first keyword found in ``text`` as a whole word or phrase, or None."""
    folded = _fold(text)
    for keyword in keywords:
        if _pattern(keyword).search(folded):
            return keyword
    return None


def _optional_slug(value: object, what: str) -> str:
    return "" if value in (None, "") else check_slug(value, what)  # type: ignore[arg-type]


@dataclass
class Conditions:
    keywords: list[str] = field(default_factory=list)  # any one of them
    response_point_id: str = ""
    group_id: str = ""
    channel: str = ""
    priority: str = ""
    ticket_type: str = ""
    organisation: str = ""  # the contact's organisation, compared case-insensitively

    def __post_init__(self) -> None:
        words = as_list(self.keywords, "conditions.keywords")
        if len(words) > MAX_KEYWORDS:
            raise ValidationError(f"conditions.keywords: at most {MAX_KEYWORDS}")
        self.keywords = list(dict.fromkeys(check_keyword(w) for w in words))
        for name in ("response_point_id", "group_id", "ticket_type"):
            setattr(self, name, _optional_slug(getattr(self, name), f"conditions.{name}"))
        if self.channel not in (None, ""):
            self.channel = enum_value(Channel, self.channel, "conditions.channel").value
        self.channel = self.channel or ""
        if self.priority not in (None, ""):
            self.priority = enum_value(Priority, self.priority, "conditions.priority").value
        self.priority = self.priority or ""
        if self.organisation in (None, ""):
            self.organisation = ""
        else:
            self.organisation = check_name(self.organisation, "conditions.organisation")


def check_action(value: object, where: str) -> dict[str, Any]:
    """One action, checked and in its stored form (only the keys its type uses)."""
    if not isinstance(value, dict):
        raise ValidationError(f"{where} must be an object")
    kind = enum_value(ActionType, value.get("type"), f"{where}.type")
    allowed = {
        ActionType.SMS: {"type", "to"},
        ActionType.EMAIL: {"type", "to"},
        ActionType.NOTIFY: {"type", "group_id", "agent_id"},
        ActionType.SET_PRIORITY: {"type", "priority"},
        ActionType.SET_GROUP: {"type", "group_id"},
    }[kind]
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ValidationError(f"{where}: a {kind} action takes no {unknown[0]!r}")
    if kind in (ActionType.SMS, ActionType.EMAIL):
        to = as_list(value.get("to"), f"{where}.to")
        if not to or len(to) > MAX_RECIPIENTS:
            raise ValidationError(f"{where}.to must list 1-{MAX_RECIPIENTS} recipients")
        check = check_phone if kind is ActionType.SMS else _check_address
        return {"type": kind.value, "to": list(dict.fromkeys(check(r, f"{where}.to") for r in to))}
    if kind is ActionType.NOTIFY:
        group = _optional_slug(value.get("group_id"), f"{where}.group_id")
        agent = _optional_slug(value.get("agent_id"), f"{where}.agent_id")
        if bool(group) == bool(agent):
            raise ValidationError(f"{where}: notify either a group_id or an agent_id")
        return {"type": kind.value, **({"group_id": group} if group else {"agent_id": agent})}
    if kind is ActionType.SET_PRIORITY:
        priority = enum_value(Priority, value.get("priority"), f"{where}.priority")
        return {"type": kind.value, "priority": priority.value}
    return {"type": kind.value, "group_id": check_slug(value.get("group_id"), f"{where}.group_id")}  # type: ignore[arg-type]


def _check_address(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be e-mail addresses")
    try:
        address = email_address.check_email(value)
    except ValidationError:
        raise ValidationError(f"{what}: {value!r} is not an e-mail address") from None
    problem = email_address.unreachable_reason(address)
    if problem:
        raise ValidationError(f"{what}: {value!r} cannot be mailed ({problem})")
    return address


@dataclass
class Trigger:
    id: str
    name: str
    when: list[str]
    actions: list[dict[str, Any]]
    conditions: Conditions | dict[str, Any] = field(default_factory=Conditions)
    enabled: bool = True
    hourly_cap: int = DEFAULT_HOURLY_CAP  # firings an hour, at most; later ones do nothing

    def __post_init__(self) -> None:
        check_slug(self.id, "id")
        self.name = check_name(self.name, "name")
        moments = as_list(self.when, "when")
        if not moments:
            raise ValidationError(f"when must name at least one of {[w.value for w in When]}")
        self.when = list(dict.fromkeys(enum_value(When, w, "when").value for w in moments))
        if isinstance(self.conditions, dict):
            unknown = sorted(set(self.conditions) - {f for f in Conditions.__dataclass_fields__})
            if unknown:
                raise ValidationError(f"conditions: no condition {unknown[0]!r}")
            self.conditions = Conditions(**self.conditions)
        elif not isinstance(self.conditions, Conditions):
            raise ValidationError("conditions must be an object")
        actions = as_list(self.actions, "actions")
        if not actions or len(actions) > MAX_ACTIONS:
            raise ValidationError(f"actions must list 1-{MAX_ACTIONS} actions")
        self.actions = [check_action(a, f"actions[{n}]") for n, a in enumerate(actions)]
        for kind in TICKET_ACTIONS:
            if sum(a["type"] == kind for a in self.actions) > 1:
                raise ValidationError(f"actions: one {kind} action at most")
        if not isinstance(self.enabled, bool):
            raise ValidationError("enabled must be true or false")
        if (
            isinstance(self.hourly_cap, bool)
            or not isinstance(self.hourly_cap, int)
            or not 1 <= self.hourly_cap <= MAX_HOURLY_CAP
        ):
            raise ValidationError(f"hourly_cap must be a whole number 1-{MAX_HOURLY_CAP}")

    @property
    def rules(self) -> Conditions:
        assert isinstance(self.conditions, Conditions)
        return self.conditions

    @property
    def actor(self) -> str:
        return f"{ACTOR_PREFIX}{self.id}"


# --- what a change looks like to the triggers ------------------------------------------


@dataclass(frozen=True)
class TicketFacts:
    """The ticket as the conditions read it (after the change)."""

    response_point_id: str
    group_id: str = ""
    channel: str = ""
    priority: str = ""
    ticket_type: str = ""
    organisation: str = ""
    title: str = ""
    description: str = ""


@dataclass(frozen=True)
class EventFacts:
    """One event of the change: what it is, the text it brings, and which triggers caused it."""

    event_id: str
    when: When
    subject: str = ""
    body: str = ""
    caused_by: tuple[str, ...] = ()


def caused_by(event: TicketEvent) -> tuple[str, ...]:
    chain = event.data.get(CHAIN)
    found = [str(t) for t in chain] if isinstance(chain, list) else []
    if event.actor.startswith(ACTOR_PREFIX):
        found.append(event.actor.removeprefix(ACTOR_PREFIX))
    return tuple(dict.fromkeys(found))


def events_of_change(events: list[TicketEvent], ticket: TicketFacts) -> list[EventFacts]:
    """The events of one change the triggers can react to, oldest first. A message brings
    its subject and text; a new ticket its title and description and the messages it was
    opened with; any other event the ticket's title and description."""
    messages = [e for e in events if e.type == "message_in"]
    found = []
    for event in events:
        when = WHEN_OF_EVENT.get(event.type)
        if when is None:
            continue
        if when is When.MESSAGE_IN:
            subject = str(event.data.get("subject") or "")
            body = str(event.data.get("text") or "")
        elif when is When.TICKET_CREATED:
            subject = ticket.title
            texts = [ticket.description, *(str(m.data.get("text") or "") for m in messages)]
            body = "\n".join(t for t in texts if t)
            subjects = [str(m.data.get("subject") or "") for m in messages]
            subject = "\n".join(dict.fromkeys(s for s in [subject, *subjects] if s))
        else:
            subject, body = ticket.title, ticket.description
        found.append(EventFacts(event.event_id, when, subject, body, caused_by(event)))
    return found


@dataclass(frozen=True)
class Verdict:
    """Whether a trigger fires on a change, on which event, and why (each condition that
    held), or why not (``missed``: the first condition that did not hold)."""

    trigger_id: str
    fires: bool
    event_id: str | None = None
    when: str | None = None
    reasons: tuple[dict[str, str], ...] = ()
    missed: str | None = None


def _ticket_reasons(
    conditions: Conditions, ticket: TicketFacts
) -> tuple[list[dict[str, str]], str | None]:
    reasons: list[dict[str, str]] = []
    for name in ("response_point_id", "group_id", "channel", "priority", "ticket_type"):
        wanted = getattr(conditions, name)
        if not wanted:
            continue
        actual = getattr(ticket, name) or ""
        if actual != wanted:
            return reasons, f"{name} is {actual or 'not set'!r}, not {wanted!r}"
        reasons.append({"condition": name, "value": wanted})
    if conditions.organisation:
        if _fold(ticket.organisation) != _fold(conditions.organisation):
            actual = ticket.organisation or "not set"
            return reasons, f"organisation is {actual!r}, not {conditions.organisation!r}"
        reasons.append({"condition": "organisation", "value": conditions.organisation})
    return reasons, None


def evaluate(trigger: Trigger, ticket: TicketFacts, events: list[EventFacts]) -> Verdict:
    """Does ``trigger`` fire on this change? Disabled triggers are evaluated too (the dry
    run shows what they would do); the stream passes only enabled ones."""
    candidates = [e for e in events if e.when.value in trigger.when]
    if not candidates:
        return Verdict(trigger.id, False, missed="no event of the kinds in when")
    own = [e for e in candidates if trigger.id not in e.caused_by]
    if not own:
        return Verdict(trigger.id, False, missed="the events were caused by this trigger")
    reasons, missed = _ticket_reasons(trigger.rules, ticket)
    if missed:
        return Verdict(trigger.id, False, missed=missed)
    for event in own:
        found = _keyword_reason(trigger.rules.keywords, event)
        if found is None:
            continue
        when = {"condition": "when", "value": event.when.value}
        return Verdict(trigger.id, True, event.event_id, event.when.value, (when, *reasons, *found))
    return Verdict(trigger.id, False, missed=f"none of the keywords {trigger.rules.keywords} found")


def _keyword_reason(keywords: list[str], event: EventFacts) -> list[dict[str, str]] | None:
    """[] when there are no keywords, [reason] when one is found, None when none is."""
    if not keywords:
        return []
    for where, text in (("subject", event.subject), ("body", event.body)):
        keyword = find_keyword(keywords, text)
        if keyword is not None:
            return [{"condition": "keywords", "value": keyword, "where": where}]
    return None


_WORDS = {
    "sv": {"on": "vid {v}", "keyword": "nyckelordet \u201d{v}\u201d i {where}",
           "subject": "ämnet", "body": "texten", "other": "{c} = {v}"},
    "en": {"on": "on {v}", "keyword": "keyword \u201c{v}\u201d in the {where}",
           "subject": "subject", "body": "body", "other": "{c} = {v}"},
}  # fmt: skip


def describe(reasons: Iterable[dict[str, str]], language: str = "en") -> str:
    """Reasons in one line (sv or en), for logs, the SMS and the e-mail alarm."""
    words = _WORDS.get(language, _WORDS["en"])
    parts = []
    for reason in reasons:
        condition, value = reason["condition"], reason["value"]
        if condition == "when":
            parts.append(words["on"].format(v=value))
        elif condition == "keywords":
            where = words.get(reason.get("where", "body"), words["body"])
            parts.append(words["keyword"].format(v=value, where=where))
        else:
            parts.append(words["other"].format(c=condition, v=value))
    return ", ".join(parts)
