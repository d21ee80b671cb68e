"""One text form for instants, so that stored strings sort as time does."""

from __future__ import annotations

from datetime import UTC, datetime

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
