"""DynamoOrganisationRepository: customer organisations (issue 14) in the Contacts table.

Each organisation is one item keyed "org#<id>" (OrganisationModel); its number and each
domain are Lookups keys written in the same transaction (unique, read with strong
consistency), so finding one by number or domain is two GetItems and a name search one
Query of the by_name index (partition "organisation"). No Scan.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb.codec import plain, plain_numbers
from chalicelib.adapters.dynamodb.contacts import ORGANISATION_KEY_PREFIX
from chalicelib.adapters.dynamodb.models import LookupModel, OrganisationModel
from chalicelib.adapters.dynamodb.paging import (
    decode_cursor,
    first_page,
    raise_conflict_if_condition_failed,
)
from chalicelib.domain.crm_organisation import CustomerOrganisation
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.timefmt import iso, parse_iso
from chalicelib.services import lookup_keys
from chalicelib.services.ports import OrganisationRepository, Page

LIST_KEY = "organisation"


def _keys(org: CustomerOrganisation) -> set[str]:
    keys = {lookup_keys.organisation_domain(d) for d in org.domains}
    if org.org_number:
        keys.add(lookup_keys.organisation_number(org.org_number))
    return keys


def _to_model(org: CustomerOrganisation) -> OrganisationModel:
    return OrganisationModel(
        ORGANISATION_KEY_PREFIX + org.id,
        name=org.name,
        org_number=org.org_number or None,
        domains=list(org.domains) or None,
        phone=org.phone or None,
        address=org.address or None,
        notes=org.notes or None,
        custom_fields=plain(org.custom_fields) or None,
        created_at=iso(org.created_at) if org.created_at else None,
        version=org.version + 1,
        list_pk=LIST_KEY,
        name_sort=f"{org.name.lower()}#{org.id}",
    )


def _from_model(item: OrganisationModel) -> CustomerOrganisation:
    custom: dict[str, Any] = item.custom_fields.as_dict() if item.custom_fields is not None else {}
    return CustomerOrganisation(
        id=item.contact_id.removeprefix(ORGANISATION_KEY_PREFIX),
        name=item.name,
        org_number=item.org_number or "",
        domains=[str(d) for d in item.domains or []],
        phone=item.phone or "",
        address=item.address or "",
        notes=item.notes or "",
        custom_fields=plain_numbers(custom),
        created_at=parse_iso(item.created_at) if item.created_at else None,
        version=int(item.version),
    )


class DynamoOrganisationRepository(OrganisationRepository):
    def add(self, organisation: CustomerOrganisation) -> None:
        self._write(organisation, None)

    def save(self, organisation: CustomerOrganisation) -> None:
        self._write(organisation, self.get(organisation.id))

    def _write(self, org: CustomerOrganisation, stored: CustomerOrganisation | None) -> None:
        before = _keys(stored) if stored else set()
        try:
            with TransactWrite(connection=OrganisationModel._get_connection().connection) as tx:
                if stored is None:
                    tx.save(_to_model(org), condition=OrganisationModel.contact_id.does_not_exist())
                else:
                    tx.save(_to_model(org), condition=OrganisationModel.version == org.version)
                for key in _keys(org) - before:
                    tx.save(
                        LookupModel(key, target=org.id),
                        condition=LookupModel.key.does_not_exist(),
                    )
                for key in before - _keys(org):
                    tx.delete(LookupModel(key), condition=LookupModel.target == org.id)
        except TransactWriteError as error:
            reasons = getattr(error, "cancellation_reasons", None) or []
            if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons[1:]):
                raise ConflictError(
                    "the organisation number or a domain belongs to another organisation",
                    code="taken",
                ) from None
            raise_conflict_if_condition_failed(error, "the organisation changed since you read it")
            raise
        org.version += 1

    def get(self, organisation_id: str) -> CustomerOrganisation:
        try:
            item = OrganisationModel.get(
                ORGANISATION_KEY_PREFIX + organisation_id, consistent_read=True
            )
        except DoesNotExist:
            raise NotFoundError(f"no organisation {organisation_id!r}") from None
        return _from_model(item)

    def _by_key(self, key: str) -> CustomerOrganisation | None:
        try:
            target = LookupModel.get(key, consistent_read=True).target
        except DoesNotExist:
            return None
        try:
            return self.get(target)
        except NotFoundError:
            return None

    def find_by_number(self, org_number: str) -> CustomerOrganisation | None:
        return self._by_key(lookup_keys.organisation_number(org_number))

    def find_by_domain(self, domain: str) -> CustomerOrganisation | None:
        return self._by_key(lookup_keys.organisation_domain(domain))

    def list(
        self, *, name_prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerOrganisation]:
        condition = OrganisationModel.name_sort.startswith(name_prefix) if name_prefix else None
        results = OrganisationModel.by_name.query(
            LIST_KEY,
            range_key_condition=condition,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor),
        )
        items, next_cursor = first_page(results, cursor)
        return Page([_from_model(OrganisationModel.from_raw_data(i)) for i in items], next_cursor)
