"""Auto-replies, bulk mail and bounces (classify.py)."""

from __future__ import annotations

from email import policy
from email.message import Message
from email.parser import BytesParser

import pytest

from chalicelib.channels.email.classify import auto_reply_reasons, delivery_status, is_bulk
from chalicelib.channels.email.headers_in import HeaderBlock
from chalicelib.channels.email.mime_in import parse_message

HUMAN = "anna@kund.example.se"


def headers(*fields: tuple[str, str]) -> HeaderBlock:
    return HeaderBlock(tuple(fields))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ((("Auto-Submitted", "auto-replied"),), "Auto-Submitted: auto-replied"),
        (
            (("Auto-Submitted", "Auto-Generated; owner-email=x@y"),),
            "Auto-Submitted: auto-generated",
        ),
        ((("Precedence", "bulk"),), "Precedence: bulk"),
        ((("Precedence", "List"),), "Precedence: list"),
        ((("Precedence", "junk"),), "Precedence: junk"),
        ((("Precedence", "auto_reply"),), "Precedence: auto_reply"),
        ((("X-Autoreply", "yes"),), "X-Autoreply present"),
        ((("X-Autorespond", "Away"),), "X-Autorespond present"),
        ((("X-Auto-Response-Suppress", "OOF, AutoReply"),), "X-Auto-Response-Suppress present"),
        ((("List-Id", "<drift.lists.example>"),), "mailing list (List-Id)"),
        ((("List-Unsubscribe", "<mailto:x@y>"),), "mailing list (List-Unsubscribe)"),
        ((("Return-Path", "<>"),), "empty Return-Path"),
        ((("X-Loop", "helpdesk@x"),), "X-Loop present"),
        ((("X-ServIT-Loop", "servit 1"),), "X-ServIT-Loop present"),
        (
            (("Content-Type", "multipart/report; report-type=delivery-status; boundary=x"),),
            "delivery status notification",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_machine_mail_is_recognised_by_its_headers(
    fields: tuple[tuple[str, str], ...], reason: str
) -> None:
    assert reason in auto_reply_reasons(headers(*fields), HUMAN)


@pytest.mark.parametrize(
    "sender",
    [
        "mailer-daemon@mx.example",
        "MAILER-DAEMON@mx.example",
        "postmaster@kund.example.se",
        "no-reply@shop.example",
        "noreply@shop.example",
        "no_reply@shop.example",
        "donotreply@bank.example",
        "do-not-reply@bank.example",
        "noreply+tag@shop.example",
    ],
)
def test_robot_senders_are_recognised_by_their_local_part(sender: str) -> None:
    assert auto_reply_reasons(headers(), sender.lower()) == (f"robot sender {sender.lower()}",)


@pytest.mark.parametrize(
    "fields",
    [
        (("Auto-Submitted", "no"),),
        (("Precedence", "first-class"),),
        (("Return-Path", "<anna@kund.example.se>"),),
        (("Subject", "Out of office? No, just a question"),),
    ],
)
def test_ordinary_mail_has_no_reasons(fields: tuple[tuple[str, str], ...]) -> None:
    assert auto_reply_reasons(headers(*fields), "noreplyer.anna@kund.example.se") == ()


def test_bulk_means_list_or_bulk_precedence_not_an_auto_reply() -> None:
    assert is_bulk(headers(("List-Id", "<x>")))
    assert is_bulk(headers(("Precedence", "bulk")))
    assert not is_bulk(headers(("Auto-Submitted", "auto-replied")))
    assert not is_bulk(headers(("Precedence", "auto_reply")))


REPORT = b"""From: MAILER-DAEMON@mx.example
To: support@servit.example
Subject: Undelivered Mail
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="R"

--R
Content-Type: text/plain

Could not deliver.
--R
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; ok@kund.example.se
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822;gone@kund.example.se
Action: failed
Status: %s
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--R
Content-Type: message/rfc822

From: support@servit.example
Message-ID: <Ticket-1.2@SERVIT.example>
Subject: hi

hi
--R--
"""


def test_failed_recipient_is_reported_over_delivered_ones() -> None:
    msg = BytesParser(policy=policy.default).parsebytes(REPORT % b"5.1.1")
    status = delivery_status(msg)
    assert status is not None
    assert (status.action, status.status, status.permanent) == ("failed", "5.1.1", True)
    assert status.final_recipient == "gone@kund.example.se"
    assert status.original_message_id == "Ticket-1.2@servit.example"
    assert status.diagnostic == "550 5.1.1 user unknown"


def test_status_4xx_is_transient() -> None:
    msg = BytesParser(policy=policy.default).parsebytes(REPORT % b"4.2.2 (mailbox full)")
    status = delivery_status(msg)
    assert status is not None
    assert (status.status, status.permanent) == ("4.2.2", False)


def test_mail_that_is_not_a_delivery_report_has_no_status() -> None:
    plain = BytesParser(policy=policy.default).parsebytes(b"From: a@b\nSubject: x\n\nhej\n")
    other_report = BytesParser(policy=policy.default).parsebytes(
        REPORT.replace(b"delivery-status;", b"disposition-notification;") % b"5.1.1"
    )
    assert delivery_status(plain) is None
    assert delivery_status(other_report) is None


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        (
            "multipart/report; report-type=disposition-notification; boundary=x",
            "read receipt (disposition notification)",
        ),
        (
            "multipart/report; report-type=feedback-report; boundary=x",
            "automatic report (feedback-report)",
        ),
        (
            'multipart/report; report-type="delivery-status"; boundary=x',
            "delivery status notification",
        ),
        (
            'multipart/report; report-type=disposition-notification; boundary="delivery-status-1"',
            "read receipt (disposition notification)",
        ),
        ("multipart/report; boundary=x", "automatic report (no report-type)"),
    ],
)
def test_every_report_is_automatic_and_named_by_its_report_type(
    content_type: str, reason: str
) -> None:
    assert auto_reply_reasons(headers(("Content-Type", content_type)), HUMAN) == (reason,)


def parsed(raw: bytes) -> Message:
    return BytesParser(policy=policy.default).parsebytes(raw)


WITHOUT_STATUS = b"""From: postmaster@kund.example.se
Subject: Delivery report
Content-Type: multipart/report; report-type=delivery-status; boundary="R"

--R
Content-Type: text/plain

Your message was delivered (we think).
--R
Content-Type: text/rfc822-headers

Message-ID: <Ticket-1.2@servit.example>
--R--
"""


def test_a_delivery_status_report_without_a_status_part_is_not_called_a_dsn() -> None:
    msg = parsed(WITHOUT_STATUS)
    fields = (("Content-Type", str(msg["Content-Type"])),)
    assert auto_reply_reasons(headers(*fields), HUMAN, msg) == (
        "automatic report (delivery-status without a status part)",
    )
    assert delivery_status(msg) is None
    real = parsed(REPORT % b"5.1.1")
    assert auto_reply_reasons(headers(*fields), HUMAN, real) == ("delivery status notification",)


def test_a_status_part_inside_the_returned_mail_does_not_make_a_dsn() -> None:
    # A report returning an earlier bounce: the inner status is not this report's.
    returned = (REPORT % b"5.1.1").replace(b'"R"', b'"Q"').replace(b"--R", b"--Q")
    raw = WITHOUT_STATUS.replace(
        b"--R--", b"--R\nContent-Type: message/rfc822\n\n" + returned + b"\n--R--"
    )
    assert delivery_status(parsed(raw)) is None


READ_RECEIPT = b"""From: Anna <anna@kund.example.se>
To: support@servit.example
Subject: =?utf-8?q?L=C3=A4st=3A?= Din faktura
Content-Type: multipart/report; report-type=disposition-notification; boundary="R"

--R
Content-Type: text/plain; charset=utf-8

Ditt meddelande till Anna har visats.
--R
Content-Type: message/disposition-notification

Reporting-UA: kund.example.se; Outlook
Final-Recipient: rfc822;anna@kund.example.se
Original-Message-ID: <Ticket-1.2@servit.example>
Disposition: manual-action/MDN-sent-manually; displayed

--R
Content-Type: text/rfc822-headers

Message-ID: <Ticket-1.2@servit.example>
Subject: Din faktura
--R--
"""
FEEDBACK = b"""From: abuse@isp.example
To: support@servit.example
Subject: Abuse report
Content-Type: multipart/report; report-type=feedback-report; boundary="R"

--R
Content-Type: text/plain

A user marked your mail as spam.
--R
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ISP-FBL/1.0
Version: 1

--R
Content-Type: message/rfc822

From: support@servit.example
Subject: Ditt arende

hej
--R--
"""


@pytest.mark.parametrize(
    ("raw", "text", "files", "reason"),
    [
        (
            READ_RECEIPT,
            "Ditt meddelande till Anna har visats.",
            ["disposition-notification.txt", "returned-headers.txt"],
            "read receipt (disposition notification)",
        ),
        (
            FEEDBACK,
            "A user marked your mail as spam.",
            ["feedback-report.txt", "Ditt arende.eml"],
            "automatic report (feedback-report)",
        ),
        (
            WITHOUT_STATUS,
            "Your message was delivered (we think).",
            ["returned-headers.txt"],
            "automatic report (delivery-status without a status part)",
        ),
    ],
    ids=["read_receipt", "feedback_report", "delivery_status_without_status"],
)
def test_reports_that_are_no_delivery_status_are_filed_as_ordinary_mail(
    raw: bytes, text: str, files: list[str], reason: str
) -> None:
    msg = parse_message(raw.replace(b"\n", b"\r\n"))
    assert msg.text == text
    assert [a.filename for a in msg.attachments] == files
    assert msg.dsn is None
    # Still automatic: a read receipt must not be acknowledged.
    assert msg.auto_reply
    assert reason in msg.auto_reply_reasons


def test_a_read_receipt_keeps_its_disposition_fields_in_the_file() -> None:
    msg = parse_message(READ_RECEIPT.replace(b"\n", b"\r\n"))
    assert b"Disposition: manual-action/MDN-sent-manually; displayed" in msg.attachments[0].payload
