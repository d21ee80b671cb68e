"""Contacts and config: the same contract on the fake and on DynamoDB Local."""

from __future__ import annotations

import uuid

import pytest

from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.ids import new_ulid
from chalicelib.services.context import Services


def make_contact(
    svc: Services, name: str, emails: list[str], phones: list[str] | None = None
) -> Contact:
    contact = Contact(new_ulid(svc.clock()), name, emails=emails, phones=phones or [])
    svc.contacts.add(contact)
    return contact


def unique_email() -> str:
    return f"kund-{uuid.uuid4().hex[:8]}@example.se"


def test_contact_found_by_email_case_insensitively(any_services: Services) -> None:
    email = unique_email()
    contact = make_contact(any_services, "Åsa Öberg", [email.upper()])
    found = any_services.contacts.find_by_email(email)
    assert found is not None and found.id == contact.id
    assert found.name == "Åsa Öberg"


def test_an_email_belongs_to_one_contact_only(any_services: Services) -> None:
    email = unique_email()
    make_contact(any_services, "First", [email])
    with pytest.raises(ConflictError):
        make_contact(any_services, "Second", [email])


def test_changing_a_contacts_email_frees_the_old_one(any_services: Services) -> None:
    old, new = unique_email(), unique_email()
    contact = make_contact(any_services, "Per", [old])
    contact.emails = [new]
    any_services.contacts.save(contact)
    assert any_services.contacts.find_by_email(old) is None
    assert any_services.contacts.find_by_email(new) is not None
    make_contact(any_services, "Someone else", [old])


def test_a_stale_contact_write_is_refused(any_services: Services) -> None:
    contact = make_contact(any_services, "Li", [unique_email()])
    first = any_services.contacts.get(contact.id)
    second = any_services.contacts.get(contact.id)
    first.notes = "one"
    any_services.contacts.save(first)
    second.notes = "two"
    with pytest.raises(ConflictError):
        any_services.contacts.save(second)
    assert any_services.contacts.get(contact.id).notes == "one"


def test_contact_found_by_phone(any_services: Services) -> None:
    phone = f"+4670{uuid.uuid4().int % 10**7:07d}"
    contact = make_contact(any_services, "Ivan", [], [phone])
    found = any_services.contacts.find_by_phone(phone)
    assert found is not None and found.id == contact.id


def test_missing_contact_is_not_found(any_services: Services) -> None:
    with pytest.raises(NotFoundError):
        any_services.contacts.get("nope")


def test_contacts_list_by_name_prefix(any_services: Services) -> None:
    tag = uuid.uuid4().hex[:6]
    make_contact(any_services, f"zz{tag} Berg", [unique_email()])
    make_contact(any_services, f"zz{tag} Alm", [unique_email()])
    page = any_services.contacts.list(name_prefix=f"zz{tag}")
    assert [c.name for c in page.items] == [f"zz{tag} Alm", f"zz{tag} Berg"]


def test_config_items_round_trip_and_list_by_kind(any_services: Services) -> None:
    kind = f"k{uuid.uuid4().hex[:6]}"
    any_services.config.put(kind, "b", {"name": "Bee", "n": 2, "tags": ["x"]})
    any_services.config.put(kind, "a", {"name": "Ay", "flag": True, "nested": {"k": None}})
    assert any_services.config.get(kind, "b") == {"name": "Bee", "n": 2, "tags": ["x"]}
    assert [r["name"] for r in any_services.config.list(kind)] == ["Ay", "Bee"]
    with pytest.raises(ConflictError):
        any_services.config.put(kind, "a", {"name": "again"}, create=True)
    any_services.config.delete(kind, "a")
    assert any_services.config.get(kind, "a") is None


def test_a_counter_with_an_expiry_still_counts_atomically(any_services: Services) -> None:
    from datetime import timedelta

    counter = f"automail:{uuid.uuid4().hex[:6]}"
    expires = any_services.clock() + timedelta(hours=2)
    numbers = [any_services.config.next_number(counter, 1, expires_at=expires) for _ in range(3)]
    assert numbers == [1, 2, 3]
