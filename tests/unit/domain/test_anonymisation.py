"""GDPR domain (issue 14): what scrubbing replaces and the retention cutoff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.anonymisation import (
    REPLACEMENT,
    PersonalData,
    Retention,
    blob_keys,
    retention_cutoff,
    scrub_event_data,
    scrub_text,
)
from chalicelib.domain.errors import ValidationError

PERSON = PersonalData(
    names=("Åke Ödmark",),
    emails=("ake@odmark.example",),
    phones=("+46701234567", "0701234567", "0046701234567"),
    identities=("facebook:998877",),
)


@pytest.mark.parametrize(
    "text",
    [
        "Åke Ödmark ringde",
        "mejla AKE@ODMARK.EXAMPLE",
        "ring 070-123 45 67",
        "ring +46 70 123 45 67",
        "ring 0046701234567",
        "ring (070) 123-45-67",
        "hälsningar Åke",
        "psid 998877",
    ],
)
def test_every_personal_datum_in_any_form_is_replaced(text: str) -> None:
    scrubbed = scrub_text(text, PERSON.pattern())
    assert REPLACEMENT in scrubbed
    for datum in ("Åke", "Ödmark", "odmark", "123 45 67", "1234567", "998877"):
        assert datum.lower() not in scrubbed.lower()


def test_other_words_stay() -> None:
    assert scrub_text("Skrivaren på plan 2 är trasig", PERSON.pattern()) == (
        "Skrivaren på plan 2 är trasig"
    )


def test_a_message_loses_its_texts_whole_but_keeps_ids_and_flags() -> None:
    data = {
        "channel": "email",
        "text": "Skrivaren brinner",
        "subject": "Hjälp",
        "message_id": "abc@x",
        "raw_key": "inbound/1",
        "attachments": [{"key": "attachments/e/0", "filename": "bild.png", "size": 10}],
        "automatic": False,
    }
    scrubbed = scrub_event_data("message_in", data, PERSON.pattern())
    assert scrubbed["text"] == scrubbed["subject"] == REPLACEMENT
    assert scrubbed["attachments"][0]["filename"] == REPLACEMENT
    assert (scrubbed["message_id"], scrubbed["raw_key"], scrubbed["automatic"]) == (
        "abc@x",
        "inbound/1",
        False,
    )
    assert blob_keys(data) == ["inbound/1", "attachments/e/0"]


def test_a_note_keeps_its_words_without_the_personal_data() -> None:
    scrubbed = scrub_event_data("note", {"text": "Åke Ödmark vill ha svar"}, PERSON.pattern())
    assert scrubbed == {"text": f"{REPLACEMENT} vill ha svar"}


def test_the_cutoff_is_midnight_in_the_organisations_time_zone_n_calendar_months_back() -> None:
    now = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)  # 1 June 00:30 in Stockholm
    assert retention_cutoff(now, 3, "Europe/Stockholm") == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert retention_cutoff(now, 1, "UTC") == datetime(2026, 4, 30, tzinfo=UTC)
    assert retention_cutoff(now, 12, "Europe/Stockholm") == datetime(2025, 5, 31, 22, 0, tzinfo=UTC)


def test_retention_is_off_by_default_and_checks_its_values() -> None:
    assert not Retention().enabled
    with pytest.raises(ValidationError):
        Retention(months=-1)
    with pytest.raises(ValidationError):
        Retention(months=6, action="shred")
