"""The SMS senders (issue 13): End User Messaging's SendTextMessage as botocore's own model of
the service checks it (a Stubber validates every parameter name and type), and the local
outbox's files."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
from botocore.stub import Stubber

from chalicelib.adapters.sms_eum import EndUserMessagingSms
from chalicelib.adapters.sms_outbox import LocalSmsOutbox
from chalicelib.services.ports import OutgoingSms

IDENTITY = "arn:aws:sms-voice:eu-north-1:123456789012:phone-number/phone-0123456789abcdef"


def test_a_text_is_sent_from_the_configured_identity_with_the_configuration_set() -> None:
    client = boto3.client(
        "pinpoint-sms-voice-v2", region_name="eu-north-1",
        aws_access_key_id="x", aws_secret_access_key="x",
    )  # fmt: skip
    sender = EndUserMessagingSms(
        lambda: client, origination_identity=IDENTITY, configuration_set="servit-texts"
    )
    with Stubber(client) as stub:
        stub.add_response(
            "send_text_message",
            {"MessageId": "ed23196c-75ce-4727-93ee-7bf72b64998f"},
            {
                "DestinationPhoneNumber": "+46701234567",
                "MessageBody": "Hej! Tekniker kommer i morgon.",
                "MessageType": "TRANSACTIONAL",
                "OriginationIdentity": IDENTITY,
                "ConfigurationSetName": "servit-texts",
                "Context": {"reference": "T1|E1"},
            },
        )
        provider_id = sender.send(
            OutgoingSms("+46701234567", "Hej! Tekniker kommer i morgon.", "T1|E1")
        )
        stub.assert_no_pending_responses()
    assert provider_id == "ed23196c-75ce-4727-93ee-7bf72b64998f"


def test_a_response_points_own_number_is_the_origination_when_it_has_one() -> None:
    client = boto3.client(
        "pinpoint-sms-voice-v2", region_name="eu-north-1",
        aws_access_key_id="x", aws_secret_access_key="x",
    )  # fmt: skip
    sender = EndUserMessagingSms(lambda: client, origination_identity=IDENTITY)
    with Stubber(client) as stub:
        stub.add_response(
            "send_text_message",
            {"MessageId": "m-2"},
            {
                "DestinationPhoneNumber": "+46701234567",
                "MessageBody": "Hej",
                "MessageType": "TRANSACTIONAL",
                "OriginationIdentity": "+46766861234",
                "Context": {"reference": "T1|E2"},
            },
        )
        assert sender.send(OutgoingSms("+46701234567", "Hej", "T1|E2", "+46766861234")) == "m-2"


def test_the_local_outbox_keeps_each_text_with_its_parts(tmp_path: Path) -> None:
    outbox = LocalSmsOutbox(str(tmp_path / "sms-outbox"))
    long_text = "Vi återkommer så snart vi vet mer om avbrottet. " * 4

    first = outbox.send(OutgoingSms("+46701234567", "Hej", "T1|E1"))
    outbox.send(OutgoingSms("+46701234567", long_text, "T1|E2"))

    items, total = outbox.items()
    assert total == 2
    assert items[0]["message_id"] == first and items[0]["parts"] == ["Hej"]
    assert len(items[1]["parts"]) == 2 and "".join(items[1]["parts"]) == long_text
    stored = json.loads(sorted((tmp_path / "sms-outbox").glob("*.json"))[1].read_text())
    assert stored["encoding"] == "GSM-7"
