"""Searching tickets by any combination of criteria (S16), and exporting the hits as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.search import EQUAL_FIELDS, MAX_WORDS, RANGES, SearchCriteria
from chalicelib.domain.sla import SlaState
from chalicelib.domain.statuses import Channel, ItilProcess, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import directory, field_settings, inputs
from chalicelib.services.context import Services
from chalicelib.services.ports import Page
from chalicelib.services.visibility import filter_visible

CRITERIA_KEYS = {
    "status", *EQUAL_FIELDS, *(f"{r}_{end}" for r in RANGES for end in ("from", "to")),
    "sla_state", "custom_fields", "words",
}  # fmt: skip
_ENUMS: dict[str, Any] = {"priority": Priority, "itil_process": ItilProcess, "channel": Channel}
# Requests one page may take to fill itself when filters leave pages short.
FILL_ROUNDS = 5
MAX_EXPORT_ROWS = 5000
ME = "me"  # agent_id "me": whoever runs the search (a shared "my open tickets")


def parse_criteria(svc: Services, data: dict[str, Any]) -> dict[str, Any]:
    """Check a search as stored (JSON): unknown keys, enum values, dates, custom fields."""
    inputs.only_keys(data, CRITERIA_KEYS)
    clean: dict[str, Any] = {}
    statuses = inputs.string_list(data, "status", max_items=8, max_len=20)
    if statuses:
        for status in statuses:
            inputs.enum({"status": status}, "status", Status)
        clean["status"] = sorted(set(statuses))
    for name in EQUAL_FIELDS:
        value = inputs.text(data, name, max_len=63)
        if value:
            if name in _ENUMS:
                inputs.enum(data, name, _ENUMS[name])
            clean[name] = value
    for name in (f"{r}_{end}" for r in RANGES for end in ("from", "to")):
        at = inputs.instant(data, name)
        if at is not None:
            clean[name] = iso(at)
    sla = inputs.enum(data, "sla_state", SlaState)
    if sla is not None:
        clean["sla_state"] = sla.value
    custom = inputs.mapping(data, "custom_fields") or {}
    definitions = directory.custom_fields(svc)
    for key, value in custom.items():
        if key not in definitions:
            raise ValidationError(f"unknown custom field {key!r}")
        clean.setdefault("custom_fields", {})[key] = definitions[key].clean(value)
    words = (inputs.text(data, "words", max_len=300) or "").split()
    if len(words) > MAX_WORDS:
        raise ValidationError(f"at most {MAX_WORDS} words")
    if words:
        clean["words"] = " ".join(words)
    return clean


def to_criteria(actor: User, clean: dict[str, Any]) -> SearchCriteria:
    from chalicelib.domain.timefmt import parse_iso

    equal = {k: clean[k] for k in EQUAL_FIELDS if k in clean}
    if equal.get("agent_id") == ME:
        equal["agent_id"] = actor.id
    ranges = {}
    for name in RANGES:
        low, high = clean.get(f"{name}_from"), clean.get(f"{name}_to")
        if low or high:
            ranges[name] = (parse_iso(low) if low else None, parse_iso(high) if high else None)
    return SearchCriteria(
        statuses=tuple(clean.get("status", ())),
        equal=equal,
        ranges=ranges,
        sla_state=SlaState(clean["sla_state"]) if "sla_state" in clean else None,
        custom_fields=dict(clean.get("custom_fields", {})),
        words=tuple(w.casefold() for w in clean.get("words", "").split()),
    )


def run(
    svc: Services, actor: User, clean: dict[str, Any], *, limit: int, cursor: str | None
) -> Page[Ticket]:
    """One page of hits the actor may see. Pages left short by the filter read on (at
    most FILL_ROUNDS requests); the cursor then continues where reading stopped."""
    criteria = to_criteria(actor, clean)
    now = svc.clock()
    found: list[Ticket] = []
    for _ in range(FILL_ROUNDS):
        page = svc.tickets.search(criteria, now, limit=limit - len(found), cursor=cursor)
        found.extend(filter_visible(svc, actor, page.items))
        cursor = page.cursor
        if cursor is None or len(found) >= limit:
            break
    return Page(found, cursor)


def search_tickets(svc: Services, actor: User, body: Any) -> Page[Ticket]:
    data = dict(inputs.require_object(body))
    cursor = inputs.text(data, "cursor", max_len=2000)
    limit = data.pop("limit", 50)
    data.pop("cursor", None)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 200:
        raise ValidationError("limit must be 1-200")
    return run(svc, actor, parse_criteria(svc, data), limit=limit, cursor=cursor)


# --- CSV ------------------------------------------------------------------------------

COLUMNS = (
    "number", "title", "status", "priority", "response_point", "group", "agent", "ticket_type",
    "template_id", "itil_process", "channel", "contact", "created_at", "updated_at",
    "closed_at", "sla_state",
)  # fmt: skip
# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets
# (OWASP "CSV injection"); full-width forms too, which some spreadsheets fold.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(svc: Services, actor: User, clean: dict[str, Any]) -> str:
    """Every hit (up to MAX_EXPORT_ROWS) as CSV, hidden fields left out per ticket."""
    definitions = directory.custom_fields(svc)
    custom_ids = sorted(definitions)
    names = _names(svc)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *(f"custom:{definitions[c].label}" for c in custom_ids)])
    contacts: dict[str, str] = {}
    now = svc.clock()
    from chalicelib.domain.search import ticket_sla_state

    for ticket in _all_hits(svc, actor, clean):
        hidden = field_settings.hidden_fields(svc, ticket.response_point_id)
        row = {
            "number": ticket.number,
            "title": ticket.title,
            "status": ticket.status.value,
            "priority": ticket.priority.value,
            "response_point": names.get(("rp", ticket.response_point_id), ticket.response_point_id),
            "group": names.get(("group", ticket.group_id or ""), ticket.group_id),
            "agent": names.get(("user", ticket.agent_id or ""), ticket.agent_id),
            "ticket_type": ticket.ticket_type,
            "template_id": ticket.template_id,
            "itil_process": ticket.itil_process.value if ticket.itil_process else "",
            "channel": ticket.channel.value,
            "contact": _contact_name(svc, ticket.contact_id, contacts),
            "created_at": iso(ticket.created_at),
            "updated_at": iso(ticket.updated_at),
            "closed_at": iso(ticket.closed_at) if ticket.closed_at else "",
            "sla_state": ticket_sla_state(ticket, now).value,
        }
        cells = [None if field_settings.is_hidden(c, hidden) else row[c] for c in COLUMNS]
        cells += [
            None
            if field_settings.is_hidden(f"custom_fields.{c}", hidden)
            else ticket.custom_fields.get(c)
            for c in custom_ids
        ]
        writer.writerow([safe_cell(c) for c in cells])
    # A byte-order mark, so Excel reads the UTF-8 (å, ä, ö) as UTF-8.
    return "\ufeff" + out.getvalue()


def _all_hits(svc: Services, actor: User, clean: dict[str, Any]) -> Iterator[Ticket]:
    cursor: str | None = None
    count = 0
    while True:
        page = run(svc, actor, clean, limit=200, cursor=cursor)
        for ticket in page.items:
            if count >= MAX_EXPORT_ROWS:
                return
            count += 1
            yield ticket
        cursor = page.cursor
        if cursor is None:
            return


def _names(svc: Services) -> dict[tuple[str, str], str]:
    names = {("rp", rp.id): rp.name for rp in directory.response_points(svc)}
    names.update({("group", g.id): g.name for g in directory.groups(svc)})
    names.update({("user", u.id): u.name for u in directory.users(svc)})
    return names


def _contact_name(svc: Services, contact_id: str | None, seen: dict[str, str]) -> str:
    if not contact_id:
        return ""
    if contact_id not in seen:
        try:
            contact = svc.contacts.get(contact_id)
            seen[contact_id] = contact.name or (contact.emails[0] if contact.emails else "")
        except NotFoundError:
            seen[contact_id] = ""
    return seen[contact_id]
