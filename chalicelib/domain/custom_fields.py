"""Custom field definitions (egna fält) and the validation of their values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import ValidationError

MAX_TEXT = 4000


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    SELECT = "select"


@dataclass(frozen=True)
class CustomFieldDefinition:
    id: str
    label: str
    type: FieldType
    required: bool = False
    options: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "type", FieldType(self.type))
        except ValueError:
            raise ValidationError(
                f"field type must be one of {[t.value for t in FieldType]}"
            ) from None
        if not isinstance(self.options, list | tuple) or not all(
            isinstance(o, str) for o in self.options
        ):
            raise ValidationError("options must be a list of text")
        object.__setattr__(self, "options", tuple(self.options))
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValidationError("a custom field needs a label")
        if self.type is FieldType.SELECT and not self.options:
            raise ValidationError(f"select field {self.id!r} needs options")

    def clean(self, value: Any) -> Any:
        """Return the stored form of ``value`` or raise ValidationError."""
        if value is None or value == "":
            if self.required:
                raise ValidationError(f"custom field {self.id!r} is required")
            return None
        if self.type is FieldType.TEXT:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise ValidationError(f"custom field {self.id!r} must be text up to {MAX_TEXT}")
            return value
        if self.type is FieldType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(f"custom field {self.id!r} must be a number")
            return value
        if self.type is FieldType.DATE:
            try:
                return date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise ValidationError(
                    f"custom field {self.id!r} must be a date YYYY-MM-DD"
                ) from None
        if value not in self.options:
            raise ValidationError(f"custom field {self.id!r} must be one of {list(self.options)}")
        return value


def clean_custom_values(
    definitions: dict[str, CustomFieldDefinition],
    values: dict[str, Any],
    *,
    existing: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge ``values`` into ``existing``, validating each; check required fields."""
    unknown = set(values) - set(definitions)
    if unknown:
        raise ValidationError(f"unknown custom fields: {sorted(unknown)}")
    merged = dict(existing or {})
    for key, raw in values.items():
        cleaned = definitions[key].clean(raw)
        if cleaned is None:
            merged.pop(key, None)
        else:
            merged[key] = cleaned
    for key, definition in definitions.items():
        if definition.required and key not in merged:
            raise ValidationError(f"custom field {key!r} is required")
    return merged
