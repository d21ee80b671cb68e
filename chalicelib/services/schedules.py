"""Scheduled activities, for admins (S1): what makes a ticket on a schedule, and when.

Stored at Config (``scheduled_activity``, id). Every change is written to Config first and
then to the Scheduler (``svc.scheduler``, EventBridge Scheduler in AWS): Config is the
truth. Should the Scheduler fail, the answer is 503 (``scheduler_unavailable``) and the
activity is saved but its timer may be stale; the same PUT again repairs it (a PUT always
writes the whole timer). A delete removes the timer first, so a failed delete changes
nothing and can simply be repeated. A stale timer can do no harm meanwhile: firing checks
the activity in Config (``services/schedule_firing.py``).
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.calendars import Calendar
from chalicelib.domain.checks import check_slug
from chalicelib.domain.errors import NotFoundError, UnavailableError, ValidationError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.schedules import ScheduledActivity, occurrences
from chalicelib.domain.timefmt import iso
from chalicelib.services import calendars, directory, inputs, templates
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

SCHEDULED_ACTIVITY = "scheduled_activity"
KEYS = {
    "id", "name", "template_id", "title", "response_point_id", "group_id", "agent_id", "cron",
    "time_zone", "calendar_id", "closed_days", "starts", "ends", "enabled",
}  # fmt: skip
MAX_OCCURRENCES = 50


def load(svc: Services, activity_id: str) -> ScheduledActivity | None:
    record = svc.config.get(SCHEDULED_ACTIVITY, activity_id)
    return from_record(ScheduledActivity, record) if record else None


def calendar_of(svc: Services, activity: ScheduledActivity) -> Calendar | None:
    """The activity's calendar; one that is gone, or no longer valid, counts as none."""
    if not activity.calendar_id:
        return None
    try:
        return calendars.load(svc, activity.calendar_id)
    except ValidationError:
        return None


def list_activities(svc: Services, actor: User) -> list[dict[str, Any]]:
    """Every activity, by name, each with the time of its next ticket (``next``)."""
    require_role(actor, Role.ADMIN)
    now = svc.clock()
    items = []
    for record in svc.config.list(SCHEDULED_ACTIVITY):
        activity = from_record(ScheduledActivity, record)
        upcoming = occurrences(activity, now, 1, calendar_of(svc, activity))
        items.append({**record, "next": iso(upcoming[0].at) if upcoming else None})
    return sorted(items, key=lambda r: (r.get("name", "").casefold(), r["id"]))


def get_activity(svc: Services, actor: User, activity_id: str) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = svc.config.get(SCHEDULED_ACTIVITY, activity_id)
    if record is None:
        raise NotFoundError(f"no scheduled activity {activity_id!r}")
    return record


def save_activity(
    svc: Services, actor: User, activity_id: str | None, body: Any, *, create: bool
) -> dict[str, Any]:
    """Create (409 if the id exists) or replace an activity, checked whole (422 with the
    reason), then arm its timer."""
    require_role(actor, Role.ADMIN)
    data = dict(inputs.require_object(body))
    data.pop("next", None)
    inputs.only_keys(data, KEYS)
    if activity_id is None:  # POST: the body may name the id, else one is made
        activity_id = data["id"] if data.get("id") is not None else new_ulid(svc.clock()).lower()
    check_slug(activity_id, "id")
    exists = svc.config.get(SCHEDULED_ACTIVITY, activity_id) is not None
    inputs.check_create_or_replace("scheduled activity", activity_id, exists=exists, create=create)
    data.setdefault("time_zone", directory.settings(svc).time_zone)
    activity = from_record(ScheduledActivity, {**data, "id": activity_id})
    _check_references(svc, activity)
    record = to_record(activity)
    svc.config.put(SCHEDULED_ACTIVITY, activity.id, record, create=create)
    if svc.scheduler is not None:
        try:
            svc.scheduler.put(activity)
        except UnavailableError as error:
            raise UnavailableError(
                f"the activity is saved, but its schedule could not be armed ({error.message}); "
                "send the same PUT again",
                code="scheduler_unavailable",
            ) from None
    return record


def delete_activity(svc: Services, actor: User, activity_id: str) -> None:
    require_role(actor, Role.ADMIN)
    if svc.config.get(SCHEDULED_ACTIVITY, activity_id) is None:
        raise NotFoundError(f"no scheduled activity {activity_id!r}")
    if svc.scheduler is not None:
        # The timer first: if that fails nothing has changed, and the DELETE can be repeated.
        svc.scheduler.delete(activity_id)
    svc.config.delete(SCHEDULED_ACTIVITY, activity_id)


def upcoming(svc: Services, actor: User, activity_id: str, count: str | None) -> dict[str, Any]:
    """The next occurrences: when each ticket is made, and whether a closed day moved it."""
    require_role(actor, Role.ADMIN)
    activity = load(svc, activity_id)
    if activity is None:
        raise NotFoundError(f"no scheduled activity {activity_id!r}")
    wanted = inputs.limit(count, default=5, maximum=MAX_OCCURRENCES)
    found = occurrences(activity, svc.clock(), wanted, calendar_of(svc, activity))
    return {
        "id": activity.id,
        "enabled": activity.enabled,
        "time_zone": activity.time_zone,
        "items": [
            {"at": iso(o.at), "scheduled": iso(o.scheduled), "moved": o.moved} for o in found
        ],
    }


def _check_references(svc: Services, activity: ScheduledActivity) -> None:
    """Everything the activity names exists: the template, the response point, its group,
    an active agent, the calendar."""
    template = templates.load(svc, activity.template_id)
    if template is None:
        raise ValidationError(f"template_id: no template {activity.template_id!r}")
    rp_id = activity.response_point_id or template.response_point_id
    try:
        directory.response_point(svc, rp_id)
    except NotFoundError:
        raise ValidationError(f"response_point_id: no response point {rp_id!r}") from None
    if activity.group_id:
        try:
            group = directory.group(svc, activity.group_id)
        except NotFoundError:
            raise ValidationError(f"group_id: no group {activity.group_id!r}") from None
        if group.response_point_id != rp_id:
            raise ValidationError(
                f"group_id: group {activity.group_id!r} belongs to another response point"
            )
    if activity.agent_id:
        try:
            agent = directory.user(svc, activity.agent_id)
        except NotFoundError:
            raise ValidationError(f"agent_id: no agent {activity.agent_id!r}") from None
        if not agent.active:
            raise ValidationError(f"agent_id: agent {activity.agent_id!r} is not active")
    if activity.calendar_id and calendars.load(svc, activity.calendar_id) is None:
        raise ValidationError(f"calendar_id: no calendar {activity.calendar_id!r}")
