"""Custom fields (egna fält): definitions and the values a ticket may hold."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.custom_fields import (
    MAX_TEXT,
    CustomFieldDefinition,
    FieldType,
    clean_custom_values,
)
from chalicelib.domain.errors import ValidationError

TEXT = CustomFieldDefinition("invoice", "Fakturanummer", FieldType.TEXT)
NUMBER = CustomFieldDefinition("amount", "Belopp", FieldType.NUMBER)
DATE = CustomFieldDefinition("due", "Förfallodag", FieldType.DATE)
SELECT = CustomFieldDefinition("region", "Region", FieldType.SELECT, options=("norr", "söder"))
REQUIRED = CustomFieldDefinition("order", "Ordernummer", FieldType.TEXT, required=True)

DEFINITIONS = {d.id: d for d in (TEXT, NUMBER, DATE, SELECT)}


@pytest.mark.parametrize(
    ("definition", "raw", "stored"),
    [
        (TEXT, "F-1001", "F-1001"),
        (TEXT, "x" * MAX_TEXT, "x" * MAX_TEXT),
        (TEXT, "Счёт №5", "Счёт №5"),
        (NUMBER, 12, 12),
        (NUMBER, -3.5, -3.5),
        (NUMBER, 0, 0),
        (DATE, "2025-12-31", "2025-12-31"),
        (SELECT, "söder", "söder"),
        (TEXT, None, None),
        (TEXT, "", None),
    ],
    ids=[
        "text",
        "text-at-limit",
        "text-cyrillic",
        "int",
        "float",
        "zero",
        "date",
        "select-option",
        "none-clears",
        "empty-clears",
    ],
)
def test_valid_values_are_kept_in_their_stored_form(
    definition: CustomFieldDefinition, raw: Any, stored: Any
) -> None:
    assert definition.clean(raw) == stored


@pytest.mark.parametrize(
    ("definition", "raw"),
    [
        (TEXT, 5),
        (TEXT, "x" * (MAX_TEXT + 1)),
        (TEXT, ["a"]),
        (NUMBER, "12"),
        (NUMBER, True),
        (NUMBER, {"value": 1}),
        (DATE, "2025-02-30"),
        (DATE, "tomorrow"),
        (DATE, "31/12/2025"),
        (SELECT, "väst"),
        (SELECT, "NORR"),
        (SELECT, ["norr"]),
    ],
    ids=[
        "text-number",
        "text-too-long",
        "text-list",
        "number-as-text",
        "number-bool",
        "number-object",
        "date-impossible",
        "date-words",
        "date-other-format",
        "select-unknown",
        "select-wrong-case",
        "select-list",
    ],
)
def test_invalid_values_are_refused(definition: CustomFieldDefinition, raw: Any) -> None:
    with pytest.raises(ValidationError, match=definition.id):
        definition.clean(raw)


@pytest.mark.parametrize("raw", [None, ""], ids=["none", "empty"])
def test_a_required_field_must_have_a_value(raw: Any) -> None:
    with pytest.raises(ValidationError, match="required"):
        REQUIRED.clean(raw)


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "colour"},
        {"type": "select", "options": ()},
        {"type": "select", "options": "norr,söder"},
        {"type": "select", "options": ("norr", 3)},
        {"label": "   "},
        {"label": None},
    ],
    ids=[
        "unknown-type",
        "select-no-options",
        "options-text",
        "option-number",
        "blank-label",
        "no-label",
    ],
)
def test_a_bad_definition_is_refused(fields: dict[str, Any]) -> None:
    values: dict[str, Any] = {"id": "f", "label": "Fält", "type": "text", **fields}

    with pytest.raises(ValidationError):
        CustomFieldDefinition(**values)


def test_a_definition_accepts_its_type_as_text_and_options_as_a_list() -> None:
    definition = CustomFieldDefinition("r", "Region", "select", options=["a", "b"])  # type: ignore[arg-type]

    assert definition.type is FieldType.SELECT
    assert definition.options == ("a", "b")


def test_values_merge_into_the_existing_ones_and_empty_values_clear() -> None:
    existing = {"invoice": "F-1", "amount": 10}

    merged = clean_custom_values(DEFINITIONS, {"amount": None, "region": "norr"}, existing=existing)

    assert merged == {"invoice": "F-1", "region": "norr"}
    assert existing == {"invoice": "F-1", "amount": 10}


def test_unknown_fields_are_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="colour"):
        clean_custom_values(DEFINITIONS, {"colour": "red"})


def test_a_required_field_missing_from_the_merged_values_is_refused() -> None:
    definitions = {**DEFINITIONS, "order": REQUIRED}

    with pytest.raises(ValidationError, match="order"):
        clean_custom_values(definitions, {"invoice": "F-1"})
    with pytest.raises(ValidationError, match="order"):
        clean_custom_values(definitions, {"order": None}, existing={"order": "O-1"})
    assert clean_custom_values(definitions, {}, existing={"order": "O-1"}) == {"order": "O-1"}
