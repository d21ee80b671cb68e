"""Organisation numbers, domains, phone numbers and merge planning (issue 14): pure."""

from __future__ import annotations

import pytest

from chalicelib.domain.contact import Contact, phone_e164, phone_forms
from chalicelib.domain.contact_merge import merged_card
from chalicelib.domain.crm_organisation import (
    CustomerOrganisation,
    check_domain,
    check_org_number,
    luhn_ok,
)
from chalicelib.domain.errors import BadRequestError, ValidationError


@pytest.mark.parametrize(
    "typed",
    ["556036-0793", "5560360793", "165560360793", "16556036-0793", " 556036 0793 "],
)
def test_an_organisation_number_is_stored_as_nnnnnn_nnnn(typed: str) -> None:
    assert check_org_number(typed) == "556036-0793"


@pytest.mark.parametrize("typed", ["556036-0794", "556036-0790", "195560360792"])
def test_a_wrong_check_digit_is_refused_as_a_bad_request(typed: str) -> None:
    with pytest.raises(BadRequestError, match="check digit"):
        check_org_number(typed)


@pytest.mark.parametrize("typed", ["55603-60793", "abc", "55603607931", "225560360793", ""])
def test_a_malformed_number_is_refused(typed: str) -> None:
    with pytest.raises(BadRequestError):
        check_org_number(typed)


def test_luhn() -> None:
    assert luhn_ok("5560360793") and luhn_ok("2120000142") and not luhn_ok("2120000143")


def test_domains_are_lower_cased_without_at_and_checked() -> None:
    assert check_domain("@Firma.SE") == "firma.se"
    assert check_domain("kommun.göteborg.se") == "kommun.xn--gteborg-90a.se"
    for bad in ("firma", "fi rma.se", "-x.se", "a@b@c"):
        with pytest.raises(ValidationError):
            check_domain(bad)


def test_an_organisation_needs_a_name_and_keeps_domains_once() -> None:
    org = CustomerOrganisation("o1", " Bygg  AB ", domains=["bygg.se", "BYGG.se"])
    assert (org.name, org.domains) == ("Bygg AB", ["bygg.se"])
    with pytest.raises(ValidationError):
        CustomerOrganisation("o2", "  ")


def test_phone_numbers_become_e164_and_odd_ones_are_kept_as_before() -> None:
    assert phone_e164("070-123 45 67") == "+46701234567"
    assert phone_e164("0046 70 123 45 67") == "+46701234567"
    assert phone_e164("+44 20 7946 0958") == "+442079460958"
    assert phone_e164("11414") == "11414"  # a short code: kept as digits
    with pytest.raises(ValidationError):
        phone_e164("call me")


def test_a_number_is_looked_up_in_every_form_a_card_may_hold() -> None:
    forms = phone_forms("070-123 45 67")
    assert forms[0] == "+46701234567"
    assert "0701234567" in forms and "0046701234567" in forms


def test_merging_adds_what_the_kept_card_lacks() -> None:
    kept = Contact("k", "Karin", emails=["karin@firma.se"], phones=["0701234567"], notes="VIP")
    merged = Contact(
        "m",
        "K. Berg",
        emails=["kb@firma.se"],
        phones=["+46701234567", "08-123 456 78"],
        identities=["x:42"],
        sms_opted_out=["+46812345678"],
        organisation="Firma",
        organisation_id="org1",
        notes="Ringer ofta",
    )
    card = merged_card(kept, merged)
    assert card.id == "k" and card.name == "Karin"
    assert card.emails == ["karin@firma.se", "kb@firma.se"]
    assert card.phones == ["+46701234567", "+46812345678"]  # one number, one entry
    assert (card.identities, card.sms_opted_out) == (["x:42"], ["+46812345678"])
    assert (card.organisation, card.organisation_id) == ("Firma", "org1")
    assert card.notes == "VIP\n\nRinger ofta"


def test_a_merge_over_the_limits_or_into_itself_is_refused() -> None:
    kept = Contact("k", "A", emails=[f"a{i}@x.se" for i in range(15)])
    merged = Contact("m", "B", emails=[f"b{i}@x.se" for i in range(10)])
    with pytest.raises(ValidationError):
        merged_card(kept, merged)
    with pytest.raises(ValidationError):
        merged_card(kept, kept)
