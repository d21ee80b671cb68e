"""RFC 2047 encoded words in headers (encoded_words.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.channels.email.encoded_words import decode_encoded_words

CASES = [
    ("=?utf-8?Q?R=C3=A4kning_nr_5?=", "Räkning nr 5"),
    ("=?iso-8859-1?q?caf=E9?= och =?utf-8?b?dGU=?=", "café och te"),
    ("=?utf-8?B?w6U=?= =?utf-8?B?w6Q=?=\t=?utf-8?B?w7Y=?=", "åäö"),
    ("=?utf-8?B?csM?= =?UTF-8?B?pGtuaW5n?=", "räkning"),
    ("=?utf-8?Q?Fr=C3=A5ga om?=", "Fråga om"),
    ("=?utf-8*sv?Q?spr=C3=A5k?=", "språk"),
    ("=?koi8-r?B?9MXT1A==?= =?gb2312?B?1tDOxA==?=", "Тест中文"),
    ("no words here = ? at all", "no words here = ? at all"),
    ("=?utf-8?q?a?==?utf-8?q?b?=", "ab"),
    ("Re: =?utf-8?Q?=C3=84rende?= [#10042]", "Re: Ärende [#10042]"),
]


@pytest.mark.parametrize(("raw", "text"), CASES, ids=[c[0][:30] for c in CASES])
def test_encoded_words_decode_to_the_text_they_stand_for(raw: str, text: str) -> None:
    assert decode_encoded_words(raw).text == text


def test_word_without_closing_marker_is_decoded_and_reported() -> None:
    decoded = decode_encoded_words("Hej =?utf-8?B?w6XDpA")
    assert decoded.text == "Hej åä"
    assert decoded.problems == ("encoded word without closing '?='",)


def test_word_in_unknown_charset_falls_back_and_reports() -> None:
    decoded = decode_encoded_words("=?x-unknown-cs?Q?R=C3=A4kning?=")
    assert decoded.text == "Räkning"
    assert decoded.problems


@given(st.text(max_size=80))
def test_decoding_never_raises(value: str) -> None:
    assert isinstance(decode_encoded_words(value).text, str)
