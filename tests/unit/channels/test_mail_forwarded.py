"""Forwarded mails (message/rfc822 parts) as the agent reads them (embedded.py).

The forwarded mail is kept whole as an .eml file; its header block in the
history shows who sent it, when, its subject, and names its own attachments.
"""

from __future__ import annotations

import base64

import pytest

from chalicelib.channels.email.embedded import file_size
from chalicelib.channels.email.mime_in import parse_message

PDF = b"%PDF-1.4 " + b"0" * (12 * 1024 - 9)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 - 8)


def file_part(boundary: bytes, name: bytes, ctype: bytes, data: bytes, extra: bytes = b"") -> bytes:
    return (
        b"--" + boundary + b"\r\nContent-Type: " + ctype + b"\r\n" + extra
        + b'Content-Disposition: attachment; filename="' + name + b'"\r\n'
        + b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(data) + b"\r\n"
    )  # fmt: skip


def offer_mail(body_type: bytes = b"text/plain", body: bytes = b"Hej, offerten bifogas.") -> bytes:
    return (
        b"From: Cecilia Lund <cecilia@lev.example>\r\nTo: bo@kund.example.se\r\n"
        b"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nSubject: Offert\r\n"
        b'Content-Type: multipart/mixed; boundary="inner"\r\n\r\n'
        b"--inner\r\nContent-Type: " + body_type + b"; charset=utf-8\r\n\r\n" + body + b"\r\n"
        + file_part(b"inner", b"offert.pdf", b"application/pdf", PDF)
        + file_part(b"inner", b"bild.png", b"image/png", PNG)
        + b"--inner--\r\n"
    )  # fmt: skip


def forward(inner: bytes, subject: bytes = b"Fwd: Offert", note: bytes = b"Se nedan.") -> bytes:
    return (
        b"From: Bo <bo@kund.example.se>\r\nTo: support@servit.example\r\nSubject: " + subject
        + b'\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n'
        b"--outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + note + b"\r\n"
        b"--outer\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--outer--\r\n"
    )  # fmt: skip


def test_the_forwarded_header_names_sender_date_subject_and_files() -> None:
    msg = parse_message(forward(offer_mail()))

    assert msg.text == (
        "Se nedan.\n\n"
        "---------- Forwarded message ----------\n"
        "From: Cecilia Lund <cecilia@lev.example>\n"
        "Date: Mon, 2 Mar 2026 09:00:00 +0100\n"
        "Subject: Offert\n"
        "To: bo@kund.example.se\n"
        "Attachments: offert.pdf (12 KB), bild.png (3 KB)\n\n"
        "Hej, offerten bifogas."
    )


def test_the_forwarded_files_stay_inside_the_kept_eml() -> None:
    msg = parse_message(forward(offer_mail()))

    [eml] = msg.attachments
    assert (eml.filename, eml.content_type) == ("Offert.eml", "message/rfc822")
    inner = parse_message(eml.payload)
    assert [(a.filename, a.payload) for a in inner.attachments] == [
        ("offert.pdf", PDF),
        ("bild.png", PNG),
    ]


def test_the_header_block_in_the_html_names_the_files_too() -> None:
    inner = offer_mail(b"text/html", b"<p>Hej, <b>offerten</b> bifogas.</p>")
    msg = parse_message(forward(inner))

    assert "Attachments: offert.pdf (12 KB), bild.png (3 KB)</pre>" in msg.html_sanitised
    assert "<b>offerten</b>" in msg.html_sanitised


def test_nested_forwards_each_name_their_own_files() -> None:
    middle = (
        forward(offer_mail(), b"Fwd: Offert", "Kolla den här.".encode())
        .replace(b"From: Bo <bo@kund.example.se>", b"From: Dan <dan@kund.example.se>")
        .replace(b"outer", b"middle")  # a boundary of its own
    )
    msg = parse_message(forward(middle, b"Fwd: Fwd: Offert"))

    outer_block, inner_block = msg.text.split("---------- Forwarded message ----------")[1:]
    assert "From: Dan <dan@kund.example.se>" in outer_block
    assert "Attachments: Offert.eml (21 KB)" in outer_block
    assert "Kolla den här." in outer_block
    assert "Attachments: offert.pdf (12 KB), bild.png (3 KB)" in inner_block
    assert msg.text.endswith("Hej, offerten bifogas.")
    assert [a.filename for a in msg.attachments] == ["Fwd_ Offert.eml"]


def test_inline_images_of_the_forwarded_html_are_not_listed_as_files() -> None:
    inner = (
        b"From: c@lev.example\r\nSubject: Logga\r\n"
        b'Content-Type: multipart/related; boundary="rel"\r\n\r\n'
        b'--rel\r\nContent-Type: text/html\r\n\r\n<p>Se <img src="cid:logo@lev"></p>\r\n'
        b"--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@lev>\r\n"
        b"Content-Disposition: inline\r\n\r\nPNG\r\n--rel--\r\n"
    )
    msg = parse_message(forward(inner, b"Fwd: Logga"))

    assert "Attachments:" not in msg.text
    assert "Subject: Logga\n\nSe" in msg.text


def test_a_forward_with_many_files_names_twenty_and_counts_the_rest() -> None:
    files = b"".join(
        file_part(b"inner", b"f%02d.txt" % n, b"text/plain", b"x" * 100) for n in range(25)
    )
    inner = (
        b'From: c@lev.example\r\nSubject: Filer\r\nContent-Type: multipart/mixed; boundary="inner"'
        b"\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nMany files.\r\n"
        + files
        + b"--inner--\r\n"
    )
    msg = parse_message(forward(inner, b"Fwd: Filer"))

    [line] = [line for line in msg.text.splitlines() if line.startswith("Attachments:")]
    assert line.startswith("Attachments: f00.txt (100 bytes), f01.txt (100 bytes),")
    assert line.endswith("f19.txt (100 bytes), and 5 more")


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1 KB"),
        (12_800, "12 KB"),
        (3_500_000, "3.3 MB"),
    ],
)
def test_file_sizes_read_as_mail_clients_show_them(size: int, shown: str) -> None:
    assert file_size(size) == shown
