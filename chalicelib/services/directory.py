"""Typed reads of the helpdesk's configuration (response points, groups, users, ...)."""

from __future__ import annotations

from typing import Any, TypeVar

from chalicelib.domain.consultation import ExternalParty
from chalicelib.domain.custom_fields import CustomFieldDefinition
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.menu import MenuProfile
from chalicelib.domain.organisation import (
    DEFAULT_TICKET_TYPES,
    Group,
    ResponsePoint,
    Settings,
    TicketType,
    User,
)
from chalicelib.domain.records import from_record
from chalicelib.services.context import Services

R = TypeVar("R")

RESPONSE_POINT = "response_point"
GROUP = "group"
USER = "user"
TICKET_TYPE = "ticket_type"
CUSTOM_FIELD = "custom_field"
SETTINGS = "settings"
MENU_PROFILE = "menu_profile"
EXTERNAL_PARTY = "external_party"  # suppliers and experts to consult (S6)
KINDS: dict[str, type[Any]] = {
    RESPONSE_POINT: ResponsePoint,
    GROUP: Group,
    USER: User,
    TICKET_TYPE: TicketType,
    CUSTOM_FIELD: CustomFieldDefinition,
    MENU_PROFILE: MenuProfile,
    EXTERNAL_PARTY: ExternalParty,
}


def _load(svc: Services, kind: str, item_id: str, cls: type[R]) -> R:
    record = svc.config.get(kind, item_id)
    if record is None:
        raise NotFoundError(f"no {kind.replace('_', ' ')} {item_id!r}")
    return from_record(cls, record)


def response_point(svc: Services, rp_id: str) -> ResponsePoint:
    return _load(svc, RESPONSE_POINT, rp_id, ResponsePoint)


def group(svc: Services, group_id: str) -> Group:
    return _load(svc, GROUP, group_id, Group)


def user(svc: Services, user_id: str) -> User:
    return _load(svc, USER, user_id, User)


def response_points(svc: Services) -> list[ResponsePoint]:
    return [from_record(ResponsePoint, r) for r in svc.config.list(RESPONSE_POINT)]


def groups(svc: Services) -> list[Group]:
    return [from_record(Group, r) for r in svc.config.list(GROUP)]


def users(svc: Services) -> list[User]:
    return [from_record(User, r) for r in svc.config.list(USER)]


def ticket_types(svc: Services) -> list[TicketType]:
    stored = [from_record(TicketType, r) for r in svc.config.list(TICKET_TYPE)]
    return stored or list(DEFAULT_TICKET_TYPES)


def custom_fields(svc: Services) -> dict[str, CustomFieldDefinition]:
    defs = [from_record(CustomFieldDefinition, r) for r in svc.config.list(CUSTOM_FIELD)]
    return {d.id: d for d in defs}


def settings(svc: Services) -> Settings:
    record = svc.config.get(SETTINGS, "global")
    return from_record(Settings, record) if record else Settings()
