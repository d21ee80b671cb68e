"""Templates (mallar, S12): what a kind of ticket is prefilled with and how it is solved.

A template is a config item, versioned: every save stores a snapshot under its
version number and a ticket remembers the version it got. The texts may hold
placeholders; ``services/template_texts.py`` renders them in a sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.checks import as_list, check_name, check_slug, enum_value
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.sla import check_pausing
from chalicelib.domain.statuses import ItilProcess, Priority, Status

MAX_TEXT = 20_000
MAX_ITEMS = 50
# A template may start a ticket in a working status; closing at once is a matching rule's job.
DEFAULT_STATUSES = frozenset(
    {Status.NEW, Status.OPEN, Status.WITH_CONTACT, Status.WITH_EXTERNAL, Status.DORMANT}
)
SLA_KINDS = ("first_response", "resolution")
MAX_SLA_MINUTES = 366 * 24 * 60


def _text(value: object, what: str, max_len: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > max_len:
        raise ValidationError(f"{what} must be text up to {max_len} characters")
    return value


def _optional_slug(value: object, what: str) -> str:
    if value in (None, ""):
        return ""
    return check_slug(str(value), what) if isinstance(value, str) else check_slug("", what)


@dataclass
class Template:
    id: str
    title: str
    response_point_id: str
    group_id: str = ""
    agent_id: str = ""
    # Ticket types of its own: {"id": <ticket type id>, "instruction": text}.
    ticket_types: list[dict[str, Any]] = field(default_factory=list)
    default_ticket_type: str = ""
    ticket_title: str = ""  # the title of a ticket made from the template, when none is given
    description: str = ""
    solution_text: str = ""  # sent to the customer
    solution_suggestions: list[dict[str, Any]] = field(default_factory=list)  # {title, text}
    # {"first_response": {"high": minutes, ...}, "resolution": {...}}
    sla: dict[str, Any] = field(default_factory=dict)
    calendar_id: str = ""
    # The statuses that stop its SLA clock (S12); None: as the general settings say.
    sla_pausing: list[str] | None = None
    itil_process: str = ""
    default_status: str = Status.NEW.value
    default_priority: str = Priority.MEDIUM.value
    steps: list[str] = field(default_factory=list)  # step-by-step instruction (a checklist)
    custom_fields: dict[str, Any] = field(default_factory=dict)  # prefilled values
    enabled: bool = True
    version: int = 0
    updated_at: str = ""
    updated_by: str = ""

    def __post_init__(self) -> None:
        check_slug(self.id, "template id")
        self.title = check_name(self.title, "title")
        check_slug(self.response_point_id, "response_point_id")
        self.group_id = _optional_slug(self.group_id, "group_id")
        self.agent_id = _optional_slug(self.agent_id, "agent_id")
        self.calendar_id = _optional_slug(self.calendar_id, "calendar_id")
        for name in ("ticket_title", "description", "solution_text"):
            setattr(self, name, _text(getattr(self, name), name))
        if len(self.ticket_title) > 300:
            raise ValidationError("ticket_title is at most 300 characters")
        self.ticket_types = [_ticket_type(t) for t in _items(self.ticket_types, "ticket_types")]
        ids = [t["id"] for t in self.ticket_types]
        if len(set(ids)) != len(ids):
            raise ValidationError("ticket_types has the same id twice")
        self.default_ticket_type = _optional_slug(self.default_ticket_type, "default_ticket_type")
        if self.default_ticket_type and self.default_ticket_type not in ids:
            raise ValidationError("default_ticket_type must be one of the template's ticket_types")
        self.solution_suggestions = [
            _suggestion(s) for s in _items(self.solution_suggestions, "solution_suggestions")
        ]
        self.steps = [_text(s, "a step", 2000) for s in _items(self.steps, "steps")]
        if any(not s.strip() for s in self.steps):
            raise ValidationError("a step needs text")
        self.sla = check_sla(self.sla)
        if self.sla_pausing is not None:
            self.sla_pausing = check_pausing(self.sla_pausing)
        if self.itil_process:
            self.itil_process = enum_value(ItilProcess, self.itil_process, "itil_process").value
        status = enum_value(Status, self.default_status, "default_status")
        if status not in DEFAULT_STATUSES:
            raise ValidationError(
                f"default_status must be one of {sorted(s.value for s in DEFAULT_STATUSES)}"
            )
        self.default_status = status.value
        self.default_priority = enum_value(Priority, self.default_priority, "default_priority")
        self.default_priority = str(self.default_priority)
        if not isinstance(self.custom_fields, dict):
            raise ValidationError("custom_fields must be an object")
        if not isinstance(self.enabled, bool):
            raise ValidationError("enabled must be true or false")
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise ValidationError("version must be a whole number")

    def texts(self) -> dict[str, str]:
        """Every text that may hold placeholders, by a name that says where it is."""
        found = {
            "ticket_title": self.ticket_title,
            "description": self.description,
            "solution_text": self.solution_text,
        }
        for n, suggestion in enumerate(self.solution_suggestions):
            found[f"solution_suggestions[{n}]"] = suggestion["text"]
        for n, step in enumerate(self.steps):
            found[f"steps[{n}]"] = step
        for n, ticket_type in enumerate(self.ticket_types):
            found[f"ticket_types[{n}].instruction"] = ticket_type["instruction"]
        return found

    def instruction_for(self, ticket_type: str | None) -> str:
        return next((t["instruction"] for t in self.ticket_types if t["id"] == ticket_type), "")


def _items(value: object, what: str) -> list[Any]:
    items = as_list(value, what)
    if len(items) > MAX_ITEMS:
        raise ValidationError(f"{what} has at most {MAX_ITEMS} entries")
    return items


def _ticket_type(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("each ticket type needs an id and an instruction")
    return {
        "id": check_slug(value.get("id", ""), "ticket type id"),
        "instruction": _text(value.get("instruction", ""), "instruction"),
    }


def _suggestion(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("each solution suggestion needs a title and a text")
    return {
        "title": check_name(value.get("title"), "suggestion title"),
        "text": _text(value.get("text", ""), "suggestion text"),
    }


def check_sla(value: object) -> dict[str, Any]:
    """{kind: {priority: minutes}}; kinds first_response and resolution, both optional."""
    if not isinstance(value, dict):
        raise ValidationError("sla must be an object")
    unknown = set(value) - set(SLA_KINDS)
    if unknown:
        raise ValidationError(f"sla knows only {list(SLA_KINDS)}")
    cleaned: dict[str, Any] = {}
    for kind, targets in value.items():
        if not isinstance(targets, dict) or set(targets) - {p.value for p in Priority}:
            raise ValidationError(f"sla.{kind} maps priorities (low, medium, high) to minutes")
        for priority, minutes in targets.items():
            if (
                isinstance(minutes, bool)
                or not isinstance(minutes, int)
                or not 1 <= minutes <= MAX_SLA_MINUTES
            ):
                raise ValidationError(f"sla.{kind}.{priority} must be 1-{MAX_SLA_MINUTES} minutes")
        cleaned[kind] = dict(targets)
    return cleaned
