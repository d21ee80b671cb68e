"""Decoding bytes by the charset label a mail claims (charsets.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.channels.charsets import codecs_for, decode_bytes, normalise_label

ALIASES = [
    ("iso-gb2312", "您好，朱镕基", "gbk"),
    ("gb2312", "朱镕基的发票", "gbk"),
    ("ks_c_5601-1987", "똠방각하", "cp949"),
    ("euc-kr", "똠양꿍", "cp949"),
    ("unicode-1-1-utf-7", "Räksmörgås – tack", "utf-7"),
    ("x-sjis", "①髙橋", "cp932"),
    ("shift_jis", "①髙橋", "cp932"),
    ("iso-8859-8-i", "שלום", "iso8859_8"),
    ("windows-874", "สวัสดี", "cp874"),
    ("x-mac-cyrillic", "Добрый день", "mac_cyrillic"),
    ("x-mac-roman", "Café", "mac_roman"),
    ("latin1", "Grüße", "latin-1"),
    ("utf8", "Grüße 中文", "utf-8"),
    ("iso-2022-jp", "請求書", "iso2022_jp"),
    ("big5", "我哋㗎", "big5hkscs"),
    ("koi8-r", "Счёт", "koi8_r"),
    ('"UTF-8"', "citattecken", "utf-8"),
    ("utf-8*sv", "språk", "utf-8"),
]


@pytest.mark.parametrize(("label", "text", "codec"), ALIASES, ids=[a[0] for a in ALIASES])
def test_real_world_label_decodes_text_its_sender_meant(label: str, text: str, codec: str) -> None:
    decoded = decode_bytes(text.encode(codec), label)
    assert decoded.text == text
    assert decoded.problem is None


def test_latin1_label_reads_windows_1252_quotes_and_euro() -> None:
    decoded = decode_bytes("“100 €”".encode("cp1252"), "iso-8859-1")
    assert decoded.text == "“100 €”"
    assert decoded.problem is None


def test_us_ascii_label_falls_back_to_utf8_and_says_so() -> None:
    decoded = decode_bytes("Tack så mycket".encode(), "us-ascii")
    assert decoded.text == "Tack så mycket"
    assert decoded.problem == "charset label 'us-ascii' lied, decoded as utf-8"


def test_utf8_label_on_windows_1252_bytes_falls_back_to_windows_1252() -> None:
    decoded = decode_bytes("Grüße – Straße".encode("cp1252"), "utf-8")
    assert decoded.text == "Grüße – Straße"
    assert decoded.problem == "charset label 'utf-8' lied, decoded as windows-1252"


def test_single_byte_label_on_valid_utf8_prefers_utf8() -> None:
    decoded = decode_bytes("Grüße från Åsa".encode(), "iso-8859-15")
    assert decoded.text == "Grüße från Åsa"
    assert decoded.problem is not None


def test_bytes_no_charset_can_decode_end_as_latin1_with_a_problem() -> None:
    # 0x81 is undefined in Windows-1252 and invalid UTF-8.
    decoded = decode_bytes(b"caf\xe9 \x81", "utf-8")
    assert decoded.text == "café \x81"
    assert decoded.problem == "charset label 'utf-8' lied, decoded as latin-1"


def test_unknown_label_is_reported_and_decoded_by_guess() -> None:
    decoded = decode_bytes("Räkning".encode(), "x-klingon")
    assert decoded.text == "Räkning"
    assert decoded.problem == "unknown charset label 'x-klingon', decoded as utf-8"


def test_missing_label_guesses_quietly() -> None:
    assert decode_bytes("Räkning".encode(), None).problem is None
    assert decode_bytes(b"plain", "").text == "plain"


@pytest.mark.parametrize("label", ["unicode_escape", "rot13", "zlib", "base64", "hex", "idna"])
def test_label_naming_a_non_charset_codec_is_never_run(label: str) -> None:
    decoded = decode_bytes(b"\\x41 caf\xc3\xa9", label)
    assert decoded.text == "\\x41 café"
    assert codecs_for(label) == ()


def test_byte_order_mark_is_dropped_from_text_but_kept_when_asked() -> None:
    assert decode_bytes(b"\xef\xbb\xbfHej", "utf-8").text == "Hej"
    assert decode_bytes(b"\xef\xbb\xbfHej", "utf-8", strip_bom=False).text == "\ufeffHej"


def test_label_with_leftover_parameters_is_cleaned() -> None:
    assert normalise_label('"utf-8; format=flowed') == "utf-8"
    assert normalise_label(None) == ""


@given(st.binary(max_size=200), st.text(max_size=30))
def test_decoding_never_raises_whatever_the_bytes_and_label(data: bytes, label: str) -> None:
    decoded = decode_bytes(data, label)
    assert isinstance(decoded.text, str)
