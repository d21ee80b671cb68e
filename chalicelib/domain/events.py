"""History events: typed, immutable rows in a ticket's history (S9, S10)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.ids import new_ulid
from chalicelib.domain.timefmt import iso


class EventType(StrEnum):
    CREATED = "created"
    NOTE = "note"
    STATUS_CHANGED = "status_changed"
    PRIORITY_CHANGED = "priority_changed"
    FIELD_CHANGED = "field_changed"
    ASSIGNED = "assigned"
    PICKED = "picked"
    RELEASED = "released"
    REOPENED = "reopened"
    MESSAGE_IN = "message_in"  # e-mail or portal message from outside
    MESSAGE_OUT = "message_out"  # mail we sent (agent reply, acknowledgement)
    # What became of a text we sent (End User Messaging's final delivery event, issue 13):
    # ``message_event_id`` names the message_out event it is about.
    DELIVERY_STATUS = "delivery_status"
    LINKED = "linked"  # a follow-up ticket was opened for this one
    TEMPLATE_APPLIED = "template_applied"
    ROUTED = "routed"  # matching rules placed a new ticket (S2, S3)
    STEP_CHECKED = "step_checked"  # a step of the template's instruction done or undone
    CONTACT_CHANGED = "contact_changed"  # the contact's e-mail addresses were edited
    PORTAL_LINKS_REVOKED = "portal_links_revoked"  # an admin made every portal link invalid
    WOKE_UP = "woke_up"  # a ticket dormant until a date reached it: open again
    SLA_SET = "sla_set"  # the SLA due times were set or changed (S12)
    SLA_PAUSED = "sla_paused"  # the SLA clock stopped: the ticket entered a pausing status
    SLA_RESUMED = "sla_resumed"  # the clock runs again; the due times moved by the pause
    SLA_BREACHED = "sla_breached"  # a due time passed unmet (recorded at that moment)
    # External consultation (S6, domain/consultation.py): none is shown in the portal.
    CONSULTATION_SENT = "consultation_sent"  # the question mailed to the external party
    CONSULTATION_REMINDED = "consultation_reminded"  # no answer in time: a reminder went out
    EXTERNAL_ANSWER = "external_answer"  # their answer (by mail, or entered by the agent)
    CONSULTATION_UNANSWERED = "consultation_unanswered"  # the last reminder went unanswered
    CONSULTATION_CANCELLED = "consultation_cancelled"
    # Parent tickets (S10, services/parent_tickets.py): a run over a parent's children.
    CHILDREN_RUN_STARTED = "children_run_started"  # on the parent: run id, mode, children
    CHILDREN_RUN_RESUMED = "children_run_resumed"  # on the parent: the children not done yet
    CHILDREN_RUN_DONE = "children_run_done"  # on the parent: every child handled
    CLOSED_BY_PARENT = "closed_by_parent"  # on a child: its parent's run closed (or answered) it
    # Triggers and alarms (S7, services/triggers): a trigger fired on this ticket, with why
    # (the condition that matched) and what its actions did; or was over its hourly cap.
    TRIGGER_FIRED = "trigger_fired"
    # GDPR (issue 14, services/gdpr): the contact's personal data was removed from this ticket
    # (counts only, no personal data); retention did it when the actor is "system:retention".
    CONTACT_ANONYMISED = "contact_anonymised"


class NoteKind(StrEnum):
    SOLUTION = "solution"
    ACTION = "action"
    NOTE = "note"


@dataclass(frozen=True)
class TicketEvent:
    ticket_id: str
    event_id: str
    at: datetime
    type: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> str:
        # Events of one ticket sort by time, ties broken by the ULID.
        return f"{iso(self.at)}#{self.event_id}"

    @classmethod
    def new(cls, ticket_id: str, at: datetime, type: str, actor: str, **data: Any) -> TicketEvent:
        return cls(ticket_id, new_ulid(at), at, type, actor, dict(data))
