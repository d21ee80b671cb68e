"""Auto-replies, bulk mail and bounces (classify.py)."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest

from chalicelib.channels.classify import auto_reply_reasons, delivery_status, is_bulk
from chalicelib.channels.headers_in import HeaderBlock

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
