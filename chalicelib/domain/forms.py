"""Web forms for customers (S1): what an admin publishes, and what a filled-in form may hold.

A form belongs to a response point and names the fields the customer sees (from ``FIELDS``,
plus ``custom:<id>`` for the organisation's custom fields), which of them are required, the
template and group its tickets are routed to, the thank-you text in Swedish and English, and
the sites that may embed it (``allowed_origins``: the iframe's frame-ancestors and the origins
a cross-origin post may come from).

``check_submission`` reads what a customer posted against the form: every value is text,
length-checked, required ones present, e-mail and phone well-formed, choices among the
choices. It answers the clean values and, per field, why a value was refused (a key the
page turns into words in the customer's language), so the page can say so beside the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.checks import as_list, check_name, check_slug, is_slug
from chalicelib.domain.contact import clean_name, normalise_phone
from chalicelib.domain.custom_fields import CustomFieldDefinition, FieldType
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import check_email
from chalicelib.domain.statuses import Priority
from chalicelib.domain.ticket import MAX_TITLE

FIELDS = (
    "name", "email", "phone", "organisation", "subject", "description", "priority",
    "ticket_type", "attachments",
)  # fmt: skip
CUSTOM = "custom:"
CONTACT_FIELDS = ("email", "phone")  # how we answer: a form requires at least one of them
LANGUAGES = ("sv", "en")
# The longest value each field takes (characters); custom text fields take MAX_CUSTOM_TEXT.
MAX_LENGTHS = {
    "name": 200, "email": 254, "phone": 40, "organisation": 200, "subject": MAX_TITLE,
    "description": 20_000, "priority": 20, "ticket_type": 63,
}  # fmt: skip
MAX_CUSTOM_TEXT = 4_000
MAX_THANK_YOU = 2_000
MAX_ORIGINS = 20
MAX_FIELDS = 40
# Every posted value, whatever its name, is at most this long (names we do not know included).
MAX_ANY_VALUE = 20_000
MAX_POSTED_VALUES = 100
_ORIGIN = re.compile(r"^https?://[a-z0-9.-]{1,253}(:[0-9]{1,5})?$")


def is_custom(name: str) -> bool:
    return name.startswith(CUSTOM)


def custom_id(name: str) -> str:
    return name[len(CUSTOM) :]


def _check_field_name(name: object) -> str:
    if not isinstance(name, str) or not (
        name in FIELDS or (is_custom(name) and is_slug(custom_id(name)))
    ):
        raise ValidationError(f"fields may name {list(FIELDS)} or custom:<custom field id>")
    return name


def check_origin(value: object) -> str:
    """An origin as a browser sends it: scheme, host and port, nothing else."""
    if not isinstance(value, str) or not _ORIGIN.match(value.strip().lower().rstrip("/")):
        raise ValidationError(
            f"allowed_origins: {str(value)[:80]!r} is not an origin like https://www.example.com"
        )
    return value.strip().lower().rstrip("/")


def _thank_you(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValidationError('thank_you must be an object {"sv": text, "en": text}')
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise ValidationError(f"thank_you takes the languages {list(LANGUAGES)}")
    texts = {}
    for language in LANGUAGES:
        text = value.get(language, "")
        if not isinstance(text, str) or len(text) > MAX_THANK_YOU:
            raise ValidationError(f"thank_you.{language} must be text up to {MAX_THANK_YOU}")
        texts[language] = text.strip()
    return texts


@dataclass
class WebForm:
    id: str
    name: str
    response_point_id: str
    fields: list[str] = field(default_factory=lambda: ["name", "email", "subject", "description"])
    required: list[str] = field(default_factory=lambda: ["email", "description"])
    template_id: str = ""  # "": the response point's default placement
    group_id: str = ""  # "": the template's (or the response point's default group)
    thank_you: dict[str, str] = field(default_factory=lambda: {"sv": "", "en": ""})
    allowed_origins: list[str] = field(default_factory=list)
    enabled: bool = True
    embed_generation: int = 0  # raised by an admin: every embed token issued before dies

    def __post_init__(self) -> None:
        check_slug(self.id, "id")
        self.name = check_name(self.name, "name")
        check_slug(self.response_point_id, "response_point_id")
        names = [_check_field_name(n) for n in as_list(self.fields, "fields")]
        if len(names) != len(set(names)):
            raise ValidationError("fields names a field twice")
        if not names or len(names) > MAX_FIELDS:
            raise ValidationError(f"a form has 1-{MAX_FIELDS} fields")
        self.fields = names
        required = [_check_field_name(n) for n in as_list(self.required, "required")]
        if extra := [n for n in required if n not in names]:
            raise ValidationError(f"required names fields the form does not have: {extra}")
        self.required = [n for n in names if n in required]  # in the form's order, once
        if not set(CONTACT_FIELDS) & set(self.required):
            raise ValidationError("required must include email or phone: how we answer")
        if not {"subject", "description"} & set(names):
            raise ValidationError("fields must include subject or description")
        for name in ("template_id", "group_id"):
            value = getattr(self, name)
            if value not in (None, ""):
                check_slug(value, name)
            else:
                setattr(self, name, "")
        self.thank_you = _thank_you(self.thank_you)
        origins = [check_origin(o) for o in as_list(self.allowed_origins, "allowed_origins")]
        if len(origins) > MAX_ORIGINS:
            raise ValidationError(f"at most {MAX_ORIGINS} allowed_origins")
        self.allowed_origins = list(dict.fromkeys(origins))
        if not isinstance(self.enabled, bool):
            raise ValidationError("enabled must be true or false")
        gen = self.embed_generation
        if isinstance(gen, bool) or not isinstance(gen, int) or not 0 <= gen < 10**9:
            raise ValidationError("embed_generation must be a whole number 0-999999999")

    @property
    def custom_ids(self) -> list[str]:
        return [custom_id(n) for n in self.fields if is_custom(n)]

    def is_required(self, name: str) -> bool:
        return name in self.required


@dataclass(frozen=True)
class Submission:
    """What a filled-in form said, clean: the contact's details, the ticket's fields."""

    name: str = ""
    email: str = ""
    phone: str = ""
    organisation: str = ""
    subject: str = ""
    description: str = ""
    priority: str = ""
    ticket_type: str = ""
    custom_fields: dict[str, Any] = field(default_factory=dict)


# Why a value was refused: the page says it in the customer's language.
REQUIRED, TOO_LONG, BAD_EMAIL, BAD_PHONE, BAD_CHOICE, BAD_NUMBER, BAD_DATE = (
    "required", "too_long", "bad_email", "bad_phone", "bad_choice", "bad_number", "bad_date",
)  # fmt: skip


def check_submission(
    form: WebForm,
    posted: dict[str, str],
    custom: dict[str, CustomFieldDefinition],
    ticket_types: list[str],
) -> tuple[Submission, dict[str, str]]:
    """The clean submission, and per field name the reason its value was refused
    (empty when all is well). Names the form does not have are ignored."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name in form.fields:
        if name == "attachments":
            continue
        raw = posted.get(name, "")
        value = raw.strip() if name != "description" else raw.strip("\r\n ")
        limit = MAX_CUSTOM_TEXT if is_custom(name) else MAX_LENGTHS[name]
        if len(raw) > limit:
            errors[name] = TOO_LONG
        elif not value and form.is_required(name):
            errors[name] = REQUIRED
        else:
            values[name] = value
    priorities = [p.value for p in Priority]
    checks: dict[str, Callable[[str], str | None]] = {
        "email": _email,
        "phone": _phone,
        "priority": lambda v: v if v in priorities else None,
        "ticket_type": lambda v: v if v in ticket_types else None,
    }
    reasons = {"email": BAD_EMAIL, "phone": BAD_PHONE}
    for name, check in checks.items():
        if values.get(name):
            cleaned = check(values[name])
            if cleaned is None:
                errors[name] = reasons.get(name, BAD_CHOICE)
            else:
                values[name] = cleaned
    customs: dict[str, Any] = {}
    for field_id in form.custom_ids:
        name = CUSTOM + field_id
        if values.get(name) and field_id in custom:
            cleaned, reason = _custom(custom[field_id], values[name])
            if reason:
                errors[name] = reason
            elif cleaned is not None:
                customs[field_id] = cleaned
    submission = Submission(
        name=clean_name(values.get("name", "")),
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        organisation=clean_name(values.get("organisation", "")),
        subject=clean_name(values.get("subject", "")),
        description=values.get("description", ""),
        priority=values.get("priority", ""),
        ticket_type=values.get("ticket_type", ""),
        custom_fields=customs,
    )
    return submission, errors


def _email(value: str) -> str | None:
    try:
        return check_email(value)
    except ValidationError:
        return None


def _phone(value: str) -> str | None:
    try:
        return normalise_phone(value)
    except ValidationError:
        return None


def _custom(definition: CustomFieldDefinition, value: str) -> tuple[Any, str]:
    """A custom field's value from the text a form posts (a number and a date arrive as text)."""
    typed: Any = value
    if definition.type is FieldType.NUMBER:
        try:
            typed = float(value.replace(",", ".")) if any(c in value for c in ".,") else int(value)
        except ValueError:
            return None, BAD_NUMBER
    try:
        return definition.clean(typed), ""
    except ValidationError:
        reason = {FieldType.DATE: BAD_DATE, FieldType.SELECT: BAD_CHOICE}
        return None, reason.get(definition.type, TOO_LONG)


def title_of(form: WebForm, submission: Submission) -> str:
    """The ticket's title: the subject, else the description's first line, else the form."""
    first_line = submission.description.strip().splitlines()[0] if submission.description else ""
    title = submission.subject or clean_name(first_line) or form.name
    return title[:MAX_TITLE]
