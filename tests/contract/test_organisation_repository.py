"""Customer organisations and contact merging (issue 14): the same contract on the fake and
on DynamoDB Local (organisations share the Contacts table, keys in Lookups)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib.domain.contact import Contact
from chalicelib.domain.contact_merge import merged_card
from chalicelib.domain.crm_organisation import CustomerOrganisation
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.ids import new_ulid
from chalicelib.services import lookup_keys
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, OrganisationRepository, TicketQuery
from tests.contract.test_ticket_repository import new_ticket


def orgs(svc: Services) -> OrganisationRepository:
    assert svc.organisations is not None
    return svc.organisations


def new_org(svc: Services, name: str, number: str = "", domains: list[str] | None = None):  # type: ignore[no-untyped-def]
    org = CustomerOrganisation(
        new_ulid(svc.clock()), name, org_number=number, domains=domains or []
    )
    orgs(svc).add(org)
    return org


def tag() -> str:
    return uuid.uuid4().hex[:8]


def test_found_by_number_domain_and_name_prefix(any_services: Services) -> None:
    t = tag()
    org = new_org(any_services, f"Zq{t} Bygg AB", "556036-0793", [f"{t}.se"])
    new_org(any_services, f"Zq{t} Annat AB")
    assert orgs(any_services).find_by_number("556036-0793").id == org.id  # type: ignore[union-attr]
    assert orgs(any_services).find_by_domain(f"{t}.se").id == org.id  # type: ignore[union-attr]
    names = [o.name for o in orgs(any_services).list(name_prefix=f"zq{t}").items]
    assert names == [f"Zq{t} Annat AB", f"Zq{t} Bygg AB"]
    # An organisation is not a contact, though it lives in the Contacts table.
    with pytest.raises(NotFoundError):
        any_services.contacts.get(f"org#{org.id}")
    assert f"Zq{t}" not in [c.name[:10] for c in any_services.contacts.list().items]


def test_number_and_domains_are_unique_and_freed_on_change(any_services: Services) -> None:
    t = tag()
    org = new_org(any_services, "Första AB", "212000-0142", [f"a{t}.se", f"b{t}.se"])
    with pytest.raises(ConflictError):
        new_org(any_services, "Andra AB", "", [f"b{t}.se"])
    with pytest.raises(ConflictError):
        new_org(any_services, "Tredje AB", "2120000142")
    stored = orgs(any_services).get(org.id)
    stored.domains = [f"a{t}.se"]
    orgs(any_services).save(stored)
    assert orgs(any_services).find_by_domain(f"b{t}.se") is None
    new_org(any_services, "Andra AB", "", [f"b{t}.se"])


def test_a_stale_organisation_write_is_refused(any_services: Services) -> None:
    org = new_org(any_services, "Gammal AB")
    first, second = orgs(any_services).get(org.id), orgs(any_services).get(org.id)
    first.notes = "ett"
    orgs(any_services).save(first)
    second.notes = "två"
    with pytest.raises(ConflictError):
        orgs(any_services).save(second)
    assert orgs(any_services).get(org.id).notes == "ett"


def test_contacts_and_tickets_listed_by_organisation(any_services: Services) -> None:
    org = new_org(any_services, "Lista AB")
    for name in ("Örjan", "Anna"):
        any_services.contacts.add(
            Contact(new_ulid(any_services.clock()), name, organisation_id=org.id)
        )
    any_services.contacts.add(Contact(new_ulid(any_services.clock()), "Utanför"))
    names = [c.name for c in any_services.contacts.list_by_organisation(org.id).items]
    assert names == ["Anna", "Örjan"]
    ticket = new_ticket(any_services, "rp-x", organisation_id=org.id)
    new_ticket(any_services, "rp-x")
    page = any_services.tickets.query(TicketQuery(ListIndex.ORGANISATION, org.id))
    assert [t.id for t in page.items] == [ticket.id]


def test_merge_moves_keys_deletes_the_card_and_leaves_a_tombstone(
    any_services: Services,
) -> None:
    t = tag()
    kept = Contact(new_ulid(any_services.clock()), "Kvar", emails=[f"k{t}@x.se"])
    gone = Contact(
        new_ulid(any_services.clock()),
        "Borta",
        emails=[f"g{t}@x.se"],
        phones=[f"+4670{uuid.uuid4().int % 10**7:07d}"],
        identities=[f"x:{t}"],
    )
    any_services.contacts.add(kept)
    any_services.contacts.add(gone)
    plan = merged_card(any_services.contacts.get(kept.id), any_services.contacts.get(gone.id))
    any_services.contacts.merge_into(any_services.contacts.get(gone.id), plan)
    with pytest.raises(NotFoundError):
        any_services.contacts.get(gone.id)
    assert any_services.contacts.merged_into(gone.id) == kept.id
    now_kept = any_services.contacts.get(kept.id)
    assert set(now_kept.emails) == {f"k{t}@x.se", f"g{t}@x.se"}
    keys = [
        lookup_keys.contact_email(f"g{t}@x.se"),
        lookup_keys.contact_phone(gone.phones[0]),
        lookup_keys.contact_identity(f"x:{t}"),
    ]
    assert set(any_services.lookups.get_many(keys).values()) == {kept.id}
    assert any_services.contacts.find_by_identity(f"x:{t}").id == kept.id  # type: ignore[union-attr]


def test_a_merge_of_a_changed_card_is_refused_and_changes_nothing(
    any_services: Services,
) -> None:
    t = tag()
    kept = Contact(new_ulid(any_services.clock()), "Kvar", emails=[f"k{t}@x.se"])
    gone = Contact(new_ulid(any_services.clock()), "Borta", emails=[f"g{t}@x.se"])
    any_services.contacts.add(kept)
    any_services.contacts.add(gone)
    stale = any_services.contacts.get(gone.id)
    fresh = any_services.contacts.get(gone.id)
    fresh.notes = "ändrad"
    any_services.contacts.save(fresh)
    plan = merged_card(any_services.contacts.get(kept.id), stale)
    with pytest.raises(ConflictError):
        any_services.contacts.merge_into(stale, plan)
    assert any_services.contacts.get(gone.id).notes == "ändrad"
    assert any_services.contacts.find_by_email(f"g{t}@x.se").id == gone.id  # type: ignore[union-attr]
    assert any_services.contacts.merged_into(gone.id) is None


def test_search_card_and_merge_cost_a_bounded_number_of_requests(
    dynamo_services: Services,
) -> None:
    """Issue 14's use cases on DynamoDB: no Scan, and a handful of requests each."""
    from bench.counting import RequestCounter
    from chalicelib.adapters.dynamodb.models import ALL_MODELS, OrganisationModel
    from chalicelib.services.crm import merge, organisations
    from tests.support import seed_helpdesk

    svc = dynamo_services
    people = seed_helpdesk(svc)
    counter = RequestCounter()
    counter.attach_models([*ALL_MODELS, OrganisationModel])

    def cost(action: Any) -> dict[str, int]:
        before = counter.usage()
        action()
        return counter.usage().minus(before).by_operation()  # type: ignore[no-any-return]

    t = tag()
    org = organisations.create(
        svc, {"name": f"Kost {t} AB", "org_number": "556036-0793", "domains": [f"{t}.se"]}
    )
    contacts = [
        Contact(new_ulid(svc.clock()), f"K{i}", emails=[f"k{i}@{t}.se"], organisation_id=org.id)
        for i in range(3)
    ]
    for contact in contacts:
        svc.contacts.add(contact)
        for _ in range(2):
            new_ticket(svc, "kundtjanst", contact_id=contact.id, organisation_id=org.id)
    admin = people["admin"]

    by_number = cost(lambda: organisations.search(svc, "5560360793"))
    by_domain = cost(lambda: organisations.search(svc, f"{t}.se"))
    by_name = cost(lambda: organisations.search(svc, f"kost {t}"))
    card = cost(lambda: organisations.card(svc, admin, org.id))
    dupes = cost(lambda: merge.duplicates(svc, contacts[0].id))
    merged = cost(lambda: merge.merge(svc, admin, contacts[1].id, contacts[0].id))
    print({"number": by_number, "domain": by_domain, "name": by_name, "card": card,
           "duplicates": dupes, "merge": merged})  # fmt: skip
    for usage in (by_number, by_domain, by_name, card, dupes, merged):
        assert "Scan" not in usage
    assert by_number == {"GetItem": 2} and by_domain == {"GetItem": 2}
    assert by_name == {"Query": 1}
    assert card == {"GetItem": 1, "Query": 2}  # admin: no visibility reads
    assert dupes == {"GetItem": 1, "BatchGetItem": 1}
    # Two tickets moved (a read and a write each), the cards in one transaction.
    assert merged["TransactWriteItems"] == 3 and merged["Query"] <= 4
