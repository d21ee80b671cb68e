"""Use cases of customer organisations (issue 14, S19): create, edit, search, the card.

Every logged-in user (agents, dispatchers, admins) reads, creates and edits organisations;
the card shows only the tickets the user may see (services/visibility.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.contact import Contact, phone_e164
from chalicelib.domain.crm_organisation import (
    CustomerOrganisation,
    check_domain,
    check_org_number,
)
from chalicelib.domain.errors import ConflictError, ServITError, UnavailableError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import inputs
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, OrganisationRepository, Page, TicketQuery
from chalicelib.services.search_index.indexing import index_organisation
from chalicelib.services.visibility import filter_visible

KEYS = {"name", "org_number", "domains", "phone", "address", "notes", "custom_fields"}
_LOOKS_LIKE_NUMBER = re.compile(r"^\d{6,8}-?\d{4}$")


def repo(svc: Services) -> OrganisationRepository:
    if svc.organisations is None:
        raise UnavailableError("organisations are not set up")
    return svc.organisations


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "name" in data:
        fields["name"] = inputs.text(data, "name", max_len=200) or ""
    if "org_number" in data:
        fields["org_number"] = inputs.text(data, "org_number", max_len=20) or ""
    if "domains" in data:
        fields["domains"] = inputs.string_list(data, "domains", max_items=20, max_len=253) or []
    if "phone" in data:
        phone = inputs.text(data, "phone", max_len=40) or ""
        fields["phone"] = phone_e164(phone) if phone else ""
    for key, limit in (("address", 1000), ("notes", 10_000)):
        if key in data:
            fields[key] = inputs.text(data, key, max_len=limit) or ""
    if "custom_fields" in data:
        fields["custom_fields"] = inputs.mapping(data, "custom_fields") or {}
    return fields


def create(svc: Services, body: Any) -> CustomerOrganisation:
    data = inputs.require_object(body)
    inputs.only_keys(data, KEYS)
    now = svc.clock()
    org = CustomerOrganisation(id=new_ulid(now), created_at=now, **{"name": "", **_fields(data)})
    repo(svc).add(org)
    index_organisation(svc, org)  # issue 15: the top-bar search
    return org


def update(
    svc: Services, organisation_id: str, body: Any, *, if_match: int | None
) -> CustomerOrganisation:
    data = inputs.require_object(body)
    inputs.only_keys(data, KEYS)
    stored = repo(svc).get(organisation_id)
    if if_match is not None and if_match != stored.version:
        raise ConflictError(f"organisation changed since version {if_match}", code="stale")
    updated = CustomerOrganisation(**{**stored.__dict__, **_fields(data)})
    repo(svc).save(updated)
    index_organisation(svc, updated)  # issue 15
    return updated


def search(
    svc: Services, q: str, *, limit: int = 50, cursor: str | None = None
) -> Page[CustomerOrganisation]:
    """By organisation number, by e-mail domain (or an address at it), else by name prefix
    (case-insensitive): GetItems on Lookups or one Query of the by_name index."""
    q = (q or "").strip()
    organisations = repo(svc)
    if q and _LOOKS_LIKE_NUMBER.match(q.replace(" ", "")):
        try:
            found = organisations.find_by_number(check_org_number(q))
        except ServITError:
            found = None
        return Page([found] if found else [])
    if "." in q and " " not in q:
        try:
            found = organisations.find_by_domain(check_domain(q.rsplit("@", 1)[-1]))
        except ServITError:
            found = None
        if found is not None:
            return Page([found])
    return organisations.list(name_prefix=q.lower(), limit=limit, cursor=cursor)


@dataclass(frozen=True)
class OrganisationCard:
    organisation: CustomerOrganisation
    contacts: Page[Contact]
    tickets: Page[Ticket]


def card(
    svc: Services,
    actor: User,
    organisation_id: str,
    *,
    contacts_cursor: str | None = None,
    tickets_cursor: str | None = None,
) -> OrganisationCard:
    """The record, its contacts (by name) and its contacts' tickets the actor may see (newest
    first): one GetItem and two Queries a page."""
    org = repo(svc).get(organisation_id)
    contacts = svc.contacts.list_by_organisation(org.id, limit=100, cursor=contacts_cursor)
    page = svc.tickets.query(
        TicketQuery(ListIndex.ORGANISATION, org.id, limit=100, cursor=tickets_cursor)
    )
    return OrganisationCard(
        org, contacts, Page(filter_visible(svc, actor, page.items), page.cursor)
    )
