"""Raw header bytes in charsets nobody declared (header_bytes.py, through parse_message).

Every mail here is made up for these tests and built as bytes, the way a
mailer that skips RFC 2047 encoded words sends it.
"""

from __future__ import annotations

import base64
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.channels.email import iso2022jp_ms
from chalicelib.channels.email.header_bytes import decode_header_bytes
from chalicelib.channels.email.mime_in import parse_message

SUBJECT_NOTE = "raw 8-bit bytes in header 'Subject', decoded as"


def mail(subject: bytes, *parts: tuple[str, bytes], head: bytes = b"") -> bytes:
    """A mail with a raw Subject and one text/plain part per (charset, body)."""
    top = (
        b"From: Kund <kund@example.com>\r\nTo: support@example.org\r\n"
        b"Subject: " + subject + b"\r\n" + head + b"MIME-Version: 1.0\r\n"
    )
    if len(parts) == 1:
        charset, body = parts[0]
        return top + b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n\r\n" + body
    out = top + b'Content-Type: multipart/mixed; boundary="sep"\r\n\r\n'
    for charset, body in parts:
        out += b"--sep\r\nContent-Type: text/plain; charset=" + charset.encode() + b"\r\n\r\n"
        out += body + b"\r\n"
    return out + b"--sep--\r\n"


def test_raw_gb2312_subject_of_a_forward_is_read_by_the_part_that_declares_gb2312() -> None:
    # The forwarding wrapper is Latin-1; the forwarded text (and the subject) are GB2312.
    raw = mail(
        "转发：整体方案".encode("gb2312"),
        ("iso-8859-1", "Weitergeleitet, siehe unten. Grüße".encode("latin-1")),
        ("gb2312", "请查看整体方案的附件。".encode("gb2312")),
    )
    msg = parse_message(raw)
    assert msg.subject == "转发：整体方案"
    assert "Weitergeleitet, siehe unten. Grüße" in msg.text
    assert "请查看整体方案的附件。" in msg.text
    assert f"{SUBJECT_NOTE} gb18030 (gbk)" in msg.problems


def test_raw_shift_jis_subject_on_an_iso_2022_jp_mail_is_read_as_shift_jis() -> None:
    # ISO-2022-JP is 7-bit: raw bytes beside it are one of its 8-bit siblings.
    raw = mail("ツール".encode("cp932"), ("iso-2022-jp", "ツールの件です。".encode("iso2022_jp")))
    msg = parse_message(raw)
    assert msg.subject == "ツール"
    assert msg.text == "ツールの件です。"
    assert f"{SUBJECT_NOTE} shift_jis (cp932)" in msg.problems


def test_raw_euc_jp_subject_on_an_iso_2022_jp_mail_is_read_as_euc_jp() -> None:
    raw = mail(
        "お問い合わせの件".encode("euc_jp"),
        ("iso-2022-jp", "よろしくお願いします。".encode("iso2022_jp")),
    )
    msg = parse_message(raw)
    assert msg.subject == "お問い合わせの件"
    assert f"{SUBJECT_NOTE} euc-jp" in msg.problems


def test_raw_iso_2022_jp_subject_without_encoded_words_is_decoded() -> None:
    # "Re: ツール①" with the escapes written out: ツ 0x2544, ー 0x213C, ル 0x256B,
    # ① 0x2D21 (NEC row 13, which the strict codec rejects).
    subject = b"Re: \x1b$B%D!<%k-!\x1b(B"
    msg = parse_message(mail(subject, ("us-ascii", b"See the subject.")))
    assert msg.subject == "Re: ツール①"
    assert "raw ISO-2022 text in header 'Subject', decoded as iso-2022-jp" in msg.problems


def test_iso_2022_jp_encoded_word_with_microsoft_extensions_is_decoded() -> None:
    # Outlook's "=?iso-2022-jp?B?...?=" for "①打合せ": ① is NEC row 13 (0x2D21).
    payload = b"\x1b$B-!\x1b(B" + "打合せ".encode("iso2022_jp")
    subject = b"=?iso-2022-jp?B?" + base64.b64encode(payload) + b"?="
    msg = parse_message(mail(subject, ("iso-2022-jp", "よろしく".encode("iso2022_jp"))))
    assert msg.subject == "①打合せ"
    assert msg.problems == ()


def test_raw_utf8_subject_stays_utf8_even_when_the_body_says_latin1() -> None:
    raw = mail("Grüße – 中文附件".encode(), ("iso-8859-1", "Grüße".encode("latin-1")))
    msg = parse_message(raw)
    assert msg.subject == "Grüße – 中文附件"
    assert msg.problems == ()  # RFC 6532 allows raw UTF-8: nothing was guessed


def test_raw_latin1_subject_is_not_taken_for_gbk_though_gbk_would_decode_it() -> None:
    # "für" and "März" are valid GBK byte pairs ("f黵", "M鋜z"); the Latin reading wins.
    raw = mail(
        "Re: Rechnung für März".encode("latin-1"),
        ("gb2312", "请查看附件。".encode("gb2312")),
        ("iso-8859-1", b"Danke."),
    )
    msg = parse_message(raw)
    assert msg.subject == "Re: Rechnung für März"
    assert f"{SUBJECT_NOTE} windows-1252" in msg.problems


def test_charset_of_an_encoded_word_counts_as_declared() -> None:
    # Only the encoded Subject names GB2312; the raw display name in From uses it too.
    raw = mail(
        b"=?gb2312?B?" + base64.b64encode("报价单".encode("gb2312")) + b"?=",
        ("us-ascii", b"Hello"),
    ).replace(b"From: Kund", b"From: " + "王小明".encode("gb2312"))
    msg = parse_message(raw)
    assert msg.subject == "报价单"
    assert msg.from_name == "王小明"
    assert "raw 8-bit bytes in header 'From', decoded as gb18030 (gbk)" in msg.problems


def test_header_bytes_no_declared_charset_fits_are_guessed_by_the_detector_and_noted() -> None:
    # Windows-1251 Cyrillic on a mail that declares only UTF-8 and US-ASCII.
    raw = mail(
        "Счёт за услуги связи, октябрь".encode("cp1251"),
        ("utf-8", "Добрый день!".encode()),
        ("us-ascii", b"--"),
    )
    msg = parse_message(raw)
    assert msg.subject == "Счёт за услуги связи, октябрь"
    assert f"{SUBJECT_NOTE} windows-1251 (guessed: no declared charset fits)" in msg.problems


def test_raw_latin1_subject_with_no_declared_charset_still_reads_as_windows_1252() -> None:
    raw = (
        b"From: kund@example.com\r\nSubject: "
        + "Rückfrage zur Lieferung – “dringend”".encode("cp1252")
        + b"\r\n\r\nHallo\r\n"
    )
    msg = parse_message(raw)
    assert msg.subject == "Rückfrage zur Lieferung – “dringend”"
    assert f"{SUBJECT_NOTE} windows-1252" in msg.problems


def test_the_detector_is_not_imported_for_mail_without_undecodable_header_bytes() -> None:
    # Lambda cold start: charset-normalizer costs ~0.1 s to import.
    script = (
        "import sys\n"
        "from chalicelib.channels.email.mime_in import parse_message\n"
        "raw = 'From: a@example.com\\r\\nSubject: Grüße\\r\\n"
        "Content-Type: text/plain; charset=iso-2022-jp\\r\\n\\r\\nhej\\r\\n'.encode()\n"
        "assert parse_message(raw).subject == 'Grüße'\n"
        "assert 'charset_normalizer' not in sys.modules, 'imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


LABELS = st.sampled_from(["gb2312", "iso-2022-jp", "iso-8859-1", "utf-8", "x-klingon", "utf-16"])


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=80), st.lists(LABELS, max_size=4))
def test_header_bytes_always_decode_to_text(data: bytes, declared: list[str]) -> None:
    text, _note = decode_header_bytes("Subject", data, declared)
    assert isinstance(text, str)


@given(st.binary(max_size=120))
def test_iso_2022_jp_reading_with_replacement_never_raises(data: bytes) -> None:
    assert isinstance(iso2022jp_ms.decode(data, "replace"), str)
