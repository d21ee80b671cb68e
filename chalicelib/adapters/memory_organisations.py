"""In-memory customer organisations (issue 14) for unit and service tests."""

from __future__ import annotations

import copy
import threading

from chalicelib.adapters.memory_mail import InMemoryLookupRepository
from chalicelib.adapters.memory_paging import page
from chalicelib.domain.crm_organisation import CustomerOrganisation
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.services import lookup_keys
from chalicelib.services.ports import OrganisationRepository, Page


def _keys(org: CustomerOrganisation | None) -> set[str]:
    if org is None:
        return set()
    keys = {lookup_keys.organisation_domain(d) for d in org.domains}
    if org.org_number:
        keys.add(lookup_keys.organisation_number(org.org_number))
    return keys


class InMemoryOrganisationRepository(OrganisationRepository):
    def __init__(self, lookups: InMemoryLookupRepository | None = None) -> None:
        self._items: dict[str, CustomerOrganisation] = {}
        self._lookups = lookups or InMemoryLookupRepository()
        self._lock = threading.Lock()

    def _write(self, org: CustomerOrganisation, stored: CustomerOrganisation | None) -> None:
        items = self._lookups.items
        for key in _keys(org) - _keys(stored):
            if key in items:
                raise ConflictError(
                    "the organisation number or a domain belongs to another organisation",
                    code="taken",
                )
        for key in _keys(stored) - _keys(org):
            items.pop(key, None)
        for key in _keys(org):
            items[key] = org.id
        org.version += 1
        self._items[org.id] = copy.deepcopy(org)

    def add(self, organisation: CustomerOrganisation) -> None:
        with self._lock:
            if organisation.id in self._items:
                raise ConflictError(f"organisation {organisation.id} exists")
            organisation.version = 0
            self._write(organisation, None)

    def save(self, organisation: CustomerOrganisation) -> None:
        with self._lock:
            stored = self._items.get(organisation.id)
            if stored is None or stored.version != organisation.version:
                raise ConflictError("the organisation changed since you read it", code="stale")
            self._write(organisation, stored)

    def get(self, organisation_id: str) -> CustomerOrganisation:
        if organisation_id not in self._items:
            raise NotFoundError(f"no organisation {organisation_id!r}")
        return copy.deepcopy(self._items[organisation_id])

    def _by_key(self, key: str) -> CustomerOrganisation | None:
        target = self._lookups.items.get(key)
        return self.get(target) if target and target in self._items else None

    def find_by_number(self, org_number: str) -> CustomerOrganisation | None:
        return self._by_key(lookup_keys.organisation_number(org_number))

    def find_by_domain(self, domain: str) -> CustomerOrganisation | None:
        return self._by_key(lookup_keys.organisation_domain(domain))

    def list(
        self, *, name_prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerOrganisation]:
        found = [o for o in self._items.values() if o.name.lower().startswith(name_prefix)]
        found.sort(key=lambda o: (o.name.lower(), o.id))
        return page([copy.deepcopy(o) for o in found], limit, cursor)
