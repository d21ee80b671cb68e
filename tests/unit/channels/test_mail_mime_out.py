"""Outbound MIME (mime_out.py): structure, threading headers, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.channels.email.errors import HeaderInjectionError
from chalicelib.channels.email.mime_in import parse_message
from chalicelib.channels.email.mime_out import (
    InlineImage,
    OutboundAttachment,
    OutboundMail,
    build_message,
    envelope_recipients,
    make_message_id,
    to_bytes,
)
from chalicelib.domain.errors import ValidationError

STOCKHOLM = timezone(timedelta(hours=1))
LOGO = b"\x89PNG\r\n\x1a\nlogo"


def a_mail(**changes: object) -> OutboundMail:
    mail = OutboundMail(
        from_addr="support@servit.example",
        from_name="ServIT Support",
        to=("anna@kund.example.se",),
        subject="[#10042] Ditt ärende",
        text="Hej Anna,\n\nvi har tagit emot ditt ärende.\n",
        message_id="<ticket-10042.8@servit.example>",
        date=datetime(2026, 11, 28, 10, 0, tzinfo=STOCKHOLM),
    )
    return replace(mail, **changes)  # type: ignore[arg-type]


def test_plain_reply_carries_threading_headers_and_reads_back() -> None:
    mail = a_mail(
        in_reply_to="CAF123@mail.gmail.com",
        references=("req-1@kund.example.se", "<CAF123@mail.gmail.com>"),
        cc=("boss@kund.example.se",),
        reply_to=("support+10042@servit.example",),
    )
    raw = to_bytes(build_message(mail))
    parsed = parse_message(raw)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert parsed.message_id == "ticket-10042.8@servit.example"
    assert parsed.in_reply_to == "CAF123@mail.gmail.com"
    assert parsed.references == ("req-1@kund.example.se", "CAF123@mail.gmail.com")
    assert parsed.cc == ("boss@kund.example.se",)
    assert parsed.reply_to == ("support+10042@servit.example",)
    assert parsed.subject == "[#10042] Ditt ärende"
    assert parsed.date == mail.date
    assert parsed.text == "Hej Anna,\n\nvi har tagit emot ditt ärende."


def test_body_is_sent_seven_bit_clean() -> None:
    raw = to_bytes(build_message(a_mail(text="Räksmörgås 中文 " * 40)))
    assert raw.isascii()


def test_non_ascii_display_name_and_subject_are_encoded_words() -> None:
    raw = to_bytes(build_message(a_mail(from_name="Åsa Öberg, Support", subject="Fråga 中文")))
    head = raw.split(b"\r\n\r\n")[0]
    assert b"=?utf-8?" in head
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.subject) == ("Åsa Öberg, Support", "Fråga 中文")


def test_html_with_inline_logo_and_attachment_has_the_usual_layout() -> None:
    mail = a_mail(
        html='<p>Hej</p><img src="cid:logo.1@servit.example">',
        inline_images=(InlineImage("logo.1@servit.example", "logo.png", "image/png", LOGO),),
        attachments=(OutboundAttachment("Räkning.pdf", "application/pdf", b"%PDF-1.4"),),
    )
    msg = build_message(mail)
    layout = [part.get_content_type() for part in msg.walk()]
    assert layout == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "application/pdf",
    ]
    parsed = parse_message(to_bytes(msg), attachment_url=lambda i, a: f"/files/{a.filename}")
    assert [(a.filename, a.content_id, a.inline) for a in parsed.attachments] == [
        ("logo.png", "logo.1@servit.example", True),
        ("Räkning.pdf", None, False),
    ]
    assert '<img src="/files/logo.png">' in parsed.html_sanitised


def test_automatic_mail_is_marked_so_robots_do_not_answer_it() -> None:
    msg = build_message(a_mail(auto_submitted=True, loop_header="servit.example 10042"))
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["X-ServIT-Loop"] == "servit.example 10042"
    parsed = parse_message(to_bytes(msg))
    assert parsed.auto_reply
    assert parsed.loop_header == "servit.example 10042"


def test_human_reply_has_no_auto_submitted_header() -> None:
    msg = build_message(a_mail())
    assert msg["Auto-Submitted"] is None
    assert msg["X-ServIT-Loop"] is None


def test_bcc_goes_to_the_envelope_but_never_into_the_message() -> None:
    mail = a_mail(cc=("Boss@Kund.example.se",), bcc=("secret@kund.example.se",))
    raw = to_bytes(build_message(mail))
    assert b"secret@" not in raw
    assert envelope_recipients(mail) == (
        "anna@kund.example.se",
        "boss@kund.example.se",
        "secret@kund.example.se",
    )


INJECTIONS = {
    "subject": {"subject": "Hej\r\nBcc: victim@evil.example"},
    "subject_lf": {"subject": "Hej\nX-Evil: 1"},
    "from_name": {"from_name": "Eve\r\nBcc: victim@evil.example"},
    "from_addr": {"from_addr": "eve@evil.example\r\nBcc: x@y"},
    "to": {"to": ("anna@kund.example.se\nBcc: x@y",)},
    "cc": {"cc": ("x@y\r",)},
    "bcc": {"bcc": ("x@y\n",)},
    "reply_to": {"reply_to": ("x@y\r\nX: 1",)},
    "message_id": {"message_id": "<a@b>\r\nBcc: x@y"},
    "in_reply_to": {"in_reply_to": "a@b\nX: 1"},
    "references": {"references": ("a@b", "c@d\r\nX: 1")},
    "loop_header": {"loop_header": "x\r\nBcc: y@z"},
    "attachment_name": {"attachments": (OutboundAttachment("a\r\n.pdf", "application/pdf", b""),)},
    "attachment_type": {
        "attachments": (OutboundAttachment("a.pdf", "application/pdf\r\nX: 1", b""),)
    },
    "unicode_line_separator": {"subject": "Hej\u2028Bcc: x@y"},
    "next_line_control": {"from_name": "Eve\x85Bcc"},
}


@pytest.mark.parametrize("changes", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_line_breaks_in_any_header_value_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(HeaderInjectionError):
        build_message(a_mail(**changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"to": ("not an address",)},
        {"from_addr": "anna@kund.example.se, eve@evil.example"},
        {"message_id": "no-at-sign"},
        {"date": datetime(2026, 11, 28, 10, 0)},
        {"attachments": (OutboundAttachment("a.pdf", "pdf", b""),)},
        {"inline_images": (InlineImage("x@y", "a.png", "image/png", b""),)},
    ],
    ids=["bad_to", "two_senders", "bad_message_id", "naive_date", "bad_type", "images_no_html"],
)
def test_invalid_values_are_refused_as_validation_errors(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        build_message(a_mail(**changes))


def test_message_id_is_made_from_unique_part_and_domain() -> None:
    assert make_message_id("ServIT.example", "ticket-10042.8") == "<ticket-10042.8@servit.example>"
    with pytest.raises(ValidationError):
        make_message_id("servit.example", "a b")
    with pytest.raises(ValidationError):
        make_message_id("servit.example>", "x")


def test_long_subject_and_many_recipients_fold_into_short_lines() -> None:
    recipients = tuple(f"person{i}@kund.example.se" for i in range(12))
    mail = a_mail(subject="Ett mycket långt ämne " * 10, to=recipients)
    raw = to_bytes(build_message(mail))
    head = raw.split(b"\r\n\r\n")[0]
    assert max(len(line) for line in head.split(b"\r\n")) <= 78
    assert parse_message(raw).to == recipients
