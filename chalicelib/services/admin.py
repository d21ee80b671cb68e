"""Admin use cases: response points, groups, users, ticket types, custom fields, settings."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.checks import check_slug
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.menu import MenuProfile
from chalicelib.domain.organisation import (
    DEFAULT_TICKET_TYPES,
    Group,
    ResponsePoint,
    Role,
    Settings,
    User,
)
from chalicelib.domain.records import from_record, to_record
from chalicelib.services import calendars, directory, inputs
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

DELETABLE = {
    directory.TICKET_TYPE, directory.CUSTOM_FIELD, directory.MENU_PROFILE,
    directory.EXTERNAL_PARTY,
}  # fmt: skip
MAX_PASSWORD = 256


def list_items(svc: Services, actor: User, kind: str) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    if kind == directory.TICKET_TYPE:
        return [to_record(t) for t in directory.ticket_types(svc)]
    return [_public(kind, r) for r in svc.config.list(_kind(kind))]


def get_item(svc: Services, actor: User, kind: str, item_id: str) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = _stored(svc, _kind(kind), item_id)
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
    # A password an admin sets for someone else may be temporary: a new one at the next login.
    temporary = data.pop("must_change_password", False) if kind == directory.USER else False
    check_slug(item_id, f"{kind} id")
    # Checked before anything is written: a clash must not touch the existing item's login.
    exists = _stored(svc, kind, item_id) is not None
    inputs.check_create_or_replace(kind, item_id, exists=exists, create=create)
    obj = from_record(cls, {**data, "id": item_id})
    _check_references(svc, obj)
    if isinstance(obj, User):
        _register_login(svc, obj, password, create=create, temporary=temporary)
    if kind == directory.TICKET_TYPE:
        _keep_default_types(svc)
    record = to_record(obj)
    if isinstance(obj, User):
        record = _keep_sign_out(svc, obj, record)
    svc.config.put(kind, item_id, record, create=create)
    return _public(kind, record)


def _keep_sign_out(svc: Services, user: User, record: dict[str, Any]) -> dict[str, Any]:
    """A replaced user record keeps its sign-out mark; deactivating a user also ends their
    sessions, so that reactivating them does not bring old tokens back."""
    from chalicelib.services.auth import SIGNED_OUT_BEFORE

    stored = svc.config.get(directory.USER, user.id) or {}
    mark = stored.get(SIGNED_OUT_BEFORE)
    if not user.active and stored.get("active", True):
        mark = int(svc.clock().timestamp())
    return {**record, SIGNED_OUT_BEFORE: mark} if mark is not None else record


def delete_item(svc: Services, actor: User, kind: str, item_id: str) -> None:
    require_role(actor, Role.ADMIN)
    if _kind(kind) not in DELETABLE:
        raise ValidationError(f"{kind} cannot be deleted; deactivate or rename it")
    if _stored(svc, kind, item_id) is None:
        raise NotFoundError(f"no {kind} {item_id!r}")
    if kind == directory.TICKET_TYPE:
        _keep_default_types(svc)
    svc.config.delete(kind, item_id)


def get_settings(svc: Services, actor: User) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    return to_record(directory.settings(svc))


def put_settings(svc: Services, actor: User, body: Any) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    data = inputs.require_object(body)
    merged = {**to_record(directory.settings(svc)), **data}
    settings = from_record(Settings, merged)
    if settings.default_response_point_id:
        _must_exist(svc, directory.RESPONSE_POINT, settings.default_response_point_id)
    if settings.calendar_id:  # the general SLA targets' calendar
        _must_exist(svc, calendars.CALENDAR, settings.calendar_id)
    record = to_record(settings)
    svc.config.put(directory.SETTINGS, "global", record)
    return record


def _kind(kind: str) -> str:
    if kind not in directory.KINDS:
        raise NotFoundError(f"no admin collection {kind!r}")
    return kind


def _public(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    return record


def _stored(svc: Services, kind: str, item_id: str) -> dict[str, Any] | None:
    """The item's record; ticket types include the defaults while none are stored."""
    if kind == directory.TICKET_TYPE:
        types = {t.id: t for t in directory.ticket_types(svc)}
        return to_record(types[item_id]) if item_id in types else None
    return svc.config.get(kind, item_id)


def _keep_default_types(svc: Services) -> None:
    """Store the default ticket types before the first change, so that adding,
    changing or deleting one type does not make the other defaults vanish."""
    if not svc.config.list(directory.TICKET_TYPE):
        for ticket_type in DEFAULT_TICKET_TYPES:
            svc.config.put(directory.TICKET_TYPE, ticket_type.id, to_record(ticket_type))


def _check_references(svc: Services, obj: Any) -> None:
    if isinstance(obj, ResponsePoint) and obj.default_group_id:
        _must_exist(svc, directory.GROUP, obj.default_group_id)
        if directory.group(svc, obj.default_group_id).response_point_id != obj.id:
            raise ValidationError("default_group_id must be a group of this response point")
    if isinstance(obj, MenuProfile):
        from chalicelib.services.menus import check_references

        check_references(svc, obj)
    if isinstance(obj, Group):
        _must_exist(svc, directory.RESPONSE_POINT, obj.response_point_id)
    if isinstance(obj, User):
        for group_id in obj.groups:
            _must_exist(svc, directory.GROUP, group_id)


def _must_exist(svc: Services, kind: str, item_id: str) -> None:
    if svc.config.get(kind, item_id) is None:
        raise ValidationError(f"no {kind.replace('_', ' ')} {item_id!r}")


def _register_login(
    svc: Services, user: User, password: Any, *, create: bool, temporary: Any = False
) -> None:
    if not isinstance(temporary, bool):
        raise ValidationError("must_change_password must be true or false")
    if password is not None and (
        not isinstance(password, str) or not 4 <= len(password) <= MAX_PASSWORD
    ):
        raise ValidationError(f"password must be 4-{MAX_PASSWORD} characters")
    if create and password is None:
        raise ValidationError("a new user needs a password")
    # Logins are keyed by e-mail address: a second user with it would take over the first's.
    if any(u.email == user.email and u.id != user.id for u in directory.users(svc)):
        raise ConflictError(f"another user has the e-mail address {user.email}", code="duplicate")
    roles = [r.value for r in user.roles]
    svc.identity.register(
        user.id, user.email, roles, password, temporary=temporary and bool(password)
    )
