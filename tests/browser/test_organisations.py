"""Organisations and contact merging in the browser (issue 14, S19), sv and en, axe clean.

An admin creates an organisation with an e-mail domain on the organisations screen; a ticket
from an address at that domain makes a contact that joins it, and the ticket shows on the
organisation card; the search finds the organisation by its number and by its domain; on a
contact card the admin sees a duplicate (the same number, stored as typed before numbers
were E.164) and merges it, and the merged card's ticket moves to the kept card."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious
from tests.e2e.conftest import Stack

SUFFIX = uuid.uuid4().hex[:6]
TABLES = "servit-local-"  # the local stack's table prefix (chalicelib/config.py)


def org_number() -> tuple[str, str]:
    """A fresh valid organisation number (Luhn) as NNNNNN-NNNN and as 10 digits."""
    body = f"55{random.randrange(10**7):07d}"
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    digits = body + str((10 - total % 10) % 10)
    return f"{digits[:6]}-{digits[6:]}", digits


def legacy_contact(stack: Stack, name: str, phone: str) -> str:
    """A contact card stored before issue 14: its number as typed ('0701234567')."""
    client = boto3.client(
        "dynamodb", endpoint_url=f"http://127.0.0.1:{stack.dynamodb_port}",
        region_name="eu-north-1", aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    contact_id = f"legacy{uuid.uuid4().hex[:16]}"
    client.put_item(TableName=f"{TABLES}Contacts", Item={
        "contact_id": {"S": contact_id}, "name": {"S": name}, "phones": {"L": [{"S": phone}]},
        "language": {"S": "sv"}, "version": {"N": "1"}, "list_pk": {"S": "contact"},
        "name_sort": {"S": f"{name.lower()}#{contact_id}"},
    })  # fmt: skip
    client.put_item(
        TableName=f"{TABLES}Lookups",
        Item={"key": {"S": f"contact_phone#{phone}"}, "target": {"S": contact_id}},
    )
    return contact_id


def ticket_for(client: ApiClient, title: str, **contact: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "response_point_id": "kundtjanst"}
    if "contact_id" in contact:
        body["contact_id"] = contact["contact_id"]
    else:
        body["contact"] = contact
    return client.call("POST", "/api/tickets", body)  # type: ignore[no-any-return]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_organisation_card_search_and_merging_duplicates(
    lang: str,
    stack: Stack,
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
) -> None:
    session = sessions("admin", lang)
    page = session.page
    name = f"Org {SUFFIX} {lang} AB"
    domain = f"org{SUFFIX}{lang}.example.se"
    number, digits = org_number()

    # Create the organisation on the organisations screen.
    session.goto("organisations")
    form = page.get_by_test_id("org-create")
    form.locator("input[name='new-org-name']").fill(name)
    form.locator("input[name='new-org-org_number']").fill(digits)
    form.locator("input[name='new-org-domains']").fill(domain)
    form.get_by_role("button").last.click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("input[name='org-org_number']")).to_have_value(number)
    org_id = page.url.rsplit("/", 1)[-1]

    # A contact from the domain joins it; their ticket shows on the card.
    dispatcher = api_as("dispatcher")
    title = f"Offert {SUFFIX} {lang}"
    ticket = ticket_for(dispatcher, title, email=f"anna@{domain}", name=f"Anna {SUFFIX}")
    assert ticket["organisation_id"] == org_id
    session.goto(f"organisations/{org_id}")
    expect(page.get_by_test_id("org-contacts")).to_contain_text(f"anna@{domain}")
    expect(page.locator("main table")).to_contain_text(title)
    assert _serious(page) == [], "organisation card"

    # The search finds it by number and by domain.
    session.goto("organisations")
    search = page.locator("input[name='org-search']")
    for term in (digits, domain):
        search.fill(term)
        expect(page.get_by_test_id("org-results").locator("tbody tr")).to_have_count(1)
        expect(page.get_by_test_id("org-results")).to_contain_text(name)
    assert _serious(page) == [], "organisations screen"

    # Two cards of one person: one stored before numbers were E.164.
    local = f"07{random.randrange(10**8):08d}"
    e164 = "+46" + local[1:]
    kept = ticket_for(dispatcher, f"Kvar {SUFFIX} {lang}", phone=e164, name=f"Kvar {SUFFIX}")
    old_id = legacy_contact(stack, f"Gammal {SUFFIX} {lang}", local)
    moved = ticket_for(dispatcher, f"Flyttas {SUFFIX} {lang}", contact_id=old_id)
    session.goto(f"contacts/{kept['contact_id']}")
    duplicates = page.get_by_test_id("contact-duplicates")
    expect(duplicates).to_contain_text(f"Gammal {SUFFIX} {lang}")
    assert _serious(page) == [], "contact card"
    duplicates.get_by_role("button").first.click()
    expect(duplicates).not_to_contain_text(f"Gammal {SUFFIX} {lang}")
    assert session.dialogs and f"Gammal {SUFFIX} {lang}" in session.dialogs[0]
    expect(page.locator("main table")).to_contain_text(moved["title"])
    expect(page.locator("main table")).to_contain_text(kept["title"])
    card = api_as("admin").call("GET", f"/api/tickets/{moved['id']}")
    assert card["contact_id"] == kept["contact_id"]
    assert any(e["type"] == "field_changed" and e["actor"] == "admin" for e in card["events"])
    assert not [c for c in session.console if re.search("error", c, re.I)], session.console
