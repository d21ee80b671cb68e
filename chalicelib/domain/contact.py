"""The contact card of ServIT CRM (S19)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import Language, check_email
from chalicelib.domain.social import check_identity

_PHONE = re.compile(r"^\+?[0-9]{5,17}$")
# In a name: control characters (CR/LF among them) become spaces, and bidi overrides and
# isolates and invisible format characters go (the same set as a ticket title's, see
# chalicelib/domain/ticket.py check_title).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_DISGUISING = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\u206a-\u206f\ufeff\u00ad\u180e"
    "\u115f\u1160\u3164\uffa0\ufff9-\ufffb]"
)


def clean_name(value: str) -> str:
    """A name on one line that reads as it is: control characters (CR/LF among them) become
    spaces and runs of spaces one, bidi overrides and invisible format characters go.

    Neutralised rather than refused: most names arrive as a mail's display name, where
    ``=?utf-8?q?Anna=0D=0A...?=`` decodes to a line break, and refusing would lose the mail.
    """
    return " ".join(_DISGUISING.sub("", _CONTROL.sub(" ", value)).split())


def normalise_phone(value: str) -> str:
    """Keep digits and a leading plus: '+46 70-123 45 67' -> '+46701234567'."""
    if not isinstance(value, str):
        raise ValidationError("phone must be text")
    cleaned = re.sub(r"[\s\-().]", "", value)
    if not _PHONE.match(cleaned):
        raise ValidationError(f"not a phone number: {value!r}")
    return cleaned


DEFAULT_REGION = "SE"  # numbers without a country code are Swedish


def phone_e164(value: str, region: str = DEFAULT_REGION) -> str:
    """A number typed by an agent or a customer, stored in E.164 when it is a possible
    number ('070-123 45 67' -> '+46701234567'; issue 14); what is no possible number but was
    accepted before (service numbers, short codes) is kept as ``normalise_phone`` leaves it.
    (The SMS channel's ``channels/sms.to_e164`` is the strict form: it refuses those.)"""
    import phonenumbers  # imported on first use: its metadata is large (cold start)

    cleaned = normalise_phone(value)
    international = "+" + cleaned[2:] if cleaned.startswith("00") else cleaned
    try:
        number = phonenumbers.parse(international, region)
    except phonenumbers.NumberParseException:
        return cleaned
    if not phonenumbers.is_possible_number(number):
        return cleaned
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_forms(value: str) -> list[str]:
    """Every form a card may hold the number in: E.164 first, then its 00 form and, for a
    Swedish number, the national ones (cards made before issue 14 kept digits as typed)."""
    e164 = phone_e164(value)
    forms = [e164]
    if e164.startswith("+"):
        forms.append("00" + e164[1:])
        if e164.startswith("+46"):
            forms += ["0" + e164[3:], "+460" + e164[3:]]
    return list(dict.fromkeys([*forms, normalise_phone(value)]))


@dataclass
class Contact:
    id: str
    name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    organisation: str = ""  # free text, from before organisation records (kept readable)
    language: Language = Language.SV
    notes: str = ""
    created_at: datetime | None = None
    version: int = 0
    # The person on social channels (issue 13): "facebook:<page-scoped id>", "x:<user id>";
    # unique like e-mails and phones (a Lookups key each), so a message finds its contact.
    identities: list[str] = field(default_factory=list)
    # Numbers of this contact that texted STOP (issue 13): no SMS goes to them until START.
    sms_opted_out: list[str] = field(default_factory=list)
    # The customer organisation the contact belongs to (issue 14, domain/crm_organisation.py).
    organisation_id: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or len(self.name) > 200:
            raise ValidationError("name must be text up to 200 characters")
        self.name = clean_name(self.name)
        self.emails = list(dict.fromkeys(check_email(e) for e in self.emails))
        self.phones = list(dict.fromkeys(normalise_phone(p) for p in self.phones))
        self.identities = list(dict.fromkeys(check_identity(i) for i in self.identities))
        self.sms_opted_out = list(dict.fromkeys(normalise_phone(p) for p in self.sms_opted_out))
        if len(self.emails) > 20 or len(self.phones) > 20 or len(self.identities) > 20:
            raise ValidationError("at most 20 e-mail addresses and 20 phone numbers")
        if len(self.notes) > 10_000 or len(self.organisation) > 200:
            raise ValidationError("notes up to 10000, organisation up to 200 characters")
