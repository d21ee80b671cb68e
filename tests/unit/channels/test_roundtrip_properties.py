"""What we send is what a reader gets back: build_message → to_bytes → parse_message.

Normalised, because MIME cannot carry it (or we refuse it on purpose):

* header values (subject, display name, file name) lose leading and trailing
  whitespace: unfolding cannot tell it from folding whitespace;
* header values hold no control characters (tab, CR, LF, NEL, …) nor U+2028
  / U+2029: ``build_message`` refuses them (tested below), as they could end
  the header line;
* file names hold no ``/`` or ``\\``: inbound names are cut to their last
  path component on purpose, so a name can never be a path;
* body line endings arrive as LF (CRLF and lone CR are the same line break
  in MIME), leading and trailing whitespace of the whole body is not kept,
  and a U+FEFF at the start is taken for a byte-order mark;
* surrogate code points cannot be encoded in UTF-8 at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.channels.email.errors import HeaderInjectionError
from chalicelib.channels.email.mime_in import parse_message
from chalicelib.channels.email.mime_out import (
    OutboundAttachment,
    OutboundMail,
    build_message,
    to_bytes,
)
from chalicelib.channels.message import InboundMessage

NOT_IN_HEADERS = ("Cc", "Cs", "Zl", "Zp")

header_text = st.text(
    st.characters(blacklist_categories=NOT_IN_HEADERS), min_size=1, max_size=150
).filter(lambda s: s.strip())
# Characters that trip up folding, quoting and encoded-word detection.
tricky_header_text = (
    st.lists(
        st.sampled_from(
            [*" \"(),:;<>@[]=?_.-'\\abcXYZéü中😀\u00a0\u200b", "=?utf-8?q?", "?=", "  ", "x" * 80]
        ),
        min_size=1,
        max_size=40,
    )
    .map("".join)
    .filter(lambda s: s.strip())
)
any_header_text = header_text | tricky_header_text
file_name = any_header_text.filter(lambda s: "/" not in s and "\\" not in s)
body_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400) | st.lists(
    st.sampled_from(
        [" ", "\t", "\r", "\n", "\r\n", "=", ".", "é", "中", "From ", "-- ", "y" * 1100]
    ),
    max_size=60,
).map("".join)


def sent_and_parsed(
    subject: str, name: str, text: str, filename: str, payload: bytes
) -> InboundMessage:
    mail = OutboundMail(
        from_addr="support@servit.example",
        from_name=name,
        to=("anna@kund.example.se",),
        subject=subject,
        text=text,
        message_id="ticket-1.1@servit.example",
        date=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
        attachments=(OutboundAttachment(filename, "application/octet-stream", payload),),
    )
    return parse_message(to_bytes(build_message(mail)))


def normal_body(text: str) -> str:
    unified = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return unified.removeprefix("\ufeff").strip()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_header_text, any_header_text, body_text, file_name, st.binary(max_size=300))
def test_subject_name_body_and_attachment_survive_a_round_trip(
    subject: str, name: str, text: str, filename: str, payload: bytes
) -> None:
    parsed = sent_and_parsed(subject, name, text, filename, payload)
    assert parsed.subject == subject.strip()
    assert parsed.from_name == name.strip()
    assert normal_body(parsed.text) == normal_body(text)
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.payload) == (filename.strip(), payload)
    assert parsed.problems == ()


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=20),
    st.characters(categories=("Cc", "Zl", "Zp")),
    st.text(max_size=20),
    st.sampled_from(["subject", "name", "filename"]),
)
def test_control_characters_in_header_values_are_refused(
    before: str, control: str, after: str, field: str
) -> None:
    value = f"{before}{control}{after}"
    values = {"subject": "s", "name": "n", "filename": "f.bin", field: value}
    with pytest.raises(HeaderInjectionError):
        sent_and_parsed(values["subject"], values["name"], "body", values["filename"], b"")
