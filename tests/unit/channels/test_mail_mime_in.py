"""Parsing received mail (mime_in.py): limits, URLs, refusals, robustness."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.channels.email.errors import MailParseError
from chalicelib.channels.email.mime_in import parse_message
from chalicelib.channels.message import InboundAttachment
from chalicelib.domain.errors import ValidationError


def mail_with_attachments(count: int) -> bytes:
    parts = b"".join(
        b"--B\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="f%d.bin"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" % i + base64.b64encode(b"x%d" % i) + b"\r\n"
        for i in range(count)
    )
    head = b'From: a@kund.example.se\r\nSubject: Filer\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
    return head + b"--B\r\nContent-Type: text/plain\r\n\r\nMany files.\r\n" + parts + b"--B--\r\n"


def test_attachments_over_the_limit_are_dropped_and_reported() -> None:
    msg = parse_message(mail_with_attachments(5), max_attachments=3)
    assert [a.filename for a in msg.attachments] == ["f0.bin", "f1.bin", "f2.bin"]
    assert "2 attachments over the limit of 3 dropped" in msg.problems


def test_attachment_size_is_the_decoded_payload_length() -> None:
    msg = parse_message(mail_with_attachments(1))
    assert msg.attachments[0].payload == b"x0"
    assert msg.attachments[0].size == 2


def test_sizes_of_the_whole_mail_and_its_header_section_are_kept() -> None:
    raw = b"From: a@b.se\r\nSubject: S\r\n\r\nBody\r\n"
    msg = parse_message(raw)
    assert msg.size == len(raw)
    assert msg.headers_raw_size == len(b"From: a@b.se\r\nSubject: S\r\n\r\n")


def test_inline_images_are_linked_through_the_callers_urls() -> None:
    raw = (
        b'From: a@b.se\r\nContent-Type: multipart/related; boundary="R"\r\n\r\n'
        b'--R\r\nContent-Type: text/html\r\n\r\n<p>Logga:<img src="cid:l1@b.se"></p>\r\n'
        b"--R\r\nContent-Type: image/png\r\nContent-ID: <l1@b.se>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--R--\r\n"
    )

    def url(index: int, attachment: InboundAttachment) -> str:
        return f"/api/tickets/T1/attachments/{index}"

    linked = parse_message(raw, attachment_url=url)
    unlinked = parse_message(raw)
    assert '<img src="/api/tickets/T1/attachments/0">' in linked.html_sanitised
    assert "<img" not in unlinked.html_sanitised
    assert 'src="cid:l1@b.se"' in unlinked.html_raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\r\n ", "empty"),
        (b"\x00\x01\x02\x03binary\x00\xff" * 20, "binary data"),
        (b"Just a line of text\nand another\n", "no mail headers"),
        (b"Foo: bar\nBaz: qux\n\nbody\n", "no mail headers"),
    ],
    ids=["empty", "blank", "binary", "prose", "unknown_headers"],
)
def test_bytes_that_are_no_mail_raise_a_clear_validation_error(raw: bytes, reason: str) -> None:
    with pytest.raises(MailParseError, match=reason) as caught:
        parse_message(raw)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.code == "mail_unparseable"


def test_sender_falls_back_to_sender_header_when_from_is_missing() -> None:
    msg = parse_message(b"Sender: Robot <Robot@Kund.example.se>\r\nSubject: x\r\n\r\nhej\r\n")
    assert (msg.from_addr, msg.from_name) == ("robot@kund.example.se", "Robot")


def test_nesting_deeper_than_the_limit_keeps_the_inner_parts_as_files() -> None:
    depth = 30
    raw = b"From: a@b.se\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
    for level in range(1, depth):
        raw += b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (level - 1, level)
    raw += b"--b%d\r\nContent-Type: text/plain\r\n\r\ndeep\r\n" % (depth - 1)
    msg = parse_message(raw)
    assert any("nesting deeper" in p for p in msg.problems)
    assert len(msg.attachments) == 1


MAIL_PIECES = [
    b"From: a@b\r\n",
    b"Subject: =?utf-8?b?w6Q?=\r\n",
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b'Content-Type: multipart/alternative; boundary="y"\r\n',
    b"Content-Type: message/rfc822\r\n",
    b"Content-Type: text/html; charset=koi8-r\r\n",
    b'Content-Type: text/plain; charset="utf-8\r\n',
    b'Content-Type: ;;;;="\r\n',
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n",
    b"Content-Type: message/delivery-status\r\n",
    b"Content-Type: multipart/signed; boundary=x\r\n",
    b"Content-Type: application/pkcs7-mime\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Disposition: attachment; filename*0*=utf-8''%C3; filename*1=\"a\"\r\n",
    b"\r\n",
    b"--x\r\n",
    b"--x--\r\n",
    b"--y\r\n",
    b" folded\r\n",
    b"begin 644 f.txt\r\nM86)C\r\nend\r\n",
    b"-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA1\r\n\r\n",
    b"-----BEGIN PGP SIGNATURE-----\r\nabc\r\n-----END PGP SIGNATURE-----\r\n",
    b"Status: 5.1.1\r\nAction: failed\r\n",
    b"Precedence: ;\r\nAuto-Submitted:\r\nReturn-Path:\r\n",
    b"Date: Mon, 99 Foo 20262 99:99:99 +9999\r\n",
    b"\xff\xfe\xc3",
    b"=?x?q?=ZZ?=",
    b"<b>hi<img src=cid:a></b>",
    b"SGVsbG8=\r\n",
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MAIL_PIECES), max_size=40).map(b"".join) | st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_mail_parse_error(raw: bytes) -> None:
    try:
        msg = parse_message(raw)
    except MailParseError:
        return
    assert "<script" not in msg.html_sanitised
    assert msg.size == len(raw)


def _eight_bit_boundary_mail(boundary: str, quoted: bool = True) -> bytes:
    param = f'"{boundary}"' if quoted else boundary
    return (
        "From: Märta <marta@kund.example>\r\nTo: kundtjanst@servit.example\r\n"
        "Subject: Fakturan\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary={param}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hej, fakturan från mars är fel.\r\n"
        f"--{boundary}\r\nContent-Type: application/pdf; name=faktura.pdf\r\n"
        "Content-Disposition: attachment; filename=faktura.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.b64encode(b'%PDF-1.4 test').decode()}\r\n"
        f"--{boundary}--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("boundary", "quoted"), [("gräns-ÅÄÖ-1", True), ("gräns", False), ("границя=_42", True)]
)
def test_an_8_bit_boundary_still_finds_every_part(boundary: str, quoted: bool) -> None:
    msg = parse_message(_eight_bit_boundary_mail(boundary, quoted))

    assert "fakturan från mars är fel" in msg.text
    assert [a.filename for a in msg.attachments] == ["faktura.pdf"]
    assert msg.attachments[0].size == len(b"%PDF-1.4 test")
    assert any("8-bit MIME boundary" in p for p in msg.problems)


def test_an_ascii_boundary_is_left_as_it_is() -> None:
    msg = parse_message(_eight_bit_boundary_mail("plain-boundary-7"))
    assert "fakturan från mars är fel" in msg.text
    assert not any("8-bit" in p for p in msg.problems)
