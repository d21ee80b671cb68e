"""GDPR (issue 14): what anonymisation replaces, and the retention cutoff. Pure.

A contact's personal data is their name, e-mail addresses, phone numbers (in every form
they may be written: '+46701234567', '0046701234567', '070-123 45 67') and social
identities. In the history of the contact's tickets every message text goes whole
(``MESSAGE_TYPES``); everything else (notes, field changes, titles, custom fields) keeps
its words but loses each personal datum (``REPLACEMENT``). Event types, times, actors and
ids stay: the statistics and the SLA figures are counted from them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.errors import ValidationError

REPLACEMENT = "[anonymised]"
ANONYMISED_NAME = "[anonymised]"

# Events carrying what a person wrote or was sent: their texts go whole.
MESSAGE_TYPES = frozenset(
    {
        "message_in",
        "message_out",
        "external_answer",
        "consultation_sent",
        "consultation_reminded",
        "created",
    }
)
# Keys holding message text (in message events), headers or file names.
TEXT_KEYS = frozenset(
    {
        "text",
        "html",
        "stripped_text",
        "body",
        "subject",
        "snippet",
        "description",
        "question",
        "answer",
        "filename",
        "headers",
        "from",
        "to",
        "cc",
        "reply_to",
        "display_name",
        "name",
    }
)
# Keys naming stored files (raw mails, attachments) in history items and tickets.
BLOB_KEYS = frozenset({"raw_key", "key", "source_key"})

_PHONE_SEPARATORS = r"[\s\-().]*"


@dataclass(frozen=True)
class PersonalData:
    """What identifies one person, as patterns to find it in any text."""

    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # every form, digits with an optional leading '+'
    identities: tuple[str, ...]
    # Whole texts that go wherever they were copied (a ticket's description is its first
    # message; an SMS or social ticket's title is that message's first words).
    phrases: tuple[str, ...] = ()

    def with_phrases(self, *phrases: str) -> PersonalData:
        kept = tuple(p for p in phrases if len(p.strip()) >= 8)
        return dataclasses.replace(self, phrases=(*self.phrases, *kept))

    def pattern(self) -> re.Pattern[str] | None:
        parts: list[str] = []
        for email in self.emails:
            parts.append(re.escape(email))
        for identity in self.identities:
            parts.append(re.escape(identity))
            parts.append(re.escape(identity.split(":", 1)[-1]))
        for phone in self.phones:
            digits = phone.lstrip("+")
            if len(digits) >= 5:
                parts.append(r"\+?" + _PHONE_SEPARATORS.join(re.escape(d) for d in digits))
        for name in self.names:
            parts.append(re.escape(name))
        for phrase in self.phrases:
            parts.append(re.escape(phrase.strip()))
        words = {w for n in self.names for w in re.split(r"\s+", n) if len(w) >= 3}
        parts.extend(rf"\b{re.escape(w)}\b" for w in sorted(words, key=len, reverse=True))
        if not parts:
            return None
        # Longest first, so a full address goes before the name inside it.
        parts.sort(key=len, reverse=True)
        return re.compile("|".join(parts), re.IGNORECASE)


def scrub_text(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None or not text:
        return text
    return pattern.sub(REPLACEMENT, text)


def scrub_value(value: Any, pattern: re.Pattern[str] | None) -> Any:
    """Every string inside ``value`` (dicts, lists) without the personal data."""
    if isinstance(value, str):
        return scrub_text(value, pattern)
    if isinstance(value, dict):
        return {k: scrub_value(v, pattern) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_value(v, pattern) for v in value]
    return value


def _blank_texts(value: Any) -> Any:
    """Message texts (``TEXT_KEYS``) replaced whole: a text by ``REPLACEMENT``, a list of
    texts (recipients) item by item, a map of texts (headers) emptied."""
    if isinstance(value, list):
        return [_blank_texts(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key not in TEXT_KEYS or not item:
            out[key] = _blank_texts(item)
        elif isinstance(item, str):
            out[key] = REPLACEMENT
        elif isinstance(item, list):
            out[key] = [REPLACEMENT if isinstance(v, str) else _blank_texts(v) for v in item]
        elif isinstance(item, dict):
            out[key] = {}
        else:
            out[key] = item
    return out


def scrub_event_data(
    event_type: str, data: dict[str, Any], pattern: re.Pattern[str] | None
) -> dict[str, Any]:
    """A history item's data after anonymisation: message texts replaced whole, every other
    string without the personal data; ids, keys, numbers and flags kept."""
    if event_type in MESSAGE_TYPES:
        data = _blank_texts(data)
    scrubbed: dict[str, Any] = scrub_value(data, pattern)
    return scrubbed


def blob_keys(value: Any) -> list[str]:
    """The stored files a history item, ticket or mail log entry names."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key, inner in item.items():
                if key in BLOB_KEYS and isinstance(inner, str) and inner:
                    found.append(inner)
                else:
                    walk(inner)
        elif isinstance(item, list):
            for inner in item:
                walk(inner)

    walk(value)
    return list(dict.fromkeys(found))


# --- retention --------------------------------------------------------------------

RETENTION_ACTIONS = ("anonymise", "delete")


@dataclass(frozen=True)
class Retention:
    """Per response point: closed tickets older than ``months`` are anonymised or deleted.
    ``months`` 0 is off (the default)."""

    months: int = 0
    action: str = "anonymise"

    def __post_init__(self) -> None:
        if isinstance(self.months, bool) or not isinstance(self.months, int):
            raise ValidationError("retention months must be a whole number", code="bad_retention")
        if not 0 <= self.months <= 600:
            raise ValidationError("retention months must be 0-600", code="bad_retention")
        if self.action not in RETENTION_ACTIONS:
            raise ValidationError("retention action must be anonymise or delete")

    @property
    def enabled(self) -> bool:
        return self.months > 0


def retention_cutoff(now: datetime, months: int, time_zone: str) -> datetime:
    """Midnight, in the organisation's time zone, ``months`` calendar months before today
    (the day clamped to the month's length: 31 May - 3 months is 28/29 February). Tickets
    closed before it are due. Returned in UTC."""
    local = now.astimezone(ZoneInfo(time_zone))
    month_index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(local.day, _days_in(year, month))
    start = datetime(year, month, day, tzinfo=ZoneInfo(time_zone))
    return start.astimezone(UTC)


def _days_in(year: int, month: int) -> int:
    following = datetime(year + (month == 12), month % 12 + 1, 1)
    return (following - datetime(year, month, 1)).days
