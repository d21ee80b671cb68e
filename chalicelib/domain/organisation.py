"""Response points, groups, users, ticket types: the helpdesk's own shape (S11, S16)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.domain import email_address
from chalicelib.domain.checks import as_list, check_name, check_slug, enum_value, is_slug
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.sla import check_pausing
from chalicelib.domain.subject_tag import check_format as check_tag_format
from chalicelib.domain.templates import check_sla
from chalicelib.domain.timefmt import DEFAULT_TIME_ZONE, check_time_zone


class Role(StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    AGENT = "agent"


class VisibilityLevel(StrEnum):
    """Multi-user level (fleranvändarstöd), per response point."""

    ALL = "all"  # agents see every ticket of the response point
    OWN_GROUPS = "own_groups"  # agents see tickets of their groups and their own


class Language(StrEnum):
    SV = "sv"
    EN = "en"


def check_email(value: str) -> str:
    """Any RFC 5322/6532 address, normalised (lower-cased, NFC): see domain/email_address."""
    return email_address.check_email(value)


# Fields an organisation may hide (S10, S16): whole, or one custom field as
# ``custom_fields.<id>``. Title, status, priority, contact and placement are always used.
HIDEABLE_FIELDS = frozenset(
    {"itil_process", "ticket_type", "cc", "bcc", "parent_id", "description", "custom_fields",
     "attachments"}
)  # fmt: skip


def check_hidden_fields(value: object) -> list[str]:
    names = as_list(value, "hidden_fields")
    for name in names:
        if not isinstance(name, str) or not (
            name in HIDEABLE_FIELDS
            or (name.startswith("custom_fields.") and is_slug(name.partition(".")[2]))
        ):
            raise ValidationError(
                f"hidden_fields may name {sorted(HIDEABLE_FIELDS)} or custom_fields.<id>"
            )
    return list(dict.fromkeys(names))


@dataclass
class ResponsePoint:
    id: str
    name: str
    emails: list[str] = field(default_factory=list)
    language: Language = Language.SV
    visibility_level: VisibilityLevel = VisibilityLevel.ALL
    reopen_window_days: int = 14
    tag_in_subject: bool = True  # S16: ticket number in the e-mail subject
    subject_tag_format: str = "[#{number}]"
    notification_mode: str = "full"  # S16: "full" answer in the mail, or "link" to the portal
    auto_acknowledge: bool = False  # confirm new tickets by mail
    hidden_fields: list[str] = field(default_factory=list)  # S16 field settings, beside global
    default_group_id: str = ""  # the default inbox of unmatched tickets; "" = unassigned pool
    # Our numbers texts to this response point arrive at (E.164, issue 13); the first is
    # also where agents' SMS replies come from. A number no response point lists: the default.
    sms_numbers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_slug(self.id, "response point id")
        self.sms_numbers = check_sms_numbers(self.sms_numbers)
        self.hidden_fields = check_hidden_fields(self.hidden_fields)
        if self.default_group_id:
            check_slug(self.default_group_id, "default_group_id")
        check_tag_format(self.subject_tag_format)
        if self.notification_mode not in ("full", "link"):
            raise ValidationError("notification_mode must be full or link")
        if not isinstance(self.tag_in_subject, bool) or not isinstance(self.auto_acknowledge, bool):
            raise ValidationError("tag_in_subject and auto_acknowledge must be true or false")
        self.language = enum_value(Language, self.language, "language")
        self.visibility_level = enum_value(
            VisibilityLevel, self.visibility_level, "visibility_level"
        )
        self.emails = as_list(self.emails, "emails")
        self.name = check_name(self.name, "name")
        self.emails = [check_email(e) for e in self.emails]
        if not isinstance(self.reopen_window_days, int) or not 0 <= self.reopen_window_days <= 3650:
            raise ValidationError("reopen_window_days must be 0-3650")


_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def check_sms_numbers(value: object) -> list[str]:
    """Phone numbers in E.164 ('+46766861234'); spaces and dashes as typed are dropped."""
    numbers = [re.sub(r"[\s\-().]", "", str(n)) for n in as_list(value, "sms_numbers")]
    for number in numbers:
        if not _E164.match(number):
            raise ValidationError(
                f"sms_numbers must be in E.164 form with the country code, like +46701234567: "
                f"{number[:40]!r}"
            )
    if len(numbers) > 20:
        raise ValidationError("at most 20 sms_numbers")
    return list(dict.fromkeys(numbers))


def _amount(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1e9:
        raise ValidationError(f"{what} must be a number of 0 or more")
    return float(value)


@dataclass
class Group:
    id: str
    name: str
    response_point_id: str

    def __post_init__(self) -> None:
        check_slug(self.id, "group id")
        self.name = check_name(self.name, "name")
        check_slug(self.response_point_id, "response_point_id")


NOTICE_KINDS = ("message", "assigned", "changed")  # domain/notifications.NoticeKind


@dataclass
class User:
    id: str
    email: str
    name: str
    roles: list[Role] = field(default_factory=lambda: [Role.AGENT])
    groups: list[str] = field(default_factory=list)
    language: Language = Language.SV
    view: str = "standard"  # standard | pro (S15)
    active: bool = True
    # Agent notifications (S16): of which events, and also by e-mail (always in the UI).
    notify: list[str] = field(default_factory=lambda: list(NOTICE_KINDS))
    notify_email: bool = True

    def __post_init__(self) -> None:
        check_slug(self.id, "user id")
        self.email = check_email(self.email)
        self.name = check_name(self.name, "name")
        self.roles = [enum_value(Role, r, "role") for r in as_list(self.roles, "roles")]
        self.groups = [check_slug(g, "group id") for g in as_list(self.groups, "groups")]
        self.language = enum_value(Language, self.language, "language")
        if self.view not in ("standard", "pro"):
            raise ValidationError("view must be standard or pro")
        if not self.roles:
            raise ValidationError("a user needs at least one role")
        self.notify = as_list(self.notify, "notify")
        if set(self.notify) - set(NOTICE_KINDS) or not isinstance(self.notify_email, bool):
            raise ValidationError(
                f"notify is a list of {list(NOTICE_KINDS)}; notify_email true or false"
            )

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def sees_everything(self) -> bool:
        """Admins and dispatchers see every ticket whatever the multi-user level."""
        return Role.ADMIN in self.roles or Role.DISPATCHER in self.roles


@dataclass
class TicketType:
    id: str
    name_sv: str
    name_en: str

    def __post_init__(self) -> None:
        check_slug(self.id, "ticket type id")
        self.name_sv = check_name(self.name_sv, "name_sv")
        self.name_en = check_name(self.name_en, "name_en")


DEFAULT_TICKET_TYPES = (
    TicketType("fault", "Fel", "Fault"),
    TicketType("order", "Beställning", "Order"),
    TicketType("other", "Övrigt", "Other"),
)


@dataclass
class Settings:
    """Global settings (S16); per response point ones live on ResponsePoint."""

    lock_minutes: int = 30
    default_response_point_id: str = ""
    hidden_fields: list[str] = field(default_factory=list)
    # The organisation's clock: times in the agent UI and the customer portal are shown in it.
    time_zone: str = DEFAULT_TIME_ZONE
    # General SLA targets (S16): a template's own target wins, per kind and priority; the
    # same shape as a template's ``sla``. ``calendar_id``: their opening hours ("" = elapsed
    # time), also for a template's targets when the template names no calendar.
    sla: dict[str, Any] = field(default_factory=dict)
    calendar_id: str = ""
    # The statuses that stop the SLA clock (S12) when a template does not say.
    sla_pausing: list[str] = field(
        default_factory=lambda: ["with_contact", "with_external", "dormant", "dormant_until"]
    )
    # An admin without TOTP is asked to set it up before their login completes (issue 11).
    admins_require_mfa: bool = True
    # SMS (issue 13): agents' texts stop for the month once the parts sent, at the price per
    # part, would pass the cap (0 = no cap). The price is End User Messaging's for the
    # country most texts go to (USD); receipts show each text's real price.
    sms_monthly_spend_cap: float = 0.0
    sms_price_per_part: float = 0.06

    def __post_init__(self) -> None:
        if not isinstance(self.admins_require_mfa, bool):
            raise ValidationError("admins_require_mfa must be true or false")
        self.sms_monthly_spend_cap = _amount(self.sms_monthly_spend_cap, "sms_monthly_spend_cap")
        self.sms_price_per_part = _amount(self.sms_price_per_part, "sms_price_per_part")
        self.time_zone = check_time_zone(self.time_zone)
        self.sla = check_sla(self.sla)
        self.sla_pausing = check_pausing(self.sla_pausing)
        if self.calendar_id in (None, ""):
            self.calendar_id = ""
        else:
            self.calendar_id = check_slug(self.calendar_id, "calendar_id")
        if (
            isinstance(self.lock_minutes, bool)
            or not isinstance(self.lock_minutes, int)
            or not 1 <= self.lock_minutes <= 24 * 60
        ):
            raise ValidationError("lock_minutes must be 1-1440")
        if self.default_response_point_id != "":
            check_slug(self.default_response_point_id, "default_response_point_id")
        self.hidden_fields = check_hidden_fields(self.hidden_fields)
