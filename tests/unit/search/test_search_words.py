"""How text becomes search tokens and a typed query becomes terms (issue 15)."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import BadRequestError
from chalicelib.domain.search_index import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    MAX_TOKENS_PER_TEXT,
    Term,
    fold,
    parse_query,
    phone_tokens,
    text_tokens,
)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Öström", "ostrom"),
        ("ÅSA", "asa"),
        ("Søren Ærø", "soren aero"),
        ("Straße", "strasse"),
        ("Łukasz Đoković", "lukasz dokovic"),
        ("Иванов", "иванов"),
        ("Ёлкин", "елкин"),
        ("Ｆｕｌｌ", "full"),
    ],
    ids=["swedish", "upper", "danish", "german", "polish-serbian", "cyrillic", "yo", "fullwidth"],
)
def test_diacritics_and_case_fold_away(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_a_text_gives_its_distinct_words_of_two_letters_or_more() -> None:
    tokens = text_tokens("Hej! Skrivaren på plan 3 strular, skrivaren_igen: ring 070-123 45 67.")
    assert tokens == {"hej", "skrivaren", "pa", "plan", "strular", "igen", "ring", "070", "123",
                      "45", "67"}  # fmt: skip


def test_a_long_text_keeps_its_first_words_only() -> None:
    text = " ".join(f"ord{n}" for n in range(MAX_TOKENS_PER_TEXT + 50))
    tokens = text_tokens(text)
    assert len(tokens) == MAX_TOKENS_PER_TEXT
    assert "ord0" in tokens and f"ord{MAX_TOKENS_PER_TEXT}" not in tokens


def test_an_email_address_is_found_by_its_parts() -> None:
    assert text_tokens("Anna.Ostrom@Kund.Example.se") == {"anna", "ostrom", "kund", "example",
                                                          "se"}  # fmt: skip


def test_a_phone_number_is_kept_in_international_and_national_digits() -> None:
    assert phone_tokens("+46701234567", "070-123 45 67") == {"46701234567", "0701234567"}


def test_the_last_word_being_typed_is_a_prefix_and_short_finished_words_are_exact() -> None:
    query = parse_query("ip skrivare to")
    assert query.terms == (Term("ip", False), Term("skrivare", True), Term("to", True))
    assert parse_query("ip to ").terms == (Term("ip", False), Term("to", False))
    assert parse_query("a").terms == ()  # one letter: nothing to look up yet


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("070-123 45 67", "0701234567"),
        ("+46 70 123 45 67", "46701234567"),
        ("0046 (70) 123", "4670123"),
        ("070 12", "07012"),
    ],
    ids=["national", "e164", "double-zero", "partial"],
)
def test_a_phone_number_in_any_formatting_is_one_prefix_of_digits(typed: str, term: str) -> None:
    assert parse_query(typed).terms == (Term(term, True),)


@pytest.mark.parametrize(("typed", "number"), [("#123", 123), ("123", 123), (" #7 ", 7)])
def test_a_ticket_number_is_recognised_with_or_without_hash(typed: str, number: int) -> None:
    assert parse_query(typed).number == number


def test_words_are_not_ticket_numbers() -> None:
    assert parse_query("faktura 123").number is None


def test_a_query_with_many_words_keeps_the_longest() -> None:
    query = parse_query("aa bbbbbbb cc ddddddd ee fffffff gg hhhhhhh ii")
    assert len(query.terms) == MAX_TERMS
    assert {t.text for t in query.terms} >= {"bbbbbbb", "ddddddd", "fffffff", "hhhhhhh"}


@pytest.mark.parametrize(
    ("typed", "code"),
    [("", "empty_query"), ("   ", "empty_query"), ("x" * (MAX_QUERY_CHARS + 1), "query_too_long")],
    ids=["empty", "blank", "too-long"],
)
def test_an_empty_or_too_long_query_is_refused(typed: str, code: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        parse_query(typed)
    assert refused.value.code == code
