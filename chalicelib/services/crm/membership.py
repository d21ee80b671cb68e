"""Which customer organisation a contact, and so a ticket, belongs to (issue 14)."""

from __future__ import annotations

from chalicelib.domain.crm_organisation import domain_of
from chalicelib.domain.errors import NotFoundError
from chalicelib.services import lookup_keys
from chalicelib.services.context import Services


def organisation_by_domain(svc: Services, emails: list[str]) -> str | None:
    """The organisation that lists the domain of one of ``emails`` (the first address's
    first): one strongly consistent batch read of the Lookups keys, no Scan."""
    if svc.organisations is None or not emails:
        return None
    keys = [lookup_keys.organisation_domain(domain_of(e)) for e in emails]
    found = svc.lookups.get_many(list(dict.fromkeys(keys)))
    for key in keys:
        if key in found:
            return found[key]
    return None


def organisation_of(svc: Services, contact_id: str | None) -> str | None:
    """The organisation of a contact by id (one GetItem), for a new ticket's
    ``organisation_id``; None for no contact or one without an organisation."""
    if not contact_id:
        return None
    try:
        return svc.contacts.get(contact_id).organisation_id
    except NotFoundError:
        return None
