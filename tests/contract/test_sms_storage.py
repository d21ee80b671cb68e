"""Texts (issue 13): what the SMS use cases store, the same on the fake and on DynamoDB Local:
a card's opted-out numbers, the spend counter's step (and giving parts back), and the
contact found by a number typed in another form."""

from __future__ import annotations

import random
import uuid

from chalicelib.domain.contact import Contact
from chalicelib.domain.ids import new_ulid
from chalicelib.services.context import Services
from chalicelib.services.sms.numbers import find_contact


def _number() -> tuple[str, str]:
    digits = f"{random.randint(1_000_000, 9_999_999)}"
    return f"070{digits}", f"+4670{digits}"


def test_a_cards_opted_out_numbers_are_kept(any_services: Services) -> None:
    typed, e164 = _number()
    contact = Contact(new_ulid(any_services.clock()), "Åsa", phones=[typed])
    any_services.contacts.add(contact)
    contact.sms_opted_out = [e164]
    any_services.contacts.save(contact)

    assert any_services.contacts.get(contact.id).sms_opted_out == [e164]


def test_a_counter_steps_by_many_and_gives_back(any_services: Services) -> None:
    counter = f"sms-parts:test-{uuid.uuid4().hex[:8]}"
    assert any_services.config.next_number(counter, 1, step=3) == 3
    assert any_services.config.next_number(counter, 1, step=2) == 5
    assert any_services.config.next_number(counter, 1, step=-2) == 3
    assert any_services.config.next_number(counter, 1) == 4


def test_a_number_typed_without_country_code_is_found_by_its_e164_form(
    any_services: Services,
) -> None:
    typed, e164 = _number()
    contact = Contact(new_ulid(any_services.clock()), "Per", phones=[typed])
    any_services.contacts.add(contact)

    found = find_contact(any_services, e164)

    assert found is not None and found.id == contact.id
