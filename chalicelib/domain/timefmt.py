"""One text form for instants, so that stored strings sort as time does."""

from __future__ import annotations

import re
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


# What an IANA name looks like ("UTC", "Europe/Stockholm", "America/Argentina/Salta",
# "Etc/GMT+1"); keeps paths and the files beside the zones ("localtime") out of ZoneInfo.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}")
_NOT_ZONES = frozenset({"localtime", "posixrules", "leapseconds"})


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names this system knows (its zoneinfo, or the tzdata package)."""
    return frozenset(zoneinfo.available_timezones()) - _NOT_ZONES


def check_time_zone(value: object) -> str:
    """An IANA time zone name zoneinfo knows (the tzdata package ships them to Lambda).

    Checked by loading it (cached by zoneinfo), not against ``time_zones()``: listing every
    zone costs some 20 ms, and Settings, read on nearly every request, check their zone.
    """
    if isinstance(value, str) and _ZONE_NAME.fullmatch(value) and value not in _NOT_ZONES:
        try:
            zoneinfo.ZoneInfo(value)
            return value
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    raise ValidationError(
        f"time_zone must be an IANA time zone such as Europe/Stockholm, not {shown}"
    )


def local_text(at: datetime, time_zone: str) -> str:
    """``2026-11-28 20:36 CET``: an instant as people in ``time_zone`` read it."""
    local = at.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
