"""The contact card of ServIT CRM (S19)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import Language, check_email

_PHONE = re.compile(r"^\+?[0-9]{5,17}$")


def normalise_phone(value: str) -> str:
    """Keep digits and a leading plus: '+46 70-123 45 67' -> '+46701234567'."""
    if not isinstance(value, str):
        raise ValidationError("phone must be text")
    cleaned = re.sub(r"[\s\-().]", "", value)
    if not _PHONE.match(cleaned):
        raise ValidationError(f"not a phone number: {value!r}")
    return cleaned


@dataclass
class Contact:
    id: str
    name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    organisation: str = ""
    language: Language = Language.SV
    notes: str = ""
    created_at: datetime | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or len(self.name) > 200:
            raise ValidationError("name must be text up to 200 characters")
        self.emails = list(dict.fromkeys(check_email(e) for e in self.emails))
        self.phones = list(dict.fromkeys(normalise_phone(p) for p in self.phones))
        if len(self.emails) > 20 or len(self.phones) > 20:
            raise ValidationError("at most 20 e-mail addresses and 20 phone numbers")
        if len(self.notes) > 10_000 or len(self.organisation) > 200:
            raise ValidationError("notes up to 10000, organisation up to 200 characters")
