"""E-mail addresses (domain/email_address.py): what is accepted, what can take our mail."""

from __future__ import annotations

import pytest

from chalicelib.domain.email_address import (
    check_email,
    is_email,
    smtp_forms,
    unreachable_reason,
    wire_address,
)
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import check_email as organisation_check_email

# given -> normalised form
VALID = {
    "plain": ("anna@kund.example.se", "anna@kund.example.se"),
    "upper_case_lowered": ("Anna.Andersson@Kund.Example.SE", "anna.andersson@kund.example.se"),
    "surrounding_space": ("  anna@example.se \t", "anna@example.se"),
    "quoted_with_space": ('"john smith"@example.com', '"john smith"@example.com'),
    "quoted_with_at": ('"a@b"@x.se', '"a@b"@x.se'),
    "quoted_pair": ('"a\\"b"@x.se', '"a\\"b"@x.se'),
    "atext_specials": ("o'neil+tag/x=y{z}@example.com", "o'neil+tag/x=y{z}@example.com"),
    "utf8_local_and_idn": ("Dörte@Exämple.se", "dörte@exämple.se"),
    "idn_domain": ("doerte@exämple.se", "doerte@exämple.se"),
    "decomposed_to_nfc": ("doerte@exa\u0308mple.se", "doerte@exämple.se"),
    "ascii_a_label_kept": ("doerte@xn--exmple-cua.se", "doerte@xn--exmple-cua.se"),
    "dotless_domain": ("helpdesk@intranet", "helpdesk@intranet"),
    "domain_literal": ("x@[192.0.2.1]", "x@[192.0.2.1]"),
    "local_64_octets": ("a" * 64 + "@x.se", "a" * 64 + "@x.se"),
}

INVALID = {
    "no_at": "anna.example.se",
    "empty_local": "@example.se",
    "empty_domain": "anna@",
    "two_ats": "a@b@example.se",
    "space_outside_quotes": "john smith@example.com",
    "unbalanced_quote": '"john smith@example.com',
    "text_after_quote": '"john"smith@example.com',
    "consecutive_dots": "a..b@example.se",
    "leading_dot": ".a@example.se",
    "trailing_dot_local": "a.@example.se",
    "domain_consecutive_dots": "a@example..se",
    "domain_trailing_dot": "a@example.se.",
    "line_break": "a@example.se\r\nBcc: eve@evil.example",
    "trailing_crlf": "a@example.se\r\n",
    "nul": "a\x00b@example.se",
    "control_in_quotes": '"a\x07b"@example.se',
    "display_name_form": "Anna <anna@example.se>",
    "unclosed_literal": "x@[192.0.2.1",
    "local_65_octets": "a" * 65 + "@x.se",
    "local_over_64_utf8_octets": "ö" * 33 + "@x.se",
    "over_254": "a@" + "b" * 250 + ".se",
    "empty": "",
}

MIXED_LABEL = "a\u00e4b\u4e00c\u00f6d\u4e01e\u00e5f\u4e03g\u00fch\u4e07"  # longer in Punycode

# normalised address -> words its reason must contain (None: reachable)
UNREACHABLE = {
    "public_domain": ("anna@kund.example.se", None),
    "idn_domain": ("doerte@exämple.se", None),
    "quoted_local": ('"john smith"@example.com', None),
    "a_label": ("doerte@xn--exmple-cua.se", None),
    "dotless": ("helpdesk@intranet", "'intranet' is not a public mail domain"),
    "literal": ("x@[192.0.2.1]", "address literal"),
    "tld_invalid": ("x@host.invalid", "reserved"),
    # Reachable on purpose: the local stack, demo and tests answer such addresses
    "tld_example": ("x@mail.example", None),
    "tld_test": ("x@a.test", None),
    "tld_localhost": ("x@mail.localhost", "reserved"),
    "underscore_domain": ("x@foo_bar.se", "not a valid mail domain name"),
    "label_hyphen_start": ("x@-foo.se", "not a valid mail domain name"),
    "label_over_63": ("x@" + "a" * 64 + ".se", "not a valid mail domain name"),
    "no_idna_form": ("x@aא.se", "cannot be written"),  # Latin and Hebrew: bidi rule
    # 241 octets in UTF-8, 265 once the domain is IDNA-encoded
    "wire_form_too_long": ("a" * 64 + "@" + ".".join([MIXED_LABEL] * 6) + ".se", "longer"),
    "utf8_local_part": ("dörte@example.se", "non-ASCII"),
}


@pytest.mark.parametrize(("given", "expected"), VALID.values(), ids=VALID.keys())
def test_valid_addresses_are_accepted_in_normalised_form(given: str, expected: str) -> None:
    assert check_email(given) == expected
    assert organisation_check_email(given) == expected  # users, response points, contacts
    assert is_email(given)


@pytest.mark.parametrize("given", INVALID.values(), ids=INVALID.keys())
def test_invalid_addresses_are_refused(given: str) -> None:
    with pytest.raises(ValidationError, match="not an e-mail address"):
        check_email(given)
    assert not is_email(given)


@pytest.mark.parametrize(("address", "words"), UNREACHABLE.values(), ids=UNREACHABLE.keys())
def test_unreachable_reason_says_why_mail_cannot_go(address: str, words: str | None) -> None:
    reason = unreachable_reason(address)
    if words is None:
        assert reason is None
    else:
        assert reason is not None and words in reason


def test_wire_forms_encode_the_domain_and_keep_the_local_part() -> None:
    assert smtp_forms("doerte@exämple.se") == ("doerte@xn--exmple-cua.se", False)
    assert smtp_forms("dörte@exämple.se") == ("dörte@xn--exmple-cua.se", True)
    assert smtp_forms('"john smith"@example.com') == ('"john smith"@example.com', False)
    assert wire_address(" Doerte@Exämple.se ") == "Doerte@xn--exmple-cua.se"


def test_wire_address_refuses_what_would_need_smtputf8() -> None:
    with pytest.raises(ValidationError) as refused:
        wire_address("dörte@example.se")
    assert refused.value.code == "address_unreachable"
