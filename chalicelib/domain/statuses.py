"""The eight ticket statuses and the moves between them (S10, glossary)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    WITH_CONTACT = "with_contact"
    WITH_EXTERNAL = "with_external"
    DORMANT = "dormant"
    DORMANT_UNTIL = "dormant_until"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ItilProcess(StrEnum):
    INCIDENT = "incident"
    PROBLEM = "problem"
    CHANGE = "change"


class Channel(StrEnum):
    MANUAL = "manual"
    EMAIL = "email"
    SMS = "sms"
    WEBFORM = "webform"
    SCHEDULED = "scheduled"
    FACEBOOK = "facebook"
    X = "x"


# Rank used in inbox sort keys: high first.
PRIORITY_RANK = {Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}

_WORKING = {
    Status.OPEN,
    Status.WITH_CONTACT,
    Status.WITH_EXTERNAL,
    Status.DORMANT,
    Status.DORMANT_UNTIL,
}

# Where each status may go by an ordinary status change. `new` is only ever a
# starting point; `closed` leaves only through reopen (see Ticket.reopen), and
# `resolved` may be closed or reopened. dormant_until -> dormant_until moves
# the wake-up date.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(_WORKING | {Status.RESOLVED, Status.CLOSED}),
    **{
        s: frozenset((_WORKING - {s}) | {Status.RESOLVED, Status.CLOSED})
        for s in _WORKING
        if s is not Status.DORMANT_UNTIL
    },
    Status.DORMANT_UNTIL: frozenset(_WORKING | {Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Statuses from which `reopen` is the way back to work.
REOPENABLE = frozenset({Status.RESOLVED, Status.CLOSED})

# Open tickets are those still being worked on: they carry inbox index keys.
OPEN_STATUSES = frozenset(Status) - {Status.RESOLVED, Status.CLOSED}

# Tickets pick-next may hand out.
PICKABLE_STATUSES = frozenset({Status.NEW, Status.OPEN})


def allowed_moves(status: Status) -> frozenset[Status]:
    return TRANSITIONS[status]
