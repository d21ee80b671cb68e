"""The admin's map of our Facebook pages and X accounts to response points (S1).

Config kind ``social_account``, id ``<platform>:<account id>``: a webhook finds the
account of a message with one GetItem (cached per container), the admin screen lists them
with one Query of the kind."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.organisation import ResponsePoint, Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.social import SocialAccount, account_key
from chalicelib.services import directory, inputs
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

SOCIAL_ACCOUNT = "social_account"
_KEYS = {"platform", "account_id", "name", "response_point_id", "enabled"}


def account(svc: Services, platform: str, account_id: str) -> SocialAccount | None:
    record = svc.config.get(SOCIAL_ACCOUNT, account_key(platform, account_id))
    return from_record(SocialAccount, record) if record else None


def response_point_for(svc: Services, platform: str, account_id: str) -> ResponsePoint | None:
    """Where messages to this page or account are filed: its response point; a page or
    account the admin has not named goes to the default response point (nothing is lost);
    a switched-off one nowhere (None)."""
    found = account(svc, platform, account_id)
    if found is not None:
        return directory.response_point(svc, found.response_point_id) if found.enabled else None
    default = directory.settings(svc).default_response_point_id
    return directory.response_point(svc, default) if default else None


def list_accounts(svc: Services, actor: User) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    items = [from_record(SocialAccount, r) for r in svc.config.list(SOCIAL_ACCOUNT)]
    return [_public(a) for a in sorted(items, key=lambda a: (a.platform, a.name.lower()))]


def create_account(svc: Services, actor: User, body: Any) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    found = _checked(svc, body)
    try:
        svc.config.put(SOCIAL_ACCOUNT, found.key, to_record(found), create=True)
    except ConflictError:
        raise ConflictError(
            f"{found.platform} account {found.account_id} is set up already", code="exists"
        ) from None
    return _public(found)


def update_account(svc: Services, actor: User, key: str, body: Any) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    stored = _stored(svc, key)
    data = {**to_record(stored), **inputs.require_object(body)}
    if (data.get("platform"), data.get("account_id")) != (stored.platform, stored.account_id):
        raise ValidationError("platform and account_id cannot change; add a new account")
    found = _checked(svc, data)
    svc.config.put(SOCIAL_ACCOUNT, key, to_record(found))
    return _public(found)


def delete_account(svc: Services, actor: User, key: str) -> None:
    require_role(actor, Role.ADMIN)
    _stored(svc, key)
    svc.config.delete(SOCIAL_ACCOUNT, key)


def _checked(svc: Services, body: Any) -> SocialAccount:
    data = inputs.require_object(body)
    inputs.only_keys(data, _KEYS | {"id"})
    data = {k: v for k, v in data.items() if k != "id"}
    found = from_record(SocialAccount, data)
    if svc.config.get(directory.RESPONSE_POINT, found.response_point_id) is None:
        raise ValidationError(f"no response point {found.response_point_id!r}")
    return found


def _stored(svc: Services, key: str) -> SocialAccount:
    record = svc.config.get(SOCIAL_ACCOUNT, key)
    if record is None:
        raise NotFoundError(f"no social account {key!r}")
    return from_record(SocialAccount, record)


def _public(found: SocialAccount) -> dict[str, Any]:
    return {"id": found.key, **to_record(found)}
