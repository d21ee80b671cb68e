"""Counters, histograms and report figures (issue 14).

A counter set is a flat ``dict[str, int]`` (one DynamoDB attribute per key, so a stream
change is a handful of ADDs). Durations go into bounded histograms: bucket ``b`` of a
duration in seconds is 0 below a minute, else ``1 + floor(log(seconds / 60) / log(RATIO))``
(at most ``MAX_BUCKET``); a percentile is read back as the geometric middle of its bucket,
so it is within about ±5 % of the true value (RATIO 1.1), whatever the number of tickets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Counters = dict[str, int]

DIMENSIONS = (
    "all", "response_point", "group", "agent", "channel", "ticket_type", "priority",
    "template", "organisation",
)  # fmt: skip
NONE_KEY = "none"  # the value of a dimension a ticket has none of (no group, no agent ...)
BUCKETS = ("day", "week", "month")
RATIO = 1.1
MAX_BUCKET = 160  # 60 s * 1.1**159: beyond ten years
# Histograms: first response and resolution (elapsed and open seconds), consultations.
HISTOGRAMS = ("fr", "fro", "res", "reso", "con")
SECONDS_PER_HOUR = 3600.0


def bucket_of(seconds: float) -> int:
    if seconds < 60:
        return 0
    return min(MAX_BUCKET, 1 + int(math.log(seconds / 60) / math.log(RATIO)))


def bucket_middle(bucket: int) -> float:
    """A bucket's representative duration in seconds (its geometric middle)."""
    if bucket <= 0:
        return 30.0
    low = 60 * RATIO ** (bucket - 1)
    return low * math.sqrt(RATIO)


def histogram_key(name: str, seconds: float) -> str:
    return f"{name}_{bucket_of(max(0.0, seconds))}"


def percentile(counters: Mapping[str, int], name: str, share: float) -> float | None:
    """The duration (seconds) below which ``share`` of the histogram ``name`` lies; None
    when it is empty. Rank rule: the smallest bucket whose running count reaches
    ``ceil(share * n)`` (the lower median for an even count)."""
    prefix = f"{name}_"
    buckets = sorted(
        (int(k[len(prefix) :]), n)
        for k, n in counters.items()
        if k.startswith(prefix) and k[len(prefix) :].isdigit() and n > 0
    )
    total = sum(n for _, n in buckets)
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    running = 0
    for bucket, n in buckets:
        running += n
        if running >= rank:
            return bucket_middle(bucket)
    return bucket_middle(buckets[-1][0])  # pragma: no cover (rank <= total)


def add(into: Counters, other: Mapping[str, int]) -> None:
    for key, n in other.items():
        into[key] = into.get(key, 0) + n


def merged(parts: Iterable[Mapping[str, int]]) -> Counters:
    total: Counters = {}
    for part in parts:
        add(total, part)
    return total


def day_of(moment: datetime, zone: str) -> str:
    """The organisation's calendar day of an instant, YYYY-MM-DD."""
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def period_of(day: date, bucket: str) -> date:
    """The first day of the bucket ``day`` falls in (ISO weeks start on Monday)."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def periods(start: date, end: date, bucket: str) -> list[date]:
    """Every bucket's first day from the one holding ``start`` to the one holding ``end``."""
    found: list[date] = []
    current = period_of(start, bucket)
    while current <= end:
        found.append(current)
        if bucket == "day":
            current += timedelta(days=1)
        elif bucket == "week":
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return found


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / SECONDS_PER_HOUR, 2)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _durations(c: Mapping[str, int], elapsed: str, open_: str, count: str) -> dict[str, Any]:
    return {
        "count": c.get(count, 0),
        "median_hours": _hours(percentile(c, elapsed, 0.5)),
        "p90_hours": _hours(percentile(c, elapsed, 0.9)),
        "median_open_hours": _hours(percentile(c, open_, 0.5)),
        "p90_open_hours": _hours(percentile(c, open_, 0.9)),
    }


def _per_channel(c: Mapping[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: n for k, n in sorted(c.items()) if k.startswith(prefix) and n}


def figures(c: Mapping[str, int], backlog: int) -> dict[str, Any]:
    """The report's figures (the API contract's ``F``) from summed counters."""
    return {
        "created": c.get("created", 0),
        "closed": c.get("closed", 0),
        "reopened": c.get("reopened", 0),
        "backlog": backlog,
        "first_response": _durations(c, "fr", "fro", "fr_n"),
        "resolution": _durations(c, "res", "reso", "res_n"),
        "sla": {
            "first_response_met": c.get("sla_fr_met", 0),
            "first_response_total": c.get("sla_fr_total", 0),
            "first_response_compliance": _share(c.get("sla_fr_met", 0), c.get("sla_fr_total", 0)),
            "resolution_met": c.get("sla_res_met", 0),
            "resolution_total": c.get("sla_res_total", 0),
            "resolution_compliance": _share(c.get("sla_res_met", 0), c.get("sla_res_total", 0)),
            "breaches": c.get("breaches", 0),
            "paused_hours": round(c.get("paused_s", 0) / SECONDS_PER_HOUR, 2),
        },
        "messages_in": _per_channel(c, "in_"),
        "messages_out": _per_channel(c, "out_"),
        "consultations": {
            "count": c.get("con_sent", 0),
            "answered": c.get("con_n", 0),
            "median_hours": _hours(percentile(c, "con", 0.5)),
        },
        "one_touch": {
            "resolved": c.get("res_n", 0),
            "one_touch": c.get("one_touch", 0),
            "rate": _share(c.get("one_touch", 0), c.get("res_n", 0)),
        },
    }
