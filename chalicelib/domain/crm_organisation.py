"""Customer organisations of ServIT CRM (S19, issue 14): the companies contacts work for.

Not to be confused with ``domain/organisation.py``: the helpdesk's own settings (response
points, groups, users). Here an organisation is a customer's record: name, Swedish
organisation number, e-mail domains (a new contact from a listed domain joins it), phone,
address, notes and custom values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.contact import clean_name
from chalicelib.domain.errors import BadRequestError, ValidationError

MAX_DOMAINS = 20
MAX_CUSTOM = 50
MAX_CUSTOM_TEXT = 4000
_NUMBER = re.compile(r"^(\d{2})?(\d{6})-?(\d{4})$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,63}$")


def luhn_ok(digits: str) -> bool:
    """The Luhn check (mod 10) over all digits, the last being the check digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_org_number(value: Any) -> str:
    """A Swedish organisation number, stored as NNNNNN-NNNN.

    Accepts 10 digits with or without the hyphen and the 12-digit form with a century
    prefix ("16" for companies, "19"/"20" for sole traders' personal numbers); the last
    digit must be the Luhn check digit of the 10-digit form."""
    if not isinstance(value, str):
        raise BadRequestError("organisation number must be text", code="bad_org_number")
    match = _NUMBER.match(value.strip().replace(" ", ""))
    if not match:
        raise BadRequestError(
            "organisation number must be NNNNNN-NNNN (10 digits)", code="bad_org_number"
        )
    century, first, last = match.groups()
    if century is not None and century not in ("16", "18", "19", "20"):
        raise BadRequestError(
            "organisation number: a 12-digit form starts with 16, 18, 19 or 20",
            code="bad_org_number",
        )
    if not luhn_ok(first + last):
        raise BadRequestError(
            "organisation number: wrong check digit (Luhn)", code="bad_org_number"
        )
    return f"{first}-{last}"


def check_domain(value: Any) -> str:
    """An e-mail domain, lower-cased, without a leading '@'."""
    if not isinstance(value, str):
        raise ValidationError("a domain must be text")
    domain = value.strip().lower().lstrip("@").rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(f"not a domain: {value!r}") from None
    if not _DOMAIN.match(domain):
        raise ValidationError(f"not a domain: {value!r}")
    return domain


def domain_of(email: str) -> str:
    """The domain of an address (already checked): 'anna@Firma.SE' -> 'firma.se'."""
    return email.rsplit("@", 1)[-1].strip().lower()


def check_custom(values: Any) -> dict[str, Any]:
    """Custom values: short keys to text, numbers or yes/no; empty values dropped."""
    if not isinstance(values, dict):
        raise ValidationError("custom_fields must be an object")
    if len(values) > MAX_CUSTOM:
        raise ValidationError(f"at most {MAX_CUSTOM} custom fields")
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if not isinstance(key, str) or not _CUSTOM_KEY.match(key):
            raise ValidationError(f"custom field name {key!r}: letters, digits, _ . - only")
        if value is None or value == "":
            continue
        if isinstance(value, bool | int | float) or (
            isinstance(value, str) and len(value) <= MAX_CUSTOM_TEXT
        ):
            cleaned[key] = value
        else:
            raise ValidationError(f"custom field {key!r}: text up to {MAX_CUSTOM_TEXT}, a number")
    return cleaned


@dataclass
class CustomerOrganisation:
    id: str
    name: str
    org_number: str = ""  # NNNNNN-NNNN, "" when not known
    domains: list[str] = field(default_factory=list)
    phone: str = ""
    address: str = ""
    notes: str = ""
    custom_fields: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or len(self.name) > 200:
            raise ValidationError("name must be text up to 200 characters")
        self.name = clean_name(self.name)
        if not self.name:
            raise ValidationError("an organisation needs a name")
        self.org_number = check_org_number(self.org_number) if self.org_number else ""
        if not isinstance(self.domains, list) or len(self.domains) > MAX_DOMAINS:
            raise ValidationError(f"domains: a list of at most {MAX_DOMAINS}")
        self.domains = list(dict.fromkeys(check_domain(d) for d in self.domains))
        for name, limit in (("phone", 40), ("address", 1000), ("notes", 10_000)):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) > limit:
                raise ValidationError(f"{name} must be text up to {limit} characters")
        self.custom_fields = check_custom(self.custom_fields)
