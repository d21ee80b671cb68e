"""One text form for instants, so that stored strings sort as time does."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import cache

from chalicelib.domain.errors import ValidationError

DEFAULT_TIME_ZONE = "Europe/Stockholm"

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_FORMAT)


def parse_iso(text: str) -> datetime:
    """Parse our own form and any ISO 8601 instant with an offset (naive means UTC)."""
    try:
        return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
    except ValueError:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names this system knows (its zoneinfo, or the tzdata package)."""
    return frozenset(zoneinfo.available_timezones())


def check_time_zone(value: object) -> str:
    """An IANA time zone name zoneinfo knows (the tzdata package ships them to Lambda)."""
    if not isinstance(value, str) or value not in time_zones():
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise ValidationError(
            f"time_zone must be an IANA time zone such as Europe/Stockholm, not {shown}"
        )
    return value


def local_text(at: datetime, time_zone: str) -> str:
    """``2026-11-28 20:36 CET``: an instant as people in ``time_zone`` read it."""
    local = at.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
