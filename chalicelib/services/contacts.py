"""Use cases of the CRM (S19): contact cards and every ticket of a contact."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.contact import Contact, normalise_phone
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import Language, User, check_email
from chalicelib.domain.ticket import Ticket
from chalicelib.services import inputs
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, Page, TicketQuery
from chalicelib.services.visibility import filter_visible

CONTACT_KEYS = {"name", "emails", "phones", "organisation", "language", "notes"}


def create_contact(svc: Services, body: Any) -> Contact:
    data = inputs.require_object(body)
    inputs.only_keys(data, CONTACT_KEYS)
    now = svc.clock()
    contact = Contact(
        id=new_ulid(now),
        name=inputs.text(data, "name", max_len=200) or "",
        emails=inputs.string_list(data, "emails", max_items=20) or [],
        phones=inputs.string_list(data, "phones", max_items=20, max_len=40) or [],
        organisation=inputs.text(data, "organisation", max_len=200) or "",
        language=inputs.enum(data, "language", Language) or Language.SV,
        notes=inputs.text(data, "notes", max_len=10_000) or "",
        created_at=now,
    )
    if not (contact.name or contact.emails or contact.phones):
        raise ValidationError("a contact needs a name, an e-mail address or a phone number")
    svc.contacts.add(contact)
    return contact


def update_contact(svc: Services, contact_id: str, body: Any, *, if_match: int | None) -> Contact:
    data = inputs.require_object(body)
    inputs.only_keys(data, CONTACT_KEYS)
    contact = svc.contacts.get(contact_id)
    if if_match is not None and if_match != contact.version:
        raise ConflictError(f"contact changed since version {if_match}", code="stale")
    changes: dict[str, Any] = {}
    for key in ("name", "organisation", "notes"):
        if key in data:
            changes[key] = inputs.text(data, key, max_len=10_000) or ""
    for key in ("emails", "phones"):
        if key in data:
            changes[key] = inputs.string_list(data, key, max_items=20, max_len=254) or []
    if "language" in data:
        changes["language"] = inputs.enum(data, "language", Language, required=True)
    updated = Contact(**{**contact.__dict__, **changes})
    svc.contacts.save(updated)
    return updated


def find_contacts(svc: Services, *, email: str | None, phone: str | None, name: str | None,
                  limit: int, cursor: str | None) -> Page[Contact]:  # fmt: skip
    if email:
        found = svc.contacts.find_by_email(check_email(email))
        return Page([found] if found else [])
    if phone:
        found = svc.contacts.find_by_phone(normalise_phone(phone))
        return Page([found] if found else [])
    return svc.contacts.list(name_prefix=(name or "").strip().lower(), limit=limit, cursor=cursor)


def contact_tickets(
    svc: Services, actor: User, contact_id: str, *, cursor: str | None = None
) -> Page[Ticket]:
    page = svc.tickets.query(TicketQuery(ListIndex.CONTACT, contact_id, limit=100, cursor=cursor))
    return Page(filter_visible(svc, actor, page.items), page.cursor)


def find_or_create_contact(svc: Services, data: dict[str, Any]) -> Contact:
    """Find a contact by e-mail, then phone, or create one (agent-entered intake and mail)."""
    inputs.only_keys(data, {"name", "email", "phone", "organisation", "language"})
    email = inputs.text(data, "email", max_len=254)
    phone = inputs.text(data, "phone", max_len=40)
    if email and (found := svc.contacts.find_by_email(check_email(email))):
        return found
    if phone and (found := svc.contacts.find_by_phone(normalise_phone(phone))):
        return found
    body: dict[str, Any] = {
        "name": inputs.text(data, "name", max_len=200) or "",
        "emails": [email] if email else [],
        "phones": [phone] if phone else [],
        "organisation": inputs.text(data, "organisation", max_len=200) or "",
    }
    if data.get("language"):
        body["language"] = data["language"]
    try:
        return create_contact(svc, body)
    except ConflictError:
        # Created by a concurrent request a moment ago: use theirs.
        found = svc.contacts.find_by_email(check_email(email)) if email else None
        found = found or (svc.contacts.find_by_phone(normalise_phone(phone)) if phone else None)
        if found is None:
            raise
        return found
