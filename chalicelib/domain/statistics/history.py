"""One ticket's history folded into counters per (dimension, value, day) (issue 14).

The same fold serves the stream (services/statistics/recording.py: the ticket's counters
now, less those already counted) and the rebuild (every ticket's counters, summed), so the
two cannot differ. Each figure counts on the organisation's day of the event that makes it,
for the dimension values the ticket had at that moment:

- created: the created event; closed: a move from an open status to resolved or closed;
  reopened: a reopen. backlog: +1 when the ticket opens (or reopens), -1 when it closes,
  and -1/+1 on the old/new value when it moves (group, agent, ...) while open: open tickets
  at the end of a day are the sum of these deltas up to that day.
- first response: the first reply out that is not automatic; its time from creation in
  elapsed seconds and in open seconds of the ticket's SLA calendar (``open_seconds``).
- resolution: each close, timed from creation; one-touch: closed with exactly one reply out.
- SLA: a first response (a close) with a due time set counts towards the total, and as met
  when it came on time; breaches: ``sla_breached`` events; paused time: ``sla_resumed``.
- messages in and out per channel; consultations sent, answered and how long they took.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.statistics.figures import NONE_KEY, Counters, day_of, histogram_key
from chalicelib.domain.statuses import OPEN_STATUSES, Status
from chalicelib.domain.timefmt import parse_iso

Key = tuple[str, str, str]  # dimension, value, day
Contribution = dict[Key, Counters]
OpenSeconds = Callable[[datetime, datetime], float]

# Ticket fields behind the dimensions (``all`` has the one value "all").
FIELDS = {
    "response_point": "response_point_id",
    "group": "group_id",
    "agent": "agent_id",
    "channel": "channel",
    "ticket_type": "ticket_type",
    "priority": "priority",
    "template": "template_id",
    "organisation": "organisation_id",
}
_BY_FIELD = {f: d for d, f in FIELDS.items()}
_OPEN = {s.value for s in OPEN_STATUSES}
_DONE = {Status.RESOLVED.value, Status.CLOSED.value}


def initial_dimensions(created: TicketEvent | None, ticket: dict[str, Any]) -> dict[str, str]:
    """The dimension values a ticket was created with: from its created event (which
    records them) or, for a ticket created before they were recorded, from the ticket."""
    recorded = (created.data.get("dimensions") if created else None) or {}
    values = {}
    for dim, name in FIELDS.items():
        value = recorded[name] if name in recorded else ticket.get(name)
        values[dim] = str(value) if value not in (None, "") else NONE_KEY
    return values


class _Fold:
    def __init__(self, zone: str, open_seconds: OpenSeconds, dims: dict[str, str]) -> None:
        self.zone = zone
        self.open_seconds = open_seconds
        self.dims = dict(dims)
        self.out: Contribution = {}
        self.status: str | None = None
        self.created: datetime | None = None
        self.replies = 0
        self.first_response = False
        self.fr_due: datetime | None = None
        self.res_due: datetime | None = None
        self.sent: dict[str, datetime] = {}

    # --- counting ----------------------------------------------------------------
    def count(self, at: datetime, key: str, n: int = 1, dims: dict[str, str] | None = None) -> None:
        day = day_of(at, self.zone)
        for dim, value in [("all", "all"), *(dims or self.dims).items()]:
            counters = self.out.setdefault((dim, value, day), {})
            counters[key] = counters.get(key, 0) + n

    def duration(self, at: datetime, name: str, since: datetime, *, open_name: str = "") -> None:
        self.count(at, histogram_key(name, (at - since).total_seconds()))
        if open_name:
            self.count(at, histogram_key(open_name, self.open_seconds(since, at)))

    # --- events ------------------------------------------------------------------
    def apply(self, event: TicketEvent) -> None:
        kind, data, at = event.type, event.data, event.at
        if kind == EventType.CREATED:
            self.created = at
            self.status = str(data.get("status") or Status.NEW.value)
            self.count(at, "created")
            if self.status in _OPEN:
                self.count(at, "backlog")
        elif kind in (EventType.STATUS_CHANGED, EventType.WOKE_UP):
            self.move_status(at, str(data.get("to") or ""))
        elif kind == EventType.REOPENED:
            self.count(at, "reopened")
            self.move_status(at, Status.OPEN.value)
        elif kind == EventType.ASSIGNED:
            self.set_dim(at, "agent", data.get("agent_id"))
            self.set_dim(at, "group", data.get("group_id"))
        elif kind == EventType.PICKED:
            self.set_dim(at, "agent", event.actor)
        elif kind == EventType.PRIORITY_CHANGED:
            self.set_dim(at, "priority", data.get("to"))
        elif kind == EventType.FIELD_CHANGED and data.get("field") in _BY_FIELD:
            self.set_dim(at, _BY_FIELD[str(data["field"])], data.get("after"))
        elif kind == EventType.TEMPLATE_APPLIED:
            self.set_dim(at, "template", data.get("template_id"))
            if "ticket_type" in data:
                self.set_dim(at, "ticket_type", data.get("ticket_type"))
        elif kind == EventType.MESSAGE_IN:
            self.count(at, f"in_{data.get('channel') or 'email'}")
        elif kind == EventType.MESSAGE_OUT:
            self.message_out(at, data)
        elif kind in (EventType.SLA_SET, EventType.SLA_RESUMED, EventType.SLA_PAUSED):
            self.fr_due = _instant(data.get("first_response_due"))
            self.res_due = _instant(data.get("resolution_due"))
            if kind == EventType.SLA_RESUMED:
                self.count(at, "paused_s", round(float(data.get("paused_minutes") or 0) * 60))
        elif kind == EventType.SLA_BREACHED:
            self.count(at, "breaches")
        elif kind == EventType.CONSULTATION_SENT:
            self.sent[str(data.get("consultation_id") or "")] = at
            self.count(at, "con_sent")
        elif kind == EventType.EXTERNAL_ANSWER:
            since = self.sent.pop(str(data.get("consultation_id") or ""), None)
            if since is not None:
                self.count(at, "con_n")
                self.duration(at, "con", since)

    def message_out(self, at: datetime, data: dict[str, Any]) -> None:
        self.count(at, f"out_{data.get('channel') or 'email'}")
        if data.get("automatic"):
            return
        self.replies += 1
        if self.first_response or self.created is None:
            return
        self.first_response = True
        self.count(at, "fr_n")
        self.duration(at, "fr", self.created, open_name="fro")
        if self.fr_due is not None:
            self.count(at, "sla_fr_total")
            if at <= self.fr_due:
                self.count(at, "sla_fr_met")

    def move_status(self, at: datetime, new: str) -> None:
        if not new:
            return
        was_open, now_open = self.status in _OPEN, new in _OPEN
        self.status = new
        if was_open and not now_open and new in _DONE:
            self.count(at, "closed")
            self.count(at, "backlog", -1)
            if self.created is not None:
                self.count(at, "res_n")
                self.duration(at, "res", self.created, open_name="reso")
                if self.replies == 1:
                    self.count(at, "one_touch")
                if self.res_due is not None:
                    self.count(at, "sla_res_total")
                    if at <= self.res_due:
                        self.count(at, "sla_res_met")
        elif now_open and not was_open:
            self.count(at, "backlog")

    def set_dim(self, at: datetime, dim: str, value: Any) -> None:
        new = str(value) if value not in (None, "") else NONE_KEY
        old = self.dims[dim]
        if new == old:
            return
        if self.status in _OPEN:
            self.count(at, "backlog", -1, {dim: old})
            self.count(at, "backlog", 1, {dim: new})
            # "all" moved nothing: the two counts above each touched it, and cancel out.
        self.dims[dim] = new


# Events that count for something themselves, or move a ticket between dimension values.
# A change of none of these (a note, a pick-up's lock, SLA due times alone ...) moves no
# counter: the stream consumer skips it without a read. Its events still take part in the
# fold when a later change is counted (the due times an SLA_SET gave, say).
_COUNTED = {
    EventType.CREATED, EventType.STATUS_CHANGED, EventType.WOKE_UP, EventType.REOPENED,
    EventType.ASSIGNED, EventType.PICKED, EventType.PRIORITY_CHANGED, EventType.TEMPLATE_APPLIED,
    EventType.MESSAGE_IN, EventType.MESSAGE_OUT, EventType.SLA_RESUMED, EventType.SLA_BREACHED,
    EventType.CONSULTATION_SENT, EventType.EXTERNAL_ANSWER,
}  # fmt: skip


def moves_figures(events: Iterable[TicketEvent]) -> bool:
    """Whether a change (its events) can move a counter."""
    return any(
        e.type in _COUNTED
        or (e.type == EventType.FIELD_CHANGED and e.data.get("field") in _BY_FIELD)
        for e in events
    )


def _instant(value: Any) -> datetime | None:
    try:
        return parse_iso(str(value)) if value else None
    except ValueError:
        return None


def contribution(
    events: Iterable[TicketEvent],
    ticket: dict[str, Any],
    zone: str,
    open_seconds: OpenSeconds,
) -> Contribution:
    """What one ticket's whole history counts for. ``ticket``: its stored fields (for
    dimensions a history from before they were recorded lacks); ``open_seconds(a, b)``:
    the open time of its SLA calendar between two instants (elapsed time without one)."""
    ordered = sorted(events, key=lambda e: e.sort_key)
    created = next((e for e in ordered if e.type == EventType.CREATED), None)
    fold = _Fold(zone, open_seconds, initial_dimensions(created, ticket))
    for event in ordered:
        fold.apply(event)
    return {
        key: {k: n for k, n in c.items() if n} for key, c in fold.out.items() if any(c.values())
    }


def difference(now: Contribution, before: Contribution) -> Contribution:
    """``now`` less ``before``, key by key (what a stream change adds to the counters)."""
    delta: Contribution = {}
    for key in now.keys() | before.keys():
        a, b = now.get(key, {}), before.get(key, {})
        change = {k: a.get(k, 0) - b.get(k, 0) for k in a.keys() | b.keys()}
        change = {k: n for k, n in change.items() if n}
        if change:
            delta[key] = change
    return delta
