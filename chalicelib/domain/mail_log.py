"""Where each received mail went (for admins): the mail log and the quarantine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    CREATED = "created"  # a new ticket
    APPENDED = "appended"  # added to an existing ticket
    REOPENED = "reopened"  # added to a closed ticket, which reopened
    NEW_LINKED = "new_linked"  # reply to a ticket closed too long ago: new ticket, linked
    QUARANTINED = "quarantined"  # could not be processed; kept with the reason, replayable
    IGNORED = "ignored"  # our own mail coming back, a duplicate, a bounce for nothing of ours


@dataclass
class MailLogEntry:
    id: str
    received_at: datetime
    raw_key: str
    outcome: Outcome
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    envelope_sender: str = ""  # SMTP MAIL FROM, kept so that a replay sees what intake saw
    subject: str = ""
    message_id: str = ""
    ticket_id: str | None = None
    event_id: str | None = None
    reason: str = ""
    threading_rule: str = ""
    replayed_at: datetime | None = None

    @property
    def in_quarantine(self) -> bool:
        return self.outcome is Outcome.QUARANTINED
