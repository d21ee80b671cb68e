"""A scheduled activity's occurrence makes its ticket (S1): once, whatever calls it.

``fire`` is what every timer calls: EventBridge Scheduler through the
``scheduled_activity`` function in AWS, the local stack's loop locally. It is told the
activity and the occurrence's *scheduled* time (Scheduler's ``<aws.scheduler.scheduled-time>``,
which a repeated delivery repeats), and:

- does nothing for an activity that is gone or disabled, a time its cron does not name
  (a timer from before an edit), or a time outside its period or skipped on a closed day;
- on ``next_open``, when fired on the closed day itself, arms a one-off timer for the
  next open day (``Scheduler.put_once``) and makes nothing yet;
- otherwise makes the ticket, with the Lookups key ``schedfire#<activity>#<scheduled>``
  claimed in the same transaction as the ticket: two deliveries at once make one ticket,
  and the loser, like any later delivery, does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from chalicelib.domain import aws_cron
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.schedules import Occurrence, ScheduledActivity, placed
from chalicelib.domain.statuses import Channel
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import directory, metrics, routing, schedules, templates
from chalicelib.services.context import Services
from chalicelib.services.tickets import FIRST_TICKET_NUMBER, TICKET_NUMBER_COUNTER

logger = Logger(service="servit-schedules")

ACTOR = "system:schedule"
# A timer fires within the minute (Scheduler's precision): "now" for a moved occurrence.
EARLY = timedelta(minutes=1)


@dataclass(frozen=True)
class Fired:
    outcome: str  # created | duplicate | moved | skipped | not_scheduled | disabled | gone | ...
    ticket_id: str | None = None


def fire_key(activity_id: str, scheduled: datetime) -> str:
    return f"schedfire#{activity_id}#{iso(scheduled)}"


def fire(svc: Services, activity_id: str, scheduled: datetime) -> Fired:
    scheduled = scheduled.replace(second=0, microsecond=0)  # Scheduler's times are minutes
    try:
        activity = schedules.load(svc, activity_id)
    except ValidationError:
        logger.exception("stored scheduled activity is not valid", extra={"activity": activity_id})
        return Fired("invalid")
    if activity is None:
        return _did("gone", activity_id, scheduled)
    if not activity.enabled:
        return _did("disabled", activity_id, scheduled)
    cron = aws_cron.parse(activity.cron)
    named = next(aws_cron.times(cron, activity.time_zone, scheduled - timedelta(seconds=1)), None)
    if named != scheduled:
        return _did("not_scheduled", activity_id, scheduled)
    occurrence = placed(activity, scheduled, schedules.calendar_of(svc, activity))
    if occurrence is None:
        return _did("skipped", activity_id, scheduled)
    if occurrence.at > svc.clock() + EARLY:
        if svc.scheduler is not None:
            svc.scheduler.put_once(activity.id, scheduled, occurrence.at)
        return _did("moved", activity_id, scheduled, at=iso(occurrence.at))
    return _make_ticket(svc, activity, occurrence)


def _make_ticket(svc: Services, activity: ScheduledActivity, occurrence: Occurrence) -> Fired:
    key = fire_key(activity.id, occurrence.scheduled)
    if svc.lookups.get(key) is not None:  # a repeated delivery: spend no ticket number
        return _did("duplicate", activity.id, occurrence.scheduled)
    template = templates.load(svc, activity.template_id)
    if template is None or not template.enabled:
        logger.warning(
            "scheduled activity's template is gone or disabled: no ticket",
            extra={"activity": activity.id, "template": activity.template_id},
        )
        return Fired("no_template")
    try:
        rp = directory.response_point(svc, activity.response_point_id or template.response_point_id)
    except NotFoundError:
        logger.warning(
            "scheduled activity's response point is gone", extra={"activity": activity.id}
        )
        return Fired("no_response_point")
    now = svc.clock()
    ticket = Ticket.open_new(
        actor=ACTOR,
        id=new_ulid(now),
        number=svc.config.next_number(TICKET_NUMBER_COUNTER, FIRST_TICKET_NUMBER),
        title=activity.render_title(occurrence.at),
        description="",
        response_point_id=rp.id,
        contact_id=None,
        group_id=activity.group_id or None,
        agent_id=activity.agent_id or None,
        channel=Channel.SCHEDULED,
        created_at=now,
        updated_at=now,
    )
    # The history says which activity made the ticket, and for which occurrence.
    ticket.pending_events[0].data["scheduled_activity"] = {
        "id": activity.id,
        "name": activity.name,
        "scheduled": iso(occurrence.scheduled),
        "at": iso(occurrence.at),
    }
    keep = {"title", "response_point_id"}
    if activity.group_id or activity.agent_id:
        keep |= {"group_id", "agent_id"}
    routing.apply(
        svc, ticket, routing.for_template(svc, template, rp), ACTOR, now, keep=keep, record=False
    )
    try:
        svc.tickets.add(ticket, claims={key: ticket.id})
    except ConflictError:
        if svc.lookups.get(key) is None:
            raise
        # Another delivery of the same occurrence won the claim a moment ago.
        return _did("duplicate", activity.id, occurrence.scheduled)
    metrics.count(metrics.TICKETS_CREATED)
    logger.info(
        "scheduled ticket made",
        extra={"activity": activity.id, "scheduled": iso(occurrence.scheduled),
               "ticket_id": ticket.id, "number": ticket.number},
    )  # fmt: skip
    return Fired("created", ticket.id)


def _did(outcome: str, activity_id: str, scheduled: datetime, **extra: str) -> Fired:
    logger.info(
        "scheduled occurrence: no ticket",
        extra={"outcome": outcome, "activity": activity_id, "scheduled": iso(scheduled), **extra},
    )
    return Fired(outcome)
