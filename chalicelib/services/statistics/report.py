"""Statistics reports (issue 14): ``GET /api/stats`` (chalicelib/api/stats.py has the
contract). A report reads two Queries (paginated) per dimension value it shows, the
totals' value ("all#all" or the filter's) and each breakdown key's: the days of the range,
and the days before it projected to their backlog delta (tickets open when it begins).

Which combinations work: ``by`` alone; one filter alone; a filter with ``by`` of the same
dimension (the breakdown is that one key). Counters are kept per single dimension, so a
filter with another dimension's ``by`` (a group's figures per agent) is a 400.

Access: dispatchers and admins see everything. An agent sees their own figures and their
groups': without a filter they get their own (agent=<them>); filters agent=<them> and
group=<one of theirs>; by=agent lists only them, by=group only their groups; anything else
is a 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain.errors import BadRequestError, PermissionDeniedError
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.statistics.figures import (
    BUCKETS,
    DIMENSIONS,
    NONE_KEY,
    Counters,
    add,
    figures,
    period_of,
    periods,
)
from chalicelib.domain.statuses import Channel, Priority
from chalicelib.services import directory
from chalicelib.services.context import Services

MAX_DAYS = 3 * 366  # a range of at most three years
FILTERS = ("response_point", "group", "agent", "channel", "organisation")
# Breakdowns: one Query per key, so the keys are the directory's (bounded); organisations
# are many and open-ended: they are a filter, not a breakdown.
BY = tuple(d for d in DIMENSIONS if d not in ("all", "organisation"))


def _date(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise BadRequestError(f"{name} must be a date YYYY-MM-DD", code="bad_date") from None


def parse(query: dict[str, str]) -> dict[str, Any]:
    start, end = _date(query.get("from"), "from"), _date(query.get("to"), "to")
    if end < start:
        raise BadRequestError("to is before from", code="bad_date")
    if (end - start).days >= MAX_DAYS:
        raise BadRequestError("a report covers at most three years", code="range_too_long")
    bucket = query.get("bucket") or "day"
    if bucket not in BUCKETS:
        raise BadRequestError(f"bucket must be one of {list(BUCKETS)}", code="bad_bucket")
    by = query.get("by") or None
    if by is not None and by not in BY:
        raise BadRequestError(f"by must be one of {list(BY)}", code="bad_by")
    given = [(f, query[f]) for f in FILTERS if query.get(f)]
    if len(given) > 1:
        raise BadRequestError("at most one filter", code="too_many_filters")
    filt = given[0] if given else None
    if filt and by and filt[0] != by:
        raise BadRequestError(
            "a filter goes with no by, or a by of its own dimension", code="bad_combination"
        )
    fmt = query.get("format") or "json"
    if fmt not in ("json", "csv"):
        raise BadRequestError("format must be json or csv", code="bad_format")
    return {"from": start, "to": end, "bucket": bucket, "by": by, "filter": filt, "format": fmt}


def _privileged(actor: User) -> bool:
    return actor.has_role(Role.ADMIN) or actor.has_role(Role.DISPATCHER)


def _allowed(actor: User, dimension: str, value: str) -> bool:
    return (dimension == "agent" and value == actor.id) or (
        dimension == "group" and value in actor.groups
    )


def labels(svc: Services, dimension: str) -> dict[str, str]:
    """The values a breakdown lists, with their display names (the key when none)."""
    if dimension == "response_point":
        found = {r.id: r.name for r in directory.response_points(svc)}
    elif dimension == "group":
        found = {g.id: g.name for g in directory.groups(svc)}
    elif dimension == "agent":
        found = {u.id: u.name for u in directory.users(svc)}
    elif dimension == "channel":
        found = {c.value: c.value for c in Channel}
    elif dimension == "priority":
        found = {p.value: p.value for p in Priority}
    elif dimension == "ticket_type":
        found = {t.id: t.name_sv for t in directory.ticket_types(svc)}
    elif dimension == "template":
        found = {str(r["id"]): str(r.get("name") or r["id"]) for r in svc.config.list("template")}
    else:  # organisation: named by the filter only (no breakdown, see BY)
        found = {}
    if dimension not in ("channel", "priority"):
        found[NONE_KEY] = found.get(NONE_KEY, NONE_KEY)
    return found


def _scope(
    actor: User, asked: dict[str, Any], svc: Services
) -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """(the totals' dimension value, the breakdown's [(key, label)]), after access."""
    by, filt = asked["by"], asked["filter"]
    privileged = _privileged(actor)
    if filt is None:
        total = ("all", "all") if privileged else ("agent", actor.id)
    else:
        if not privileged and not _allowed(actor, *filt):
            raise PermissionDeniedError("agents see only their own and their groups' figures")
        total = filt
    keys: list[tuple[str, str]] = []
    if by:
        named = labels(svc, by)
        if filt is not None:
            named = {filt[1]: named.get(filt[1], filt[1])}
        if not privileged:
            if by not in ("agent", "group"):
                raise PermissionDeniedError("agents break their figures down by agent or group")
            named = {k: v for k, v in named.items() if _allowed(actor, by, k)}
            if by == "agent":
                named = {actor.id: named.get(actor.id, actor.name)}
        keys = sorted(named.items(), key=lambda kv: (kv[0] == NONE_KEY, kv[1].lower(), kv[0]))
    return total, keys


def _report_of(
    before: int, days: list[tuple[str, Counters]], asked: dict[str, Any]
) -> dict[str, Any]:
    """Totals and series from one value's days in the range; ``before``: its backlog
    when the range begins."""
    start, end, bucket = asked["from"], asked["to"], asked["bucket"]
    starts = periods(start, end, bucket)
    sums: dict[date, Counters] = {p: {} for p in starts}
    backlog: dict[date, int] = {}
    total: Counters = {}
    for day_text, counters in days:
        add(total, counters)
        add(sums[period_of(date.fromisoformat(day_text), bucket)], counters)
    running = before
    for period in starts:  # each period's backlog: open at its last day
        running += sums[period].get("backlog", 0)
        backlog[period] = running
    return {
        "totals": figures(total, running),
        "series": [
            {"period": p.isoformat(), "figures": figures(sums[p], backlog[p])} for p in starts
        ],
    }


def report(svc: Services, actor: User, query: dict[str, str]) -> dict[str, Any]:
    asked = parse(query)
    assert svc.stats is not None, "statistics are not set up"
    total, keys = _scope(actor, asked, svc)
    since, until = asked["from"].isoformat(), asked["to"].isoformat()
    stats = svc.stats

    def of(dimension: str, value: str) -> dict[str, Any]:
        before = stats.backlog_before(dimension, value, since)
        return _report_of(before, stats.days(dimension, value, since, until), asked)

    main = of(*total)
    breakdown = [
        {"key": key, "label": label, "figures": main["totals"]}
        if (asked["by"], key) == total
        else {"key": key, "label": label, "figures": of(asked["by"], key)["totals"]}
        for key, label in keys
    ]
    return {
        "from": asked["from"].isoformat(),
        "to": until,
        "bucket": asked["bucket"],
        "by": asked["by"],
        "time_zone": directory.settings(svc).time_zone,
        "filter": {"dimension": total[0], "value": total[1]} if total != ("all", "all") else None,
        "totals": main["totals"],
        "series": main["series"],
        "breakdown": breakdown,
    }
