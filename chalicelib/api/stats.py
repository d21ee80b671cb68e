"""Statistics (issue 14, S9, S11): ``GET /api/stats``. The contract the UI codes against.

Query: ``from=YYYY-MM-DD&to=YYYY-MM-DD`` (required; at most three years, organisation time
zone), ``bucket=day|week|month`` (default day), ``by=response_point|group|agent|channel|
ticket_type|priority|template`` (optional), at most one filter of ``response_point=``,
``group=``, ``agent=``, ``channel=``, ``organisation=``; a filter goes with no ``by`` or a
``by`` of its own dimension (services/statistics/report.py). ``format=csv`` for CSV.

Access: dispatchers and admins see everything; an agent sees their own figures (the
default when no filter is given) and their groups': ``agent=<self>``, ``group=<theirs>``,
``by=agent`` (only themselves), ``by=group`` (only their groups); else 403 (JSON).
400 (JSON) on a bad date, ``to`` before ``from``, a range over three years, an unknown
``by``/``bucket``/``format``, two filters, or a filter with another dimension's ``by``.

JSON::

    {"from": "2026-11-01", "to": "2026-11-30", "bucket": "week", "by": "group",
     "time_zone": "Europe/Stockholm",
     "filter": {"dimension": "agent", "value": "agent1"} | null,   (what the totals are of)
     "totals": F,
     "series": [{"period": "2026-10-26", "figures": F}, ...],  (first day of each bucket;
                 ISO weeks start on Monday; every bucket of the range, zeros included)
     "breakdown": [{"key": "kt-forsta", "label": "Första linjen", "figures": F}, ...]}
                 (empty without ``by``; key "none": tickets without a value)

    F = {"created": n, "closed": n, "reopened": n, "backlog": n,  (open at the period's end)
         "first_response": {"count": n, "median_hours": x|null, "p90_hours": x|null,
                            "median_open_hours": x|null, "p90_open_hours": x|null},
         "resolution": {same keys},
         "sla": {"first_response_met": n, "first_response_total": n,
                 "first_response_compliance": 0..1|null, "resolution_met": n,
                 "resolution_total": n, "resolution_compliance": 0..1|null,
                 "breaches": n, "paused_hours": x},
         "messages_in": {"<channel>": n, ...}, "messages_out": {"<channel>": n, ...},
         "consultations": {"count": n, "answered": n, "median_hours": x|null},
         "one_touch": {"resolved": n, "one_touch": n, "rate": 0..1|null}}

Hours are rounded to 0.01; medians and 90th percentiles come from bounded histograms and
are within about 5 % (docs/architecture.md, "Statistics"). "closed" counts moves to
resolved or closed; a series period's backlog is the count open at its last day.

CSV (``format=csv``): ``text/csv; charset=utf-8``, UTF-8 with a BOM, comma-separated,
``Content-Disposition: attachment; filename="servit-stats-<from>-<to>.csv"``; one row per
breakdown key and a last row "total", the figures flattened (``first_response_median_hours``,
``messages_in_email`` ...).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.routing import Call, endpoint
from chalicelib.services.statistics import report

bp = Blueprint(__name__)


@endpoint(bp, "/api/stats", ["GET"])
def stats(call: Call) -> Any:
    found = report.report(call.svc, call.actor, call.query)
    if call.query.get("format") != "csv":
        return found
    name = f"servit-stats-{found['from']}-{found['to']}.csv"
    return Response(
        body="\ufeff" + to_csv(found),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def flatten(figures: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in figures.items():
        if isinstance(value, dict):
            for inner, n in value.items():
                flat[f"{name}_{inner}"] = n
        else:
            flat[name] = value
    return flat


def to_csv(found: dict[str, Any]) -> str:
    rows = [
        {"key": row["key"], "label": row["label"], **flatten(row["figures"])}
        for row in found["breakdown"]
    ]
    rows.append({"key": "total", "label": "total", **flatten(found["totals"])})
    columns: list[str] = []
    for row in rows:  # the fixed figures first, then each channel met
        columns.extend(c for c in row if c not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval=0, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
