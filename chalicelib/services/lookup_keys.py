"""Key builders for the lookup items, in one place: the adapters write them, intake
reads several of them in one batch (docs/architecture.md, the Lookups table)."""

from __future__ import annotations

import hashlib

# DynamoDB refuses a partition key over 2,048 bytes; a longer value is keyed by its hash.
_MAX_KEY_VALUE_BYTES = 1_000


def ticket_number(number: int) -> str:
    return f"ticket_number#{number}"


def contact_email(email: str) -> str:
    return f"contact_email#{email.strip().lower()}"


def contact_phone(phone: str) -> str:
    return f"contact_phone#{phone}"


def contact_identity(identity: str) -> str:
    """A person on a social channel: "facebook:<psid>", "x:<user id>" (issue 13)."""
    return f"contact_identity#{identity}"


def contact_merged(contact_id: str) -> str:
    """Tombstone of a contact merged into another (issue 14): -> the kept contact's id."""
    return f"contact_merged#{contact_id}"


def organisation_number(org_number: str) -> str:
    return f"org_number#{org_number}"


def organisation_domain(domain: str) -> str:
    return f"org_domain#{domain.strip().lower()}"


def message_id(value: str) -> str:
    return f"msgid#{_bounded(value)}"


def message_copy(value: str, digest: str) -> str:
    """One message among several that share a reused Message-ID (``fingerprint``)."""
    return f"msgcopy#{digest}#{_bounded(value)}"


def raw_mail(raw_key: str) -> str:
    return f"mailraw#{raw_key}"


def held_mail(raw_key: str) -> str:
    """A mail SES's scan flagged: the quarantine entry it went to (redeliveries find it)."""
    return f"mailheld#{raw_key}"


def bounce(address: str) -> str:
    return f"bounce#{address.strip().lower()}"


def webform_post(form_id: str, signature: str) -> str:
    """A web form page's token, claimed by the ticket its post made (issue 13)."""
    return f"webform_post#{form_id}#{signature}"


def _bounded(value: str) -> str:
    if len(value.encode("utf-8", "surrogatepass")) <= _MAX_KEY_VALUE_BYTES:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
