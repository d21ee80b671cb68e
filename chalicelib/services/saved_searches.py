"""Saved searches (S16): personal or shared, opened as a list or exported as CSV.

Stored in Config as (``saved_search``, ULID) -> {name, owner_id, shared, criteria}. One
Query by kind lists them all; a helpdesk keeps hundreds, not millions.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.checks import check_name
from chalicelib.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import inputs, search
from chalicelib.services.context import Services
from chalicelib.services.ports import Page

SAVED_SEARCH = "saved_search"
MAX_PER_USER = 200


def visible_to(record: dict[str, Any], actor: User) -> bool:
    return bool(record.get("shared")) or record.get("owner_id") == actor.id


def list_searches(svc: Services, actor: User) -> list[dict[str, Any]]:
    found = [r for r in svc.config.list(SAVED_SEARCH) if visible_to(r, actor)]
    return sorted(found, key=lambda r: (not r.get("shared"), str(r.get("name", "")).casefold()))


def get_search(svc: Services, actor: User, search_id: str) -> dict[str, Any]:
    record = svc.config.get(SAVED_SEARCH, search_id)
    if record is None or not visible_to(record, actor):
        raise NotFoundError(f"no saved search {search_id!r}")
    return record


def create_search(svc: Services, actor: User, body: Any) -> dict[str, Any]:
    mine = [r for r in svc.config.list(SAVED_SEARCH) if r.get("owner_id") == actor.id]
    if len(mine) >= MAX_PER_USER:
        raise ValidationError(f"at most {MAX_PER_USER} saved searches per user")
    now = svc.clock()
    record = {"id": new_ulid(now), "owner_id": actor.id, "created_at": iso(now),
              **_fields(svc, body)}  # fmt: skip
    svc.config.put(SAVED_SEARCH, record["id"], record, create=True)
    return record


def update_search(svc: Services, actor: User, search_id: str, body: Any) -> dict[str, Any]:
    record = _own(svc, actor, search_id)
    record.update(_fields(svc, body))
    svc.config.put(SAVED_SEARCH, search_id, record)
    return record


def delete_search(svc: Services, actor: User, search_id: str) -> None:
    _own(svc, actor, search_id)
    svc.config.delete(SAVED_SEARCH, search_id)


def open_search(
    svc: Services, actor: User, search_id: str, *, limit: int, cursor: str | None
) -> Page[Ticket]:
    record = get_search(svc, actor, search_id)
    return search.run(svc, actor, record["criteria"], limit=limit, cursor=cursor)


def export_search(svc: Services, actor: User, search_id: str) -> tuple[str, str]:
    """(file name, CSV text)."""
    record = get_search(svc, actor, search_id)
    return record["name"], search.export_csv(svc, actor, record["criteria"])


def _own(svc: Services, actor: User, search_id: str) -> dict[str, Any]:
    record = get_search(svc, actor, search_id)
    if record.get("owner_id") != actor.id and not actor.has_role(Role.ADMIN):
        raise PermissionDeniedError("only its owner or an admin changes a saved search")
    return record


def _fields(svc: Services, body: Any) -> dict[str, Any]:
    data = inputs.require_object(body)
    inputs.only_keys(data, {"name", "shared", "criteria"})
    shared = data.get("shared", False)
    if not isinstance(shared, bool):
        raise ValidationError("shared must be true or false")
    criteria = inputs.mapping(data, "criteria") or {}
    return {
        "name": check_name(data.get("name"), "name"),
        "shared": shared,
        "criteria": search.parse_criteria(svc, criteria),
    }
