"""The CRM (S19): contact cards, their uniqueness, and every ticket of a contact."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import BadRequestError, ConflictError, ValidationError
from chalicelib.domain.organisation import Language, User
from chalicelib.services import contacts
from chalicelib.services.context import Services
from tests.unit.services.builders import open_ticket


def test_a_contact_is_created_with_normalised_addresses_and_phones(svc: Services) -> None:
    contact = contacts.create_contact(
        svc,
        {
            "name": "Åsa Öberg",
            "emails": ["Asa@Example.com", "asa@example.com"],
            "phones": ["+46 (0)70-123 45 67"],
            "language": "en",
        },
    )

    stored = svc.contacts.get(contact.id)
    assert stored.emails == ["asa@example.com"]
    assert stored.phones == ["+46701234567"]  # E.164 since issue 14
    assert stored.language is Language.EN
    assert stored.version == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, ValidationError),
        ({"name": ""}, ValidationError),
        ({"emails": ["nope"]}, ValidationError),
        ({"phones": ["12"]}, ValidationError),
        ({"emails": "a@example.com"}, BadRequestError),
        ({"name": "x" * 201}, ValidationError),
        ({"name": "K", "language": "de"}, ValidationError),
        ({"name": "K", "shoe_size": 44}, ValidationError),
        ([], BadRequestError),
    ],
    ids=[
        "empty",
        "blank-name",
        "bad-email",
        "short-phone",
        "emails-not-list",
        "long-name",
        "unknown-language",
        "unknown-key",
        "not-object",
    ],
)
def test_a_bad_contact_is_refused_and_nothing_stored(
    svc: Services, body: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        contacts.create_contact(svc, body)

    assert svc.contacts.list().items == []


@pytest.mark.parametrize(
    "clash",
    [{"emails": ["KALLE@example.com"]}, {"phones": ["070 123 45 67"]}],
    ids=["email", "phone"],
)
def test_email_and_phone_belong_to_one_contact_only(svc: Services, clash: dict[str, Any]) -> None:
    contacts.create_contact(
        svc, {"name": "Kalle", "emails": ["kalle@example.com"], "phones": ["0701234567"]}
    )

    with pytest.raises(ConflictError):
        contacts.create_contact(svc, {"name": "Kalle 2", **clash})

    assert len(svc.contacts.list().items) == 1


def test_an_update_may_not_take_anothers_email(svc: Services) -> None:
    contacts.create_contact(svc, {"name": "A", "emails": ["a@example.com"]})
    b = contacts.create_contact(svc, {"name": "B", "emails": ["b@example.com"]})

    with pytest.raises(ConflictError):
        contacts.update_contact(svc, b.id, {"emails": ["a@example.com"]}, if_match=None)

    assert svc.contacts.get(b.id).emails == ["b@example.com"]


def test_an_update_changes_only_the_fields_given(svc: Services) -> None:
    contact = contacts.create_contact(svc, {"name": "A", "emails": ["a@example.com"]})

    updated = contacts.update_contact(
        svc, contact.id, {"organisation": "Acme", "phones": ["+4681234567"]}, if_match=1
    )

    assert (updated.name, updated.emails, updated.organisation) == ("A", ["a@example.com"], "Acme")
    assert updated.phones == ["+4681234567"]
    assert svc.contacts.get(contact.id).version == 2


def test_an_update_with_a_stale_version_is_a_conflict(svc: Services) -> None:
    contact = contacts.create_contact(svc, {"name": "A"})
    contacts.update_contact(svc, contact.id, {"name": "B"}, if_match=1)

    with pytest.raises(ConflictError):
        contacts.update_contact(svc, contact.id, {"name": "C"}, if_match=1)

    assert svc.contacts.get(contact.id).name == "B"


def test_contacts_are_found_by_email_phone_or_name_prefix(svc: Services) -> None:
    kalle = contacts.create_contact(
        svc, {"name": "Kalle Anka", "emails": ["kalle@example.com"], "phones": ["0701234567"]}
    )
    contacts.create_contact(svc, {"name": "Musse Pigg"})

    def find(**query: str | None) -> list[str]:
        args: dict[str, Any] = {"email": None, "phone": None, "name": None, **query}
        return [c.id for c in contacts.find_contacts(svc, limit=50, cursor=None, **args).items]

    assert find(email="KALLE@example.com") == [kalle.id]
    assert find(phone="070-123 45 67") == [kalle.id]
    assert find(name="kal") == [kalle.id]
    assert find(email="nobody@example.com") == []
    assert len(find()) == 2


def test_a_contacts_tickets_are_those_the_caller_may_see(
    svc: Services, people: dict[str, User]
) -> None:
    d = people["dispatcher"]
    mine = open_ticket(svc, d, group_id="kt-first", contact={"email": "k@example.com"})
    hidden = open_ticket(svc, d, group_id="kt-second", contact={"email": "k@example.com"})
    it = open_ticket(
        svc,
        d,
        response_point_id="it-support",
        group_id="it-desk",
        contact={"email": "k@example.com"},
    )
    assert mine.contact_id

    seen_by_agent = contacts.contact_tickets(svc, people["agent1"], mine.contact_id).items
    seen_by_admin = contacts.contact_tickets(svc, people["admin"], mine.contact_id).items

    assert {t.id for t in seen_by_agent} == {mine.id, it.id}
    assert {t.id for t in seen_by_admin} == {mine.id, hidden.id, it.id}
