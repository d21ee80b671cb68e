"""Calendars, for admins (S12): opening hours that templates name.

Stored at Config (``calendar``, id). A template, and the Settings' general SLA targets,
may name only a calendar that exists (``services/templates.py``, ``services/admin.py``);
a calendar that a template or the Settings name cannot be deleted.
Each use case reads by key or lists one kind (a Query), never a Scan.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.calendars import Calendar, holiday_countries
from chalicelib.domain.checks import check_slug
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.timefmt import time_zones
from chalicelib.services import inputs
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

CALENDAR = "calendar"
TEMPLATE = "template"  # services/templates.py; not imported, it imports us
SETTINGS = "settings"  # services/directory.SETTINGS, the general SLA targets' calendar_id


def load(svc: Services, calendar_id: str) -> Calendar | None:
    record = svc.config.get(CALENDAR, calendar_id)
    return from_record(Calendar, record) if record else None


def list_calendars(svc: Services, actor: User) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    return sorted(svc.config.list(CALENDAR), key=lambda r: (r.get("name", ""), r["id"]))


def choices(svc: Services, actor: User) -> dict[str, Any]:
    """What the calendar form may choose from: time zones and holiday countries."""
    require_role(actor, Role.ADMIN)
    return {
        "time_zones": sorted(time_zones()),
        "holiday_countries": [
            {"code": code, "subdivisions": list(subdivisions)}
            for code, subdivisions in sorted(holiday_countries().items())
        ],
    }


def get_calendar(svc: Services, actor: User, calendar_id: str) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = svc.config.get(CALENDAR, calendar_id)
    if record is None:
        raise NotFoundError(f"no calendar {calendar_id!r}")
    return {
        **record,
        "used_by": used_by(svc, calendar_id),
        "used_by_settings": used_by_settings(svc, calendar_id),
    }


def save_calendar(
    svc: Services, actor: User, calendar_id: str, body: Any, *, create: bool
) -> dict[str, Any]:
    """Create (409 if it exists) or replace a calendar, validated whole (422 with the reason)."""
    require_role(actor, Role.ADMIN)
    data = dict(inputs.require_object(body))
    data.pop("used_by", None)
    data.pop("used_by_settings", None)
    check_slug(calendar_id, "calendar id")
    exists = svc.config.get(CALENDAR, calendar_id) is not None
    inputs.check_create_or_replace("calendar", calendar_id, exists=exists, create=create)
    calendar = from_record(Calendar, {**data, "id": calendar_id})
    record = to_record(calendar)
    svc.config.put(CALENDAR, calendar_id, record, create=create)
    return record


def delete_calendar(svc: Services, actor: User, calendar_id: str) -> None:
    """Refused (409 ``in_use``, naming them) while a template or the Settings name it."""
    require_role(actor, Role.ADMIN)
    if svc.config.get(CALENDAR, calendar_id) is None:
        raise NotFoundError(f"no calendar {calendar_id!r}")
    templates = used_by(svc, calendar_id)
    users = (
        ["the settings (general SLA targets)"] if used_by_settings(svc, calendar_id) else []
    ) + ([f"the templates {templates}"] if templates else [])
    if users:
        raise ConflictError(
            f"calendar {calendar_id!r} is used by {' and '.join(users)}; "
            "choose another calendar there first",
            code="in_use",
        )
    svc.config.delete(CALENDAR, calendar_id)


def used_by(svc: Services, calendar_id: str) -> list[str]:
    """Ids of the templates (current versions, enabled or not) that name the calendar."""
    return sorted(r["id"] for r in svc.config.list(TEMPLATE) if r.get("calendar_id") == calendar_id)


def used_by_settings(svc: Services, calendar_id: str) -> bool:
    """Whether the Settings' general SLA targets run in the calendar."""
    return (svc.config.get(SETTINGS, "global") or {}).get("calendar_id") == calendar_id
