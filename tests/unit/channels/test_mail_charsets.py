"""Decoding bytes by the charset label a mail claims (charsets.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.channels.email.charsets import codecs_for, decode_bytes, normalise_label
from chalicelib.channels.email.mime_in import parse_message

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


def text_mail(charset: str, body: bytes) -> bytes:
    return (
        b"From: kund@example.com\r\nSubject: Test\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 7bit\r\n\r\n" + body
    )


def jis(text: str) -> bytes:
    """Plain ISO-2022-JP (JIS X 0208 only), by Python's own strict codec."""
    return text.encode("iso2022_jp")


# NEC row 13 and NEC-selected IBM characters as CP50221 writes them: JIS X 0208
# escapes around codes that standard JIS X 0208 leaves empty.
# ① 0x2D21  ② 0x2D22  ③ 0x2D23  ㈱ 0x2D6A  № 0x2D62  ㍉ 0x2D40  髙 0x7C62
NEC_AND_IBM = b'\x1b$B-!-"-#-j-b-@|b\x1b(B'


def test_iso_2022_jp_body_with_microsoft_extensions_reads_exactly() -> None:
    body = jis("ご請求書") + NEC_AND_IBM + jis("を送付します。\r\n株式会社テスト") + b"\r\n"
    msg = parse_message(text_mail("iso-2022-jp", body))
    assert msg.text == "ご請求書①②③㈱№㍉髙を送付します。\n株式会社テスト"
    assert msg.problems == ()


def test_iso_2022_jp_half_width_katakana_in_both_microsoft_forms() -> None:
    # CP50221 designates JIS X 0201 katakana (ESC ( I); CP50222 shifts to it (SO ... SI).
    body = b"\x1b(I6@6E\x1b(B and \x0e6@6E\x0f ok"  # ｶ 0x36, ﾀ 0x40, ﾅ 0x45
    msg = parse_message(text_mail("ISO-2022-JP", body))
    assert msg.text == "ｶﾀｶﾅ and ｶﾀｶﾅ ok"
    assert msg.problems == ()


def test_iso_2022_jp_with_jis_x_0212_falls_back_to_pythons_codec() -> None:
    # 丂 is only in JIS X 0212 (ESC $ ( D), which cp932 cannot hold.
    body = "丂と請求書".encode("iso2022_jp_2")
    assert b"\x1b$(D" in body
    assert decode_bytes(body, "iso-2022-jp") == decode_bytes(body, "iso-2022-jp-2")
    assert parse_message(text_mail("iso-2022-jp", body)).text == "丂と請求書"


def test_broken_iso_2022_jp_never_shows_escape_codes() -> None:
    # Half a pair, then a set nobody reads: replaced, the rest kept, and said.
    body = jis("請求") + b"\x1b$B%\x1b(B ok \x1b$(Q!!\x1b(B" + jis("です")
    msg = parse_message(text_mail("iso-2022-jp", body))
    assert msg.text == "請求\ufffd ok \ufffdです"
    assert "charset 'iso-2022-jp': unreadable characters replaced" in msg.problems


def test_shift_jis_body_labelled_iso_2022_jp_is_read_as_shift_jis() -> None:
    msg = parse_message(text_mail("iso-2022-jp", "①お見積りの件".encode("cp932")))
    assert msg.text == "①お見積りの件"
    assert "charset label 'iso-2022-jp' lied, decoded as shift_jis (cp932)" in msg.problems


# Labels mailers send that Python's codec registry does not know, or knows
# differently; each with text in the charset its senders mean.
REAL_WORLD_LABELS = [
    ("iso-gb2312", "请查看整体方案", "gb2312"),
    ("x-gbk", "转发：整体方案", "gbk"),
    ("gb_2312-80", "整体方案", "gb2312"),
    ("csgb231280", "整体方案", "gb2312"),
    ("ks_c_5601-1987", "견적서 요청드립니다", "euc_kr"),
    ("unicode-1-1-utf-7", "Grüße 中文", "utf-7"),
    ("cp-850", "Ñandú ½", "cp850"),
    ("utf8", "Grüße 中文", "utf-8"),
    ("latin-1", "Grüße aus Köln", "latin-1"),
    ("x-mac-roman", "Café crème", "mac_roman"),
    ("x-mac-cyrillic", "Добрый день", "mac_cyrillic"),
    ("x-mac-ukrainian", "Ґанок і їжак", "mac_cyrillic"),
    ("x-mac-ce", "Dobrý den, Łódź", "mac_latin2"),
    ("x-mac-centraleurroman", "Příliš žluťoučký kůň", "mac_latin2"),
    ("x-mac-greek", "Καλημέρα", "mac_greek"),
    ("x-mac-turkish", "Günaydın, Ayşe", "mac_turkish"),
    ("x-mac-icelandic", "Þórður Ólafsson", "mac_iceland"),
    ("x-mac-croatian", "Dobar dan, Đurđa Čačić", "mac_croatian"),
    ("x-mac-romanian", "Bună ziua, Ioana", "mac_romanian"),
    ("x-mac-arabic", "مرحبا", "mac_arabic"),
    ("x-mac-farsi", "سلام دوست", "mac_farsi"),
    ("x-mac-japanese", "見積書", "cp932"),
    ("x-mac-chinesetrad", "報價單", "big5"),
    ("x-mac-chinesesimp", "报价单", "gb2312"),
    ("x-mac-korean", "견적서", "euc_kr"),
    ("cp50221", "請求書", "iso2022_jp"),
    ("win-1251", "Счёт за услуги", "cp1251"),
    ("x-cp1250", "Dobrý den", "cp1250"),
    ("ibm-866", "Счёт", "cp866"),
    ("ms932", "①髙橋", "cp932"),
    ("x-euc-jp", "見積書", "euc_jp"),
]


@pytest.mark.parametrize(
    ("label", "text", "codec"), REAL_WORLD_LABELS, ids=[a[0] for a in REAL_WORLD_LABELS]
)
def test_body_in_a_real_world_label_reads_as_its_sender_meant(
    label: str, text: str, codec: str
) -> None:
    msg = parse_message(text_mail(label, text.encode(codec)))
    assert msg.text == text
    assert msg.problems == ()
