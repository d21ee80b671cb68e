"""Use cases of the CRM (S19): contact cards and every ticket of a contact."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.contact import Contact, phone_e164, phone_forms
from chalicelib.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import Language, User, check_email
from chalicelib.domain.ticket import Ticket
from chalicelib.services import inputs, lookup_keys
from chalicelib.services.context import Services
from chalicelib.services.crm.membership import organisation_by_domain
from chalicelib.services.ports import ListIndex, Page, TicketQuery
from chalicelib.services.search_index import finding
from chalicelib.services.search_index.indexing import index_contact
from chalicelib.services.visibility import filter_visible

CONTACT_KEYS = {"name", "emails", "phones", "organisation", "organisation_id", "language", "notes"}


def _phones(data: dict[str, Any]) -> list[str] | None:
    """The numbers as E.164 where they are possible numbers (issue 14)."""
    values = inputs.string_list(data, "phones", max_items=20, max_len=40)
    return None if values is None else [phone_e164(p) for p in values]


def _organisation_id(svc: Services, data: dict[str, Any]) -> str | None:
    """An ``organisation_id`` given: checked to exist ("" or null: none)."""
    value = inputs.text(data, "organisation_id", max_len=63)
    if not value:
        return None
    if svc.organisations is None:
        raise ValidationError("organisations are not set up")
    try:
        return svc.organisations.get(value).id
    except NotFoundError:
        raise ValidationError(f"no organisation {value!r}") from None


def create_contact(svc: Services, body: Any) -> Contact:
    data = inputs.require_object(body)
    inputs.only_keys(data, CONTACT_KEYS)
    now = svc.clock()
    contact = Contact(
        id=new_ulid(now),
        name=inputs.text(data, "name", max_len=200) or "",
        emails=inputs.string_list(data, "emails", max_items=20) or [],
        phones=_phones(data) or [],
        organisation=inputs.text(data, "organisation", max_len=200) or "",
        language=inputs.enum(data, "language", Language) or Language.SV,
        notes=inputs.text(data, "notes", max_len=10_000) or "",
        created_at=now,
    )
    if not (contact.name or contact.emails or contact.phones):
        raise ValidationError("a contact needs a name, an e-mail address or a phone number")
    # A new contact from a domain an organisation lists joins it (issue 14).
    contact.organisation_id = _organisation_id(svc, data) or organisation_by_domain(
        svc, contact.emails
    )
    svc.contacts.add(contact)
    index_contact(svc, contact)  # issue 15: found by any part of its name, address, number
    return contact


def update_contact(
    svc: Services,
    contact_id: str,
    body: Any,
    *,
    if_match: int | None,
    actor: User | None = None,
) -> Contact:
    """Edit a contact card. ``actor`` is the user asking (every route passes one): an agent
    may edit a contact only when they see at least one of the contact's tickets, or when the
    contact has no ticket yet; admins and dispatchers see every ticket and may edit any.
    ``actor=None`` is the system itself (imports, tests) and is not checked.

    When the e-mail addresses change, each open ticket of the contact records it in its
    history and carries a warning for whoever replies next (issue 10)."""
    data = inputs.require_object(body)
    inputs.only_keys(data, CONTACT_KEYS)
    contact = svc.contacts.get(contact_id)
    if actor is not None:
        require_may_edit(svc, actor, contact)
    if if_match is not None and if_match != contact.version:
        raise ConflictError(f"contact changed since version {if_match}", code="stale")
    changes: dict[str, Any] = {}
    for key in ("name", "organisation", "notes"):
        if key in data:
            changes[key] = inputs.text(data, key, max_len=10_000) or ""
    if "emails" in data:
        changes["emails"] = inputs.string_list(data, "emails", max_items=20, max_len=254) or []
    if "phones" in data:
        changes["phones"] = _phones(data) or []
    if "organisation_id" in data:
        changes["organisation_id"] = _organisation_id(svc, data)
    if "language" in data:
        changes["language"] = inputs.enum(data, "language", Language, required=True)
    updated = Contact(**{**contact.__dict__, **changes})
    svc.contacts.save(updated)
    index_contact(svc, updated)  # issue 15
    if _addresses(updated.emails) != _addresses(contact.emails):
        _record_address_change(
            svc, updated.id, actor.id if actor else "system", contact.emails, updated.emails
        )
    if updated.organisation_id != contact.organisation_id:
        restamp_tickets(svc, updated.id, updated.organisation_id)
    return updated


def restamp_tickets(svc: Services, contact_id: str, organisation_id: str | None) -> None:
    """Every ticket of the contact carries its organisation (issue 14): the organisation
    card and the ticket filter list them from the by_organisation index."""
    cursor: str | None = None
    while True:
        page = svc.tickets.query(
            TicketQuery(ListIndex.CONTACT, contact_id, limit=100, cursor=cursor)
        )
        for ticket in page.items:
            if ticket.organisation_id != organisation_id:
                _save_organisation(svc, ticket.id, organisation_id)
        cursor = page.cursor
        if not cursor:
            return


def _save_organisation(svc: Services, ticket_id: str, organisation_id: str | None) -> None:
    for attempt in range(5):
        ticket = svc.tickets.get(ticket_id)
        ticket.organisation_id = organisation_id
        try:
            svc.tickets.save(ticket)
            return
        except ConflictError:
            if attempt == 4:
                raise


def require_may_edit(svc: Services, actor: User, contact: Contact) -> None:
    """PermissionDeniedError unless ``actor`` may edit ``contact`` (see update_contact).

    Without this, an agent who may not see a response point's tickets could still point the
    contact's address at themselves and receive the next reply and its portal link."""
    if actor.sees_everything:
        return
    cursor: str | None = None
    seen_any = False
    while True:
        page = svc.tickets.query(
            TicketQuery(ListIndex.CONTACT, contact.id, limit=100, cursor=cursor)
        )
        seen_any = seen_any or bool(page.items)
        if filter_visible(svc, actor, page.items):
            return
        cursor = page.cursor
        if not cursor:
            break
    if seen_any:
        raise PermissionDeniedError(
            "you may edit a contact only when you can see one of their tickets",
            code="contact_not_yours",
        )


def _addresses(emails: list[str]) -> set[str]:
    return {e.strip().lower() for e in emails}


def _record_address_change(
    svc: Services, contact_id: str, actor: str, before: list[str], after: list[str]
) -> None:
    """A contact_changed event on every open ticket of the contact (whoever may see them)."""
    now = svc.clock()
    cursor: str | None = None
    while True:
        page = svc.tickets.query(
            TicketQuery(ListIndex.CONTACT, contact_id, limit=100, cursor=cursor)
        )
        for ticket in page.items:
            if ticket.is_open:
                _save_change(svc, ticket.id, actor, now, before, after)
        cursor = page.cursor
        if not cursor:
            return


def _save_change(
    svc: Services, ticket_id: str, actor: str, now: datetime, before: list[str], after: list[str]
) -> None:
    for attempt in range(5):
        ticket = svc.tickets.get(ticket_id)
        ticket.record_contact_change(actor, now, before=list(before), after=list(after))
        try:
            svc.tickets.save(ticket)
            return
        except ConflictError:  # changed by someone a moment ago: read it again
            if attempt == 4:
                raise


def find_contacts(svc: Services, *, email: str | None, phone: str | None, name: str | None,
                  limit: int, cursor: str | None) -> Page[Contact]:  # fmt: skip
    if email:
        found = svc.contacts.find_by_email(check_email(email))
        return Page([found] if found else [])
    if phone:
        found = find_by_phone(svc, phone)
        return Page([found] if found else [])
    if name and name.strip() and not cursor:
        # Issue 15: any part of the name (a surname, Cyrillic, diacritics folded), from the
        # search index; one page, best first.
        ids = finding.contact_ids(svc, name, limit=limit)
        if ids is not None:
            cards = [c for i in ids if (c := _card_or_none(svc, i)) is not None]
            return Page(cards)
    return svc.contacts.list(name_prefix=(name or "").strip().lower(), limit=limit, cursor=cursor)


def _card_or_none(svc: Services, contact_id: str) -> Contact | None:
    try:
        return svc.contacts.get(contact_id)
    except NotFoundError:
        return None


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
    if phone and (found := find_by_phone(svc, phone)):
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
        found = found or (find_by_phone(svc, phone) if phone else None)
        if found is None:
            raise
        return found


def find_by_phone(svc: Services, phone: str) -> Contact | None:
    """The contact whose card holds the number in any form ('+46701234567', '0701234567',
    as typed before issue 14): one batch read of Lookups keys, then the card."""
    keys = [lookup_keys.contact_phone(form) for form in phone_forms(phone)]
    found = svc.lookups.get_many(keys)
    for key in keys:
        if key in found:
            try:
                return svc.contacts.get(found[key])
            except NotFoundError:
                continue
    return None
