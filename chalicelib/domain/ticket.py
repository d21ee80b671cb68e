"""The ticket aggregate (S10) and the moves an agent makes on it (S4, S8, S17).

Every change appends a TicketEvent to ``pending_events``; the repository
writes the ticket and those events in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.calendars import Calendar, open_time_between
from chalicelib.domain.consultation import Consultation, cancel_open
from chalicelib.domain.errors import InvalidTransitionError, TicketLockedError, ValidationError
from chalicelib.domain.events import EventType, NoteKind, TicketEvent
from chalicelib.domain.statuses import (
    OPEN_STATUSES,
    REOPENABLE,
    Channel,
    ItilProcess,
    Priority,
    Status,
    allowed_moves,
)
from chalicelib.domain.timefmt import iso, parse_iso

MAX_TITLE = 300
MAX_DESCRIPTION = 100_000
MAX_NOTE = 100_000
MAX_ADDRESSES = 50
ADDRESS_WARNING_DAYS = 30  # as long as a portal link mailed to a changed address lives

# The fields statistics break figures down by (issue 14): the created event records them.
STATS_FIELDS = (
    "response_point_id", "group_id", "agent_id", "channel", "ticket_type", "priority",
    "template_id", "organisation_id",
)  # fmt: skip

# Plain fields an agent may set through a generic update, with their checkers.
EDITABLE_FIELDS = (
    "title",
    "description",
    "itil_process",
    "ticket_type",
    "template_id",
    "parent_id",
    "cc",
    "bcc",
)


@dataclass
class Ticket:
    id: str
    number: int
    title: str
    response_point_id: str
    contact_id: str | None
    channel: Channel
    created_at: datetime
    updated_at: datetime
    status: Status = Status.NEW
    priority: Priority = Priority.MEDIUM
    template_id: str | None = None
    itil_process: ItilProcess | None = None
    ticket_type: str | None = None
    group_id: str | None = None
    agent_id: str | None = None
    parent_id: str | None = None
    # The contact's organisation (issue 14, S19) when the ticket was created or its contact
    # changed: lists a company's tickets (by_organisation index) and filters statistics.
    organisation_id: str | None = None
    description: str = ""
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    dormant_until: datetime | None = None
    # Bumped each time the ticket is set dormant until a date: a wake-up acts only if the
    # ticket still carries the generation it was armed with (issue 12).
    wake_generation: int = 0
    locked_by: str | None = None
    locked_until: datetime | None = None
    template_version: int | None = None
    steps_done: list[int] = field(default_factory=list)  # the template's checklist
    # Which matching rule placed the ticket, and why (S2, S3); None for no routing.
    routing: dict[str, Any] | None = None
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    first_response_at: datetime | None = None
    sla_breached: bool = False  # sticky: a target was missed
    # Issue 15 (list rows): an agent has written to the customer (not an automatic mail), and
    # the last message since is the customer's (shown as "customer replied"); kept by
    # ``record_message``, so a list needs no read of the history.
    agent_replied: bool = False
    customer_replied: bool = False
    # The SLA clock's pauses (S12, services/sla_clock.py). ``sla_pausing``: the statuses that
    # stop it, fixed when the SLA starts (None: sla.DEFAULT_PAUSING). ``sla_paused_since``:
    # when it stopped (None: running); ``sla_resumed_at``: when it ran again, until the due
    # times are moved by the open time paused (``settle_sla_pause``). ``sla_generation``
    # is bumped by every change of the due times and every pause: a deadline acts only if
    # the ticket still carries the generation it was armed with. ``sla_paused_seconds``:
    # the clock time paused in all (due times computed again from the creation add it).
    sla_pausing: list[str] | None = None
    sla_calendar_id: str = ""  # the calendar the clock runs in ("" = elapsed time)
    sla_paused_since: datetime | None = None
    sla_resumed_at: datetime | None = None
    sla_paused_seconds: int = 0
    sla_generation: int = 0
    sla_breaches: list[str] = field(default_factory=list)  # targets with an sla_breached event
    # Portal links (S16) carry this number; an admin's revoke bumps it, and older links die.
    portal_generation: int = 0
    # The latest edit of the contact's e-mail addresses: {"at", "by", "before", "after"}.
    contact_change: dict[str, Any] | None = None
    # External consultations (S6, domain/consultation.py): open and ended ones.
    consultations: list[Consultation] = field(default_factory=list)
    # A parent's latest run over its children (S10, services/parent_tickets.py):
    # {"run_id", "mode", "total", "by", "started_at", "finished_at", "done", "attempt"}.
    children_run: dict[str, Any] | None = None
    version: int = 0
    pending_events: list[TicketEvent] = field(default_factory=list, repr=False, compare=False)

    # --- creation -------------------------------------------------------
    @classmethod
    def open_new(cls, *, actor: str, **fields: Any) -> Ticket:
        ticket = cls(**fields)
        ticket.title = check_title(ticket.title)
        if len(ticket.description) > MAX_DESCRIPTION:
            raise ValidationError(f"description is longer than {MAX_DESCRIPTION} characters")
        ticket._record(
            EventType.CREATED,
            actor,
            ticket.created_at,
            number=ticket.number,
            channel=str(ticket.channel),
            title=ticket.title,
            status=str(ticket.status),
            # What statistics count the ticket under from the start (issue 14).
            dimensions={
                n: None if (v := getattr(ticket, n)) is None else str(v) for n in STATS_FIELDS
            },
        )
        return ticket

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # --- locks (pick / release, S17) ------------------------------------
    def lock_holder(self, now: datetime) -> str | None:
        if self.locked_by and self.locked_until and self.locked_until > now:
            return self.locked_by
        return None

    def ensure_writable_by(self, user_id: str, now: datetime, *, override: bool = False) -> None:
        holder = self.lock_holder(now)
        if holder and holder != user_id and not override:
            raise TicketLockedError(f"ticket #{self.number} is locked by {holder}")

    def pick(self, agent_id: str, now: datetime, lock_for: timedelta) -> None:
        """Lock the ticket to ``agent_id`` and make them its owner."""
        self.ensure_writable_by(agent_id, now)
        if not self.is_open:
            raise InvalidTransitionError(f"a {self.status} ticket cannot be picked")
        previous = self.agent_id
        self.agent_id = agent_id
        self.locked_by = agent_id
        self.locked_until = now + lock_for
        if self.status is Status.NEW:
            self._set_status(Status.OPEN, agent_id, now)
        self._record(
            EventType.PICKED, agent_id, now, previous_agent=previous, until=iso(self.locked_until)
        )

    def release(self, agent_id: str, now: datetime, *, override: bool = False) -> None:
        self.ensure_writable_by(agent_id, now, override=override)
        if not self.lock_holder(now):
            raise ValidationError(f"ticket #{self.number} is not locked")
        holder = self.locked_by
        self.locked_by = None
        self.locked_until = None
        self._record(EventType.RELEASED, agent_id, now, holder=holder)

    def touch_lock(self, agent_id: str, now: datetime, lock_for: timedelta) -> None:
        """Writes by the lock holder extend the lock."""
        if self.lock_holder(now) == agent_id:
            self.locked_until = now + lock_for

    # --- assignment (dispatcher, S17) -------------------------------------
    def assign(
        self, actor: str, now: datetime, *, agent_id: str | None, group_id: str | None
    ) -> None:
        if (agent_id, group_id) == (self.agent_id, self.group_id):
            return  # also on a closed ticket: sending back what it shows is no change
        if not self.is_open:
            raise InvalidTransitionError(f"a {self.status} ticket cannot be assigned")
        before = {"agent_id": self.agent_id, "group_id": self.group_id}
        self.agent_id = agent_id
        self.group_id = group_id
        if self.locked_by and self.locked_by != agent_id:
            # A hand-over breaks the previous owner's lock.
            self.locked_by = None
            self.locked_until = None
        self._record(
            EventType.ASSIGNED, actor, now, before=before, agent_id=agent_id, group_id=group_id
        )

    def set_response_point(self, rp_id: str, actor: str, now: datetime) -> None:
        """Move the ticket to another response point (its group must follow)."""
        before = self.response_point_id
        if before == rp_id:
            return
        self.response_point_id = rp_id
        self._record(
            EventType.FIELD_CHANGED,
            actor,
            now,
            field="response_point_id",
            before=before,
            after=rp_id,
        )

    # --- status ---------------------------------------------------------
    def change_status(
        self, new: Status, actor: str, now: datetime, *, dormant_until: datetime | None = None
    ) -> None:
        check_move(self.status, new, now, dormant_until)
        if new is self.status and new is not Status.DORMANT_UNTIL:
            return
        self._set_status(new, actor, now, dormant_until=dormant_until)

    def reopen(self, actor: str, now: datetime, *, reason: str = "") -> None:
        if self.status not in REOPENABLE:
            raise InvalidTransitionError(
                f"only resolved or closed tickets reopen, not {self.status}"
            )
        previous = self.status
        self.status = Status.OPEN
        self.resolved_at = None
        self.closed_at = None
        self._record(EventType.REOPENED, actor, now, previous=str(previous), reason=reason)

    def wake(self, generation: int, now: datetime) -> bool:
        """The wake-up armed with ``generation`` has come: back to ``open`` (and so back in
        its inbox, with its agent or group). False, changing nothing, if the ticket left
        ``dormant_until`` or was given another date since that wake-up was armed."""
        if self.status is not Status.DORMANT_UNTIL or generation != self.wake_generation:
            return False
        until = self.dormant_until
        self.status = Status.OPEN
        self.dormant_until = None
        follow = self._sla_follow_status(now)  # the SLA clock runs again if the date paused it
        self._record(
            EventType.WOKE_UP,
            "system:wakeup",
            now,
            **{"from": str(Status.DORMANT_UNTIL), "to": str(Status.OPEN)},
            dormant_until=iso(until) if until else None,
            generation=generation,
            **({"sla_resume": True} if follow == "resume" else {}),
        )
        return True

    def _set_status(
        self, new: Status, actor: str, now: datetime, *, dormant_until: datetime | None = None
    ) -> None:
        previous = self.status
        left_generation = self.wake_generation if previous is Status.DORMANT_UNTIL else None
        self.status = new
        self.dormant_until = dormant_until
        if new is Status.DORMANT_UNTIL:
            self.wake_generation += 1
        if new is Status.RESOLVED:
            self.resolved_at = now
        if new is Status.CLOSED:
            self.closed_at = now
            self.resolved_at = self.resolved_at or now
        if new in (Status.RESOLVED, Status.CLOSED):
            self.locked_by = None
            self.locked_until = None
            cancel_open(self, actor, now, f"ticket {new}")  # nothing more to wait for (S6)
            # A paused clock stood still when the pause began (S12).
            if self.resolution_due is not None and self.sla_clock(now) > self.resolution_due:
                self.sla_breached = True
        data: dict[str, Any] = {"from": str(previous), "to": str(new)}
        if dormant_until:
            data["dormant_until"] = iso(dormant_until)
            data["generation"] = self.wake_generation
        if left_generation is not None:
            data["left_generation"] = left_generation  # that wake-up is void: stop it
        follow = self._sla_follow_status(now)
        if follow == "resume":
            data["sla_resume"] = True  # services/sla_clock moves the due times
        self._record(EventType.STATUS_CHANGED, actor, now, **data)
        self._record_sla_pause(follow, actor, now)

    # --- fields ---------------------------------------------------------
    def set_priority(self, priority: Priority, actor: str, now: datetime) -> None:
        if priority is self.priority:
            return
        previous = self.priority
        self.priority = priority
        self._record(
            EventType.PRIORITY_CHANGED, actor, now, **{"from": str(previous), "to": str(priority)}
        )

    def set_field(self, name: str, value: Any, actor: str, now: datetime) -> None:
        if name not in EDITABLE_FIELDS and name != "custom_fields":
            raise ValidationError(f"field {name!r} cannot be changed this way")
        if name == "title":
            value = check_title(value)
        if name == "description" and (not isinstance(value, str) or len(value) > MAX_DESCRIPTION):
            raise ValidationError(f"description must be text up to {MAX_DESCRIPTION} characters")
        if name == "parent_id" and value == self.id:
            raise ValidationError("a ticket cannot be its own parent")
        before = getattr(self, name)
        if before == value:
            return
        setattr(self, name, value)
        self._record(EventType.FIELD_CHANGED, actor, now, field=name, before=before, after=value)

    # --- notes ----------------------------------------------------------
    def add_note(self, kind: NoteKind, text: str, actor: str, now: datetime) -> TicketEvent:
        if not isinstance(text, str) or not text.strip():
            raise ValidationError("a note needs text")
        if len(text) > MAX_NOTE:
            raise ValidationError(f"a note is at most {MAX_NOTE} characters")
        return self._record(EventType.NOTE, actor, now, kind=str(kind), text=text)

    # --- messages (S5) ----------------------------------------------------
    def record_message(
        self, type: EventType, data: dict[str, Any], *, actor: str, now: datetime, event_id: str
    ) -> TicketEvent:
        """Append a message (or link) event with a given id: its attachments are stored
        under that id before the event is written."""
        event = TicketEvent(self.id, event_id, now, str(type), actor, dict(data))
        self.pending_events.append(event)
        self.updated_at = now
        if type == EventType.MESSAGE_OUT and not data.get("automatic"):
            self.agent_replied, self.customer_replied = True, False
        elif type == EventType.MESSAGE_IN:
            self.customer_replied = self.agent_replied
        return event

    # --- templates, routing and SLA (S2, S3, S12) --------------------------
    def prefill(
        self,
        values: dict[str, Any],
        actor: str,
        now: datetime,
        *,
        template_id: str,
        template_version: int,
        overwrite: bool = False,
        keep: Collection[str] = (),
    ) -> list[str]:
        """Fill fields from a template: only empty ones unless ``overwrite``; never those
        in ``keep`` (what the agent wrote when entering the ticket).

        ``values`` holds rendered texts and checked ids; custom fields are merged key
        by key. One ``template_applied`` event names the fields that changed.
        """
        changed = []
        for name, value in values.items():
            if name == "custom_fields":  # merged key by key; kept ones win per key
                ours, theirs = dict(self.custom_fields), dict(value)
                merged = ours | theirs if overwrite and name not in keep else theirs | ours
                if merged != self.custom_fields:
                    self.custom_fields = merged
                    changed.append(name)
                continue
            if name in keep:
                continue
            current = getattr(self, name)
            if value in (None, "") or current == value:
                continue
            if current not in (None, "") and not overwrite:
                continue
            if name == "title":
                value = check_title(value)
            setattr(self, name, value)
            changed.append(name)
        self.template_id = template_id
        self.template_version = template_version
        self.steps_done = []
        self._record(
            EventType.TEMPLATE_APPLIED,
            actor,
            now,
            template_id=template_id,
            version=template_version,
            fields=changed,
            overwrite=overwrite,
            **({"ticket_type": self.ticket_type} if "ticket_type" in changed else {}),
        )
        return changed

    def set_sla(
        self,
        first_response_due: datetime | None,
        resolution_due: datetime | None,
        *,
        actor: str = "system:sla",
        now: datetime | None = None,
    ) -> None:
        """New due times; a change bumps the SLA generation and is recorded (``sla_set``),
        which arms the deadlines of the new generation (services/sla_clock.arm)."""
        if (first_response_due, resolution_due) == (self.first_response_due, self.resolution_due):
            return
        self.first_response_due = first_response_due
        self.resolution_due = resolution_due
        self.sla_generation += 1
        self._record(
            EventType.SLA_SET,
            actor,
            now or self.updated_at,
            **self._sla_data(),
        )

    def set_sla_pausing(
        self, statuses: list[str] | None, calendar: Calendar | None, actor: str, now: datetime
    ) -> None:
        """Fix which statuses stop this ticket's clock and which calendar it runs in (when
        its SLA starts: a later settings change does not rewrite its history). A ticket
        already in a status that now pauses, or no longer does, follows at once."""
        self.sla_pausing = None if statuses is None else list(statuses)
        self.sla_calendar_id = calendar.id if calendar is not None else ""
        follow = self._sla_follow_status(now)
        if follow == "resume":
            self.settle_sla_pause(calendar, now)
        self._record_sla_pause(follow, actor, now)

    def pauses_sla(self, status: Status) -> bool:
        from chalicelib.domain.sla import DEFAULT_PAUSING

        pausing = DEFAULT_PAUSING if self.sla_pausing is None else self.sla_pausing
        return status.value in pausing

    def sla_clock(self, now: datetime) -> datetime:
        """The SLA clock's present: ``now``, or the moment it stopped while paused."""
        if self.sla_paused_since is not None and self.sla_paused_since < now:
            return self.sla_paused_since
        return now

    def sla_unmet(self) -> list[str]:
        """The targets with a due time still to be met (none once resolved or closed)."""
        found: list[str] = []
        if not self.is_open:
            return found
        if self.first_response_due is not None and self.first_response_at is None:
            found.append("first_response")
        if self.resolution_due is not None and self.resolved_at is None:
            found.append("resolution")
        return found

    def sla_due(self, target: str) -> datetime | None:
        return self.first_response_due if target == "first_response" else self.resolution_due

    def settle_sla_pause(self, calendar: Calendar | None, now: datetime) -> bool:
        """The clock ran again at ``sla_resumed_at``: move every unmet due time still ahead
        when the pause began on by the time paused (the open time between the two in the
        ticket's ``calendar``, elapsed time without one), bump the generation and record
        ``sla_resumed``. False if no resume is pending."""
        from chalicelib.domain.sla import shift_due

        since, until = self.sla_paused_since, self.sla_resumed_at
        if since is None or until is None:
            return False
        paused = until - since if calendar is None else open_time_between(calendar, since, until)
        for target in self.sla_unmet():
            due = self.sla_due(target)
            if due is not None and due > since:
                setattr(self, f"{target}_due", shift_due(due, paused, calendar))
        self.sla_paused_seconds += int(paused.total_seconds())
        self.sla_paused_since = None
        self.sla_resumed_at = None
        self.sla_generation += 1
        self._record(
            EventType.SLA_RESUMED,
            "system:sla",
            now,
            paused_since=iso(since),
            resumed_at=iso(until),
            paused_minutes=round(paused.total_seconds() / 60, 1),
            **self._sla_data(),
        )
        return True

    def record_sla_breach(self, target: str, generation: int, now: datetime) -> bool:
        """The deadline of ``target`` armed with ``generation`` has come: record the breach
        (once per target) if the ticket still carries that generation, its clock runs and
        the target is unmet. False, changing nothing, otherwise."""
        due = self.sla_due(target)
        if (
            generation != self.sla_generation
            or self.sla_paused_since is not None
            or target not in self.sla_unmet()
            or target in self.sla_breaches
            or due is None
        ):
            return False
        self.sla_breaches = [*self.sla_breaches, target]
        self.sla_breached = True
        self._record(
            EventType.SLA_BREACHED, "system:sla", now, target=target, due=iso(due),
            generation=generation,
        )  # fmt: skip
        return True

    def _sla_data(self) -> dict[str, Any]:
        return {
            "first_response_due": iso(self.first_response_due) if self.first_response_due else None,
            "resolution_due": iso(self.resolution_due) if self.resolution_due else None,
            "generation": self.sla_generation,
            "paused": self.sla_paused_since is not None,
            "unmet": self.sla_unmet(),
        }

    def _sla_follow_status(self, now: datetime) -> str | None:
        """Stop or restart the SLA clock for the status the ticket is in now (S12).
        "paused": it stopped (the caller records ``sla_paused`` after the status change);
        "resume": it runs again and services/sla_clock.settle is to move the due times
        (the status change carries ``sla_resume``, which the stream reaction reads)."""
        if self.status in (Status.RESOLVED, Status.CLOSED):
            # Done: the clock stops for good (a pause ends with nothing to move).
            self.sla_paused_since = self.sla_resumed_at = None
            return None
        if self.pauses_sla(self.status):
            if self.sla_paused_since is None:
                self.sla_paused_since = now
                self.sla_generation += 1  # the armed deadlines are void
                return "paused" if self.sla_unmet() else None
            self.sla_resumed_at = None  # paused again before the move was made: one pause
            return None
        if self.sla_paused_since is not None and self.sla_resumed_at is None:
            if not self.sla_unmet():  # nothing to move
                self.sla_paused_since = None
                return None
            self.sla_resumed_at = now
            return "resume"
        return None

    def _record_sla_pause(self, follow: str | None, actor: str, now: datetime) -> None:
        if follow == "paused":
            self._record(
                EventType.SLA_PAUSED, actor, now, status=str(self.status), **self._sla_data()
            )

    def note_first_response(self, now: datetime) -> None:
        """The first answer to the customer stops the first-response clock."""
        if self.first_response_at is not None:
            return
        self.first_response_at = now
        if self.first_response_due is not None and self.sla_clock(now) > self.first_response_due:
            self.sla_breached = True

    def record_routing(self, routing: dict[str, Any], actor: str, now: datetime) -> None:
        self.routing = dict(routing)
        self._record(EventType.ROUTED, actor, now, **routing)

    def check_step(self, step: int, done: bool, steps: int, actor: str, now: datetime) -> None:
        if not 0 <= step < steps:
            raise ValidationError(f"the template has steps 0-{steps - 1}")
        if (step in self.steps_done) == done:
            return
        self.steps_done = sorted(set(self.steps_done) ^ {step})
        self._record(EventType.STEP_CHECKED, actor, now, step=step, done=done)

    # --- the contact's address and the portal (issue 10) -------------------
    def record_contact_change(
        self, actor: str, now: datetime, *, before: list[str], after: list[str]
    ) -> None:
        """The contact's addresses changed: history, and a warning for whoever replies next."""
        self.contact_change = {"at": iso(now), "by": actor, "before": before, "after": after}
        self._record(EventType.CONTACT_CHANGED, actor, now, before=before, after=after)

    def move_to_contact(
        self, contact_id: str, organisation_id: str | None, actor: str, now: datetime
    ) -> bool:
        """Two contacts were merged (issue 14): the ticket follows the kept one, and its
        history says who moved it when. False (nothing recorded) if it is there already."""
        self.organisation_id = organisation_id
        before = self.contact_id
        if before == contact_id:
            return False
        self.contact_id = contact_id
        self._record(
            EventType.FIELD_CHANGED,
            actor,
            now,
            field="contact_id",
            before=before,
            after=contact_id,
            merged=True,
        )
        return True

    def address_warning(self, now: datetime) -> dict[str, Any] | None:
        """The latest change of the contact's addresses while it is recent enough to matter
        (a reply now may go to an address an attacker set): shown before a reply goes out."""
        change = self.contact_change
        if not change or change.get("confirmed_by"):
            return None
        try:
            at = parse_iso(str(change["at"]))
        except (KeyError, ValueError):
            return None
        return dict(change) if now - at <= timedelta(days=ADDRESS_WARNING_DAYS) else None

    def confirm_address_change(self, actor: str, now: datetime) -> None:
        """An agent checked the new address before replying: the warning is done with (who
        confirmed, and when, stay on the change; the reply itself is in the history)."""
        if self.contact_change:
            self.contact_change = {**self.contact_change, "confirmed_by": actor,
                                   "confirmed_at": iso(now)}  # fmt: skip
            self.updated_at = now

    def revoke_portal_links(self, actor: str, now: datetime) -> None:
        """Every portal link issued for this ticket so far stops working."""
        self.portal_generation += 1
        self._record(EventType.PORTAL_LINKS_REVOKED, actor, now, generation=self.portal_generation)

    # --- parent tickets (S10, services/parent_tickets.py) ------------------
    def record_children_event(
        self, type: EventType, actor: str, now: datetime, **data: Any
    ) -> TicketEvent:
        """A parent's run over its children started, resumed or ended; or a child was
        closed by its parent's run."""
        return self._record(type, actor, now, **data)

    # --- triggers (S7, services/triggers) ----------------------------------
    def record_trigger(self, event_id: str, actor: str, now: datetime, **data: Any) -> TicketEvent:
        """A trigger fired (or was over its hourly cap): which, on what, why, what it did.
        The id is fixed by the firing, so a retried firing cannot record twice."""
        event = TicketEvent(self.id, event_id, now, str(EventType.TRIGGER_FIRED), actor, data)
        self.pending_events.append(event)
        self.updated_at = now
        return event

    # --- plumbing -------------------------------------------------------
    def _record(self, type: EventType, actor: str, now: datetime, **data: Any) -> TicketEvent:
        event = TicketEvent.new(self.id, now, str(type), actor, **data)
        self.pending_events.append(event)
        self.updated_at = now
        return event


def check_move(
    current: Status, new: Status, now: datetime, dormant_until: datetime | None = None
) -> None:
    """Raise unless ``current`` may move to ``new``; changes nothing, so callers can
    check a move before they write anything else (a new ticket's first status)."""
    if dormant_until is not None and new is not Status.DORMANT_UNTIL:
        raise ValidationError("dormant_until is only for status dormant_until")
    if new is current and new is not Status.DORMANT_UNTIL:
        return
    if new not in allowed_moves(current):
        hint = " (use reopen)" if current in REOPENABLE else ""
        raise InvalidTransitionError(f"status cannot move from {current} to {new}{hint}")
    # A date already past is taken: the ticket wakes at once (issue 12).
    if new is Status.DORMANT_UNTIL and dormant_until is None:
        raise ValidationError("status dormant_until needs a date (dormant_until)")


def check_title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("a ticket needs a title")
    if len(value) > MAX_TITLE:
        raise ValidationError(f"a title is at most {MAX_TITLE} characters")
    # A title becomes a mail subject: line breaks and control characters would make every
    # reply a header-injection refusal, so they become spaces here, once. Bidi overrides and
    # isolates and invisible format characters (issue 10) are removed, not refused: most
    # titles are mail subjects, and refusing would lose the customer's mail. Without them the
    # agent reads the characters in the order they were written; right-to-left scripts need
    # none of them (the Unicode bidi algorithm orders them), and the marks that only nudge
    # neutral characters (U+200E, U+200F, U+061C) and the joiners that scripts and emoji
    # need (U+200C, U+200D) stay.
    # A title of nothing but such characters (a mail's subject, say) is no reason to lose
    # the ticket: it gets the name mail intake gives a mail without a subject.
    return " ".join(_DISGUISING.sub("", _CONTROL.sub(" ", value)).split()) or "(no subject)"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069), zero-width space,
# word joiner and invisible operators, deprecated format characters, BOM, soft hyphen,
# Mongolian vowel separator, Hangul fillers, interlinear annotation: invisible, and able
# to make text read other than it is. The same set as chalicelib/domain/contact.py.
_DISGUISING = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\u206a-\u206f\ufeff\u00ad\u180e"
    "\u115f\u1160\u3164\uffa0\ufff9-\ufffb]"
)
