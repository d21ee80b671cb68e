"""Our pages and accounts on the social platforms, and where their messages go (S1).

An admin names each Facebook page and X account we answer on and the response point its
direct messages are filed under. Stored in Config as kind ``social_account``, id
``<platform>:<account id>``, so a webhook finds its account with one GetItem."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.domain.errors import ValidationError

PLATFORMS = ("facebook", "x")
# Messenger refuses a text over 2,000 characters, X a direct message over 10,000.
MAX_REPLY_CHARS = {"facebook": 2_000, "x": 10_000}
_ACCOUNT_ID = re.compile(r"^[0-9]{1,30}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_IDENTITY = re.compile(r"^(facebook|x):[0-9A-Za-z_.-]{1,100}$")


def account_key(platform: str, account_id: str) -> str:
    return f"{platform}:{account_id}"


def check_identity(value: object) -> str:
    """A person on a platform as a contact card keeps it: ``facebook:<psid>``, ``x:<id>``."""
    if not isinstance(value, str) or not _IDENTITY.match(value):
        raise ValidationError(f"not a social identity (facebook:<id> or x:<id>): {value!r}")
    return value


@dataclass
class SocialAccount:
    platform: str  # "facebook" (a page) or "x" (an account)
    account_id: str  # the page id / the X user id, digits
    name: str  # as the admin calls it ("Kundtjänst på Facebook")
    response_point_id: str
    enabled: bool = True  # off: its messages are refused (logged), nothing is filed

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ValidationError("platform must be facebook or x")
        if not isinstance(self.account_id, str) or not _ACCOUNT_ID.match(self.account_id):
            raise ValidationError("account_id must be the page's or account's numeric id")
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 200:
            raise ValidationError("name must be text of 1-200 characters")
        self.name = " ".join(self.name.split())
        if not isinstance(self.response_point_id, str) or not _SLUG.match(self.response_point_id):
            raise ValidationError("response_point_id must name a response point")
        if not isinstance(self.enabled, bool):
            raise ValidationError("enabled must be true or false")

    @property
    def key(self) -> str:
        return account_key(self.platform, self.account_id)
