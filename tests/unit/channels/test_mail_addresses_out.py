"""Outbound addresses (issue 9): IDN domains go out IDNA-encoded, quoted local parts quoted,
UTF-8 local parts are refused (SES has no SMTPUTF8), and every header stays 7-bit."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.mail_outbox import LocalOutbox
from chalicelib.adapters.mail_ses import SesMailer
from chalicelib.channels.email.errors import HeaderInjectionError
from chalicelib.channels.email.mime_out import (
    OutboundMail,
    build_message,
    envelope_recipients,
    to_bytes,
)
from chalicelib.domain.errors import ValidationError
from chalicelib.services.ports import OutgoingMail

IDN = "doerte@exämple.se"
IDN_WIRE = "doerte@xn--exmple-cua.se"


def a_mail(**changes: object) -> OutboundMail:
    mail = OutboundMail(
        from_addr="support@servit.example",
        from_name="ServIT Support",
        to=("anna@kund.example.se",),
        subject="[#10042] Ditt ärende",
        text="Hej,\n\ntack för ditt ärende.\n",
        message_id="<ticket-10042.8@servit.example>",
        date=datetime(2026, 11, 28, 10, 0, tzinfo=timezone(timedelta(hours=1))),
    )
    return replace(mail, **changes)  # type: ignore[arg-type]


def read_back(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def head_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def test_idn_recipients_go_out_idna_encoded_and_every_header_stays_ascii() -> None:
    raw = to_bytes(build_message(a_mail(to=(IDN,), cc=("kalle@bücher.de",), bcc=("arkiv@å.se",))))
    message = read_back(raw)
    assert [a.addr_spec for a in message["To"].addresses] == [IDN_WIRE]
    assert [a.addr_spec for a in message["Cc"].addresses] == ["kalle@xn--bcher-kva.de"]
    assert message["Bcc"] is None
    head_of(raw).decode("ascii")  # raises if any header byte is not 7-bit
    assert message["Subject"] == "[#10042] Ditt ärende"


def test_the_envelope_carries_the_encoded_domains() -> None:
    mail = a_mail(to=(IDN,), cc=("kalle@bücher.de",), bcc=("arkiv@å.se",))
    assert envelope_recipients(mail) == (IDN_WIRE, "kalle@xn--bcher-kva.de", "arkiv@xn--5ca.se")


def test_an_idn_sender_and_reply_to_are_encoded_too() -> None:
    mail = a_mail(from_addr="hjalp@exämple.se", reply_to=("svar+10042@exämple.se",))
    raw = to_bytes(build_message(mail))
    message = read_back(raw)
    assert message["From"].addresses[0].addr_spec == "hjalp@xn--exmple-cua.se"
    assert message["Reply-To"].addresses[0].addr_spec == "svar+10042@xn--exmple-cua.se"


def test_a_quoted_local_part_goes_out_quoted() -> None:
    raw = to_bytes(build_message(a_mail(to=('"john smith"@example.com', '"a@b"@x.se'))))
    message = read_back(raw)
    assert [a.addr_spec for a in message["To"].addresses] == [
        '"john smith"@example.com',
        '"a@b"@x.se',
    ]


def test_a_utf8_local_part_is_refused_before_anything_is_built() -> None:
    # SES cannot send SMTPUTF8 mail: saying so beats a message no relay will take.
    with pytest.raises(ValidationError) as refused:
        build_message(a_mail(to=("dörte@exämple.se",)))
    assert refused.value.code == "address_unreachable"
    assert "dörte@exämple.se" in refused.value.message


@pytest.mark.parametrize(
    "to",
    [f"{IDN}\r\nBcc: eve@evil.example", '"john\r\n smith"@example.com', f"{IDN}\u2028"],
    ids=["crlf_after_idn", "crlf_in_quotes", "line_separator"],
)
def test_line_breaks_in_recipients_are_still_refused(to: str) -> None:
    with pytest.raises(HeaderInjectionError):
        build_message(a_mail(to=(to,)))


def test_outgoing_mail_keeps_its_envelope_in_wire_form() -> None:
    mail = OutgoingMail("kundtjanst@exämple.se", (IDN, IDN_WIRE, "anna@kund.se"), b"x", "id@x")
    assert mail.sender == "kundtjanst@xn--exmple-cua.se"
    assert mail.recipients == (IDN_WIRE, "anna@kund.se")  # once each
    with pytest.raises(ValidationError) as refused:
        OutgoingMail("kundtjanst@example.se", ("dörte@example.se",), b"x", "id@x")
    assert refused.value.code == "address_unreachable"


def test_the_local_outbox_shows_the_encoded_envelope(tmp_path: Path) -> None:
    name = LocalOutbox(str(tmp_path)).send(OutgoingMail("it@exämple.se", (IDN,), b"x", "id@x"))
    written = (tmp_path / name).read_bytes()
    assert b"X-Envelope-From: it@xn--exmple-cua.se\r\n" in written
    assert b"X-Envelope-To: doerte@xn--exmple-cua.se\r\n" in written


class FakeSes:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def send_email(self, **kwargs: Any) -> dict[str, str]:
        self.calls.append(kwargs)
        return {"MessageId": "ses-1"}


def test_ses_gets_punycode_addresses_only() -> None:
    ses = FakeSes()
    SesMailer(ses).send(OutgoingMail("it@exämple.se", (IDN, "kalle@bücher.de"), b"raw", "id@x"))
    [call] = ses.calls
    assert call["FromEmailAddress"] == "it@xn--exmple-cua.se"
    assert call["Destination"] == {"ToAddresses": [IDN_WIRE, "kalle@xn--bcher-kva.de"]}
