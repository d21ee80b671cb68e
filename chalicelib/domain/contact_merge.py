"""Merging two contact cards (issue 14): what the kept card holds afterwards. Pure."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.contact import Contact, phone_e164
from chalicelib.domain.errors import ValidationError

MAX_NOTES = 10_000


def _union(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def merged_card(kept: Contact, merged: Contact) -> Contact:
    """``kept`` with everything of ``merged`` it lacks: e-mail addresses, phone numbers,
    social identities and SMS opt-outs added; name, free-text organisation, organisation and
    notes filled in where the kept card has none (notes of both kept, the kept card's first).
    ValidationError if the two cards hold more than a card may (20 of each)."""
    if kept.id == merged.id:
        raise ValidationError("a contact cannot be merged into itself", code="same_contact")
    notes = kept.notes
    if merged.notes and merged.notes not in notes:
        notes = f"{notes}\n\n{merged.notes}".strip() if notes else merged.notes
    card = replace(
        kept,
        name=kept.name or merged.name,
        emails=_union(kept.emails, merged.emails),
        # One number in two forms ('070-123 45 67' typed before issue 14, '+4670...') is one.
        phones=_union([phone_e164(p) for p in kept.phones], [phone_e164(p) for p in merged.phones]),
        identities=_union(kept.identities, merged.identities),
        sms_opted_out=_union(kept.sms_opted_out, merged.sms_opted_out),
        organisation=kept.organisation or merged.organisation,
        organisation_id=kept.organisation_id or merged.organisation_id,
        notes=notes[:MAX_NOTES],
    )
    return card
