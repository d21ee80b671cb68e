"""Calendars the tests share: Swedish office hours, as a record (for the API and services)
and as a domain object."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.calendars import WEEKDAYS, Calendar

OFFICE = {"start": "08:00", "end": "17:00"}
AROUND_THE_CLOCK = {"start": "00:00", "end": "24:00"}


def office_hours(**fields: Any) -> dict[str, Any]:
    """Mon-Fri 08:00-17:00 in Stockholm with Swedish public holidays: a calendar record."""
    return {
        "id": "kontor",
        "name": "Kontorstid",
        "time_zone": "Europe/Stockholm",
        "hours": {day: OFFICE for day in WEEKDAYS[:5]},
        "holiday_country": "SE",
        **fields,
    }


def office(**fields: Any) -> Calendar:
    """The same as a domain object."""
    return Calendar(**office_hours(**fields))
