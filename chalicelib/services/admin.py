"""Admin use cases: response points, groups, users, ticket types, custom fields, settings."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.organisation import Group, Role, Settings, User, check_slug
from chalicelib.domain.records import from_record, to_record
from chalicelib.services import directory, inputs
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

DELETABLE = {directory.TICKET_TYPE, directory.CUSTOM_FIELD}
MAX_PASSWORD = 256


def list_items(svc: Services, actor: User, kind: str) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    if kind == directory.TICKET_TYPE:
        return [to_record(t) for t in directory.ticket_types(svc)]
    return [_public(kind, r) for r in svc.config.list(_kind(kind))]


def get_item(svc: Services, actor: User, kind: str, item_id: str) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = svc.config.get(_kind(kind), item_id)
    if record is None:
        raise NotFoundError(f"no {kind} {item_id!r}")
    return _public(kind, record)


def put_item(
    svc: Services, actor: User, kind: str, item_id: str, body: Any, *, create: bool
) -> dict[str, Any]:
    """Create (``create``: 409 if it exists) or replace one config item, validated whole."""
    require_role(actor, Role.ADMIN)
    cls = directory.KINDS[_kind(kind)]
    data = dict(inputs.require_object(body))
    password = data.pop("password", None) if kind == directory.USER else None
    check_slug(item_id, f"{kind} id")
    if not create and svc.config.get(kind, item_id) is None:
        raise NotFoundError(f"no {kind} {item_id!r}")
    obj = from_record(cls, {**data, "id": item_id})
    _check_references(svc, obj)
    if isinstance(obj, User):
        _register_login(svc, obj, password, create=create)
    record = to_record(obj)
    svc.config.put(kind, item_id, record, create=create)
    return _public(kind, record)


def delete_item(svc: Services, actor: User, kind: str, item_id: str) -> None:
    require_role(actor, Role.ADMIN)
    if _kind(kind) not in DELETABLE:
        raise ValidationError(f"{kind} cannot be deleted; deactivate or rename it")
    if svc.config.get(kind, item_id) is None:
        raise NotFoundError(f"no {kind} {item_id!r}")
    svc.config.delete(kind, item_id)


def get_settings(svc: Services, actor: User) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    return to_record(directory.settings(svc))


def put_settings(svc: Services, actor: User, body: Any) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    data = inputs.require_object(body)
    merged = {**to_record(directory.settings(svc)), **data}
    settings = from_record(Settings, merged)
    if not isinstance(settings.lock_minutes, int) or not 1 <= settings.lock_minutes <= 24 * 60:
        raise ValidationError("lock_minutes must be 1-1440")
    if settings.default_response_point_id:
        _must_exist(svc, directory.RESPONSE_POINT, settings.default_response_point_id)
    record = to_record(settings)
    svc.config.put(directory.SETTINGS, "global", record)
    return record


def _kind(kind: str) -> str:
    if kind not in directory.KINDS:
        raise NotFoundError(f"no admin collection {kind!r}")
    return kind


def _public(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    return record


def _check_references(svc: Services, obj: Any) -> None:
    if isinstance(obj, Group):
        _must_exist(svc, directory.RESPONSE_POINT, obj.response_point_id)
    if isinstance(obj, User):
        for group_id in obj.groups:
            _must_exist(svc, directory.GROUP, group_id)


def _must_exist(svc: Services, kind: str, item_id: str) -> None:
    if svc.config.get(kind, item_id) is None:
        raise ValidationError(f"no {kind.replace('_', ' ')} {item_id!r}")


def _register_login(svc: Services, user: User, password: Any, *, create: bool) -> None:
    if password is not None and (
        not isinstance(password, str) or not 4 <= len(password) <= MAX_PASSWORD
    ):
        raise ValidationError(f"password must be 4-{MAX_PASSWORD} characters")
    if create and password is None:
        raise ValidationError("a new user needs a password")
    svc.identity.register(user.id, user.email, [r.value for r in user.roles], password)
