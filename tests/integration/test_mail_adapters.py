"""S3 blob store, SES v2 mailer and the SNS-triggered intake handler under moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

import app
from chalicelib import bootstrap
from chalicelib.adapters.blobs_s3 import S3BlobStore
from chalicelib.adapters.mail_ses import SesMailer
from chalicelib.domain.errors import NotFoundError
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from chalicelib.services.ports import OutgoingMail
from tests.support import FrozenClock, fake_services, seed_helpdesk

REGION = "eu-north-1"
BUCKET = "servit-test-mail"


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield


def test_s3_blob_store_round_trips_bytes_and_reports_missing_keys(aws: None) -> None:
    store = S3BlobStore(boto3.client("s3", region_name=REGION), BUCKET)
    store.put("attachments/e1/0", b"\x00\xffbinary", "application/pdf")
    assert store.get("attachments/e1/0") == b"\x00\xffbinary"
    assert store.exists("attachments/e1/0") and not store.exists("attachments/e1/1")
    with pytest.raises(NotFoundError):
        store.get("attachments/e1/1")


def test_ses_mailer_sends_the_raw_message_to_every_envelope_recipient(aws: None) -> None:
    ses = boto3.client("sesv2", region_name=REGION)
    ses.create_email_identity(EmailIdentity="kundtjanst@example.com")
    raw = b"From: kundtjanst@example.com\r\nTo: kund@example.se\r\nSubject: Hej\r\n\r\nText\r\n"
    provider_id = SesMailer(ses).send(
        OutgoingMail(
            "kundtjanst@example.com", ("kund@example.se", "hidden@example.se"), raw, "x@servit.test"
        )
    )
    assert provider_id
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert len(sent) == 1
    assert set(sent[0].destinations) == {"kund@example.se", "hidden@example.se"}
    assert "Subject: Hej" in sent[0].raw_data


def ses_notification(key: str, recipients: list[str]) -> dict[str, Any]:
    """The shape SES publishes to SNS after its S3 action stored a received mail."""
    return {
        "notificationType": "Received",
        "mail": {"source": "kund@example.se", "destination": recipients, "messageId": "ses-1"},
        "receipt": {
            "recipients": recipients,
            "action": {"type": "S3", "topicArn": "arn:aws:sns:eu-north-1:123456789012:servit-inbound-mail",
                       "bucketName": BUCKET, "objectKey": key},
        },
    }  # fmt: skip


@pytest.fixture
def s3_services(aws: None) -> Iterator[Services]:
    svc = fake_services(FrozenClock())
    svc.blobs = S3BlobStore(boto3.client("s3", region_name=REGION), BUCKET)
    seed_helpdesk(svc)
    bootstrap.use(svc)
    yield svc
    bootstrap.use(None)


RAW = (
    b"From: Kund <kund@example.se>\r\nTo: kundtjanst@example.com\r\nSubject: Trasig skrivare\r\n"
    b"Message-ID: <sns-1@example.se>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDen skriver inte ut.\r\n"
)


def test_an_ses_notification_turns_the_stored_mail_into_a_ticket_once(
    s3_services: Services,
) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/abc", Body=RAW)
    message = json.dumps(ses_notification("inbound/abc", ["kundtjanst@example.com"]))
    with Client(app.app) as client:
        event = client.events.generate_sns_event(
            message=message, subject="Amazon SES Email Receipt"
        )
        client.lambda_.invoke("inbound_mail", event)
        client.lambda_.invoke("inbound_mail", event)  # SNS delivers at least once
    log = s3_services.mail_log.by_message_id("sns-1@example.se")
    assert sorted(e.outcome.value for e in log) == ["created", "ignored"]
    ticket = s3_services.tickets.get(next(e.ticket_id for e in log if e.outcome.value == "created"))
    assert ticket.title == "Trasig skrivare"


def test_a_notification_that_is_not_a_stored_mail_is_ignored(s3_services: Services) -> None:
    with Client(app.app) as client:
        event = client.events.generate_sns_event(message=json.dumps({"notificationType": "Bounce"}))
        client.lambda_.invoke("inbound_mail", event)
    assert s3_services.mail_log.quarantined() == []


def _verdicts(notification: dict[str, Any], *, spam: str, virus: str) -> dict[str, Any]:
    receipt = {**notification["receipt"], "spamVerdict": {"status": spam},
               "virusVerdict": {"status": virus}, "spfVerdict": {"status": "PASS"}}  # fmt: skip
    return {**notification, "receipt": receipt}


@pytest.mark.parametrize(
    ("spam", "virus", "held_for"),
    [("PASS", "FAIL", "virus"), ("FAIL", "PASS", "spam"), ("FAIL", "FAIL", "virus")],
)
def test_mail_ses_flags_waits_in_quarantine_once_and_replay_files_it(
    s3_services: Services, spam: str, virus: str, held_for: str
) -> None:
    # Given a stored mail whose SES receipt says its scan failed
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/bad", Body=RAW)
    notification = ses_notification("inbound/bad", ["kundtjanst@example.com"])
    message = json.dumps(_verdicts(notification, spam=spam, virus=virus))

    # When SNS delivers the notification (twice: at least once)
    with Client(app.app) as client:
        event = client.events.generate_sns_event(message=message)
        client.lambda_.invoke("inbound_mail", event)
        client.lambda_.invoke("inbound_mail", event)

    # Then no ticket was opened; one quarantine entry says why, and knows the sender
    [held] = s3_services.mail_log.quarantined()
    assert held_for in held.reason
    assert (held.sender, held.subject) == ("kund@example.se", "Trasig skrivare")
    assert s3_services.lookups.get("contact_email#kund@example.se") is None  # nothing filed
    # And an admin who judges it harmless replays it into a ticket
    replayed = mail_intake.replay(s3_services, held.id)
    assert replayed.outcome.value == "created"
    assert s3_services.tickets.get(replayed.ticket_id or "").title == "Trasig skrivare"


def test_mail_that_passed_or_was_not_scanned_is_filed(s3_services: Services) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="inbound/ok", Body=RAW)
    notification = ses_notification("inbound/ok", ["kundtjanst@example.com"])
    message = json.dumps(_verdicts(notification, spam="GRAY", virus="PROCESSING_FAILED"))
    with Client(app.app) as client:
        client.lambda_.invoke("inbound_mail", client.events.generate_sns_event(message=message))
    [entry] = s3_services.mail_log.by_message_id("sns-1@example.se")
    assert entry.outcome.value == "created"
