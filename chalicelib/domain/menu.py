"""Menu profiles (S14): ordered links admins give to users or roles, shown as a quick menu."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.checks import as_list, check_name, check_slug, enum_value
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.inbox import InboxRef
from chalicelib.domain.organisation import Role

MAX_LINKS = 50


class LinkKind(StrEnum):
    SAVED_SEARCH = "saved_search"  # target: saved search id
    INBOX = "inbox"  # target: an inbox id, e.g. group:kt-first
    NEW_FROM_TEMPLATE = "new_from_template"  # target: template id
    URL = "url"  # target: an http(s) address


@dataclass
class MenuProfile:
    id: str
    name: str
    links: list[dict[str, Any]] = field(default_factory=list)  # {kind, target, label}
    users: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    position: int = 0  # a user with several profiles sees them in this order

    def __post_init__(self) -> None:
        check_slug(self.id, "menu profile id")
        self.name = check_name(self.name, "name")
        links = as_list(self.links, "links")
        if len(links) > MAX_LINKS:
            raise ValidationError(f"a menu profile has at most {MAX_LINKS} links")
        self.links = [check_link(link) for link in links]
        self.users = [check_slug(u, "user id") for u in as_list(self.users, "users")]
        self.roles = [enum_value(Role, r, "role").value for r in as_list(self.roles, "roles")]
        if isinstance(self.position, bool) or not isinstance(self.position, int):
            raise ValidationError("position must be a whole number")

    def given_to(self, user_id: str, roles: list[str]) -> bool:
        return user_id in self.users or bool(set(self.roles) & set(roles))


def check_link(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("a link is an object: kind, target, label")
    kind = enum_value(LinkKind, value.get("kind"), "link kind")
    target = value.get("target")
    label = value.get("label") or ""
    if not isinstance(target, str) or not target or len(target) > 2000:
        raise ValidationError("a link needs a target")
    if not isinstance(label, str) or len(label) > 200:
        raise ValidationError("a link's label is text up to 200 characters")
    if kind is LinkKind.URL:
        parts = urlsplit(target)
        # Only web addresses: a javascript: or data: link in everyone's menu would run code.
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("a url link must be an http(s) address")
        if not label:
            raise ValidationError("a url link needs a label")
    elif kind is LinkKind.INBOX:
        InboxRef.parse(target)
    elif kind is LinkKind.SAVED_SEARCH:
        if len(target) > 40:
            raise ValidationError("not a saved search id")
    else:
        check_slug(target, "template id")
    return {"kind": kind.value, "target": target, "label": label}
