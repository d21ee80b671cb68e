"""The quick menu (S14): what a user's menu profiles link to, resolved for that user."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.inbox import InboxRef
from chalicelib.domain.menu import LinkKind, MenuProfile
from chalicelib.domain.organisation import User
from chalicelib.domain.records import from_record
from chalicelib.services import directory, inboxes, saved_searches, templates
from chalicelib.services.context import Services


def check_references(svc: Services, profile: MenuProfile) -> None:
    """On save: what the links name exists; a saved search in a profile is a shared one."""
    for link in profile.links:
        kind, target = LinkKind(link["kind"]), link["target"]
        if kind is LinkKind.SAVED_SEARCH:
            record = svc.config.get(saved_searches.SAVED_SEARCH, target)
            if record is None or not record.get("shared"):
                raise ValidationError(f"no shared saved search {target!r}")
        elif kind is LinkKind.NEW_FROM_TEMPLATE and templates.load(svc, target) is None:
            raise ValidationError(f"no template {target!r}")
    for user_id in profile.users:
        if svc.config.get(directory.USER, user_id) is None:
            raise ValidationError(f"no user {user_id!r}")


def my_menu(svc: Services, actor: User) -> dict[str, Any]:
    """The links of every profile given to the user or one of their roles, in order; links
    the user cannot use (a search gone, a template disabled, an inbox hidden) are left out."""
    roles = [r.value for r in actor.roles]
    profiles = [from_record(MenuProfile, r) for r in svc.config.list(directory.MENU_PROFILE)]
    mine = sorted((p for p in profiles if p.given_to(actor.id, roles)),
                  key=lambda p: (p.position, p.id))  # fmt: skip
    links: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for profile in mine:
        for link in profile.links:
            resolved = _resolve(svc, actor, link)
            if resolved is None:
                continue
            # The same link in two of the user's profiles is shown once, where it comes first.
            key = (resolved["kind"], resolved["target"], resolved["label"])
            if key not in seen:
                seen.add(key)
                links.append({**resolved, "profile_id": profile.id})
    return {"profiles": [p.id for p in mine], "links": links}


def _resolve(svc: Services, actor: User, link: dict[str, Any]) -> dict[str, Any] | None:
    kind, target, label = LinkKind(link["kind"]), link["target"], link["label"]
    if kind is LinkKind.URL:
        return {"kind": kind.value, "target": target, "label": label, "href": target}
    if kind is LinkKind.SAVED_SEARCH:
        try:
            found = saved_searches.get_search(svc, actor, target)
        except NotFoundError:
            return None
        return {"kind": kind.value, "target": target, "label": label or found["name"],
                "href": f"/api/saved-searches/{target}/tickets"}  # fmt: skip
    if kind is LinkKind.INBOX:
        try:
            inboxes.check_inbox_access(svc, actor, InboxRef.parse(target))
        except NotFoundError:
            return None
        return {"kind": kind.value, "target": target, "label": label or target,
                "href": f"/api/inboxes/{target}/tickets"}  # fmt: skip
    template = templates.load(svc, target)
    if template is None or not template.enabled:
        return None
    return {"kind": kind.value, "target": target, "label": label or template.title,
            "href": f"/api/templates/{target}"}  # fmt: skip
