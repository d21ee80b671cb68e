"""Every mail in tests/fixtures/mail parses as its NAME.expected.json says.

The expectation keys are listed in ``CHECKS``; an unknown key fails the test,
so a typo in a fixture cannot silently check nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.channels.email.errors import MailParseError
from chalicelib.channels.email.mime_in import parse_message
from chalicelib.channels.message import InboundAttachment, InboundMessage

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "mail"
MAILS = sorted(CORPUS.glob("*.eml"))


def attachment_url(index: int, attachment: InboundAttachment) -> str:
    return f"/attachments/{index}"


def _contains_all(actual: str, wanted: list[str], what: str) -> None:
    for fragment in wanted:
        assert fragment in actual, f"{what} lacks {fragment!r}:\n{actual}"


def _contains_none(actual: str, unwanted: list[str], what: str) -> None:
    for fragment in unwanted:
        assert fragment not in actual, f"{what} holds {fragment!r}:\n{actual}"


def _check_attachments(msg: InboundMessage, wanted: list[dict[str, Any]]) -> None:
    got = [(a.filename, a.content_type) for a in msg.attachments]
    assert got == [(w["filename"], w["content_type"]) for w in wanted]
    for attachment, expected in zip(msg.attachments, wanted, strict=True):
        if "inline" in expected:
            assert attachment.inline is expected["inline"]
        if "content_id" in expected:
            assert attachment.content_id == expected["content_id"]
        if "size" in expected:
            assert attachment.size == expected["size"]
        if "payload_startswith" in expected:
            assert attachment.payload.startswith(expected["payload_startswith"].encode())
        if "payload_contains" in expected:
            assert expected["payload_contains"].encode() in attachment.payload
        if "payload_hex" in expected:
            assert attachment.payload.hex() == expected["payload_hex"]


def _check_dsn(msg: InboundMessage, wanted: dict[str, Any] | None) -> None:
    if wanted is None:
        assert msg.dsn is None
        return
    assert msg.dsn is not None
    for key, value in wanted.items():
        if key == "diagnostic_contains":
            assert value in (msg.dsn.diagnostic or "")
        else:
            assert getattr(msg.dsn, key) == value, key


def _check_date(msg: InboundMessage, wanted: str | None) -> None:
    assert msg.date == (datetime.fromisoformat(wanted) if wanted else None)


CHECKS: dict[str, Callable[[InboundMessage, Any], None]] = {
    "subject": lambda m, v: _equal(m.subject, v),
    "from_addr": lambda m, v: _equal(m.from_addr, v),
    "from_name": lambda m, v: _equal(m.from_name, v),
    "to": lambda m, v: _equal(list(m.to), v),
    "cc": lambda m, v: _equal(list(m.cc), v),
    "reply_to": lambda m, v: _equal(list(m.reply_to), v),
    "date": _check_date,
    "message_id": lambda m, v: _equal(m.message_id, v),
    "in_reply_to": lambda m, v: _equal(m.in_reply_to, v),
    "references": lambda m, v: _equal(list(m.references), v),
    "text_equals": lambda m, v: _equal(m.text, v),
    "text_contains": lambda m, v: _contains_all(m.text, v, "text"),
    "text_not_contains": lambda m, v: _contains_none(m.text, v, "text"),
    "stripped_text": lambda m, v: _equal(m.stripped_text, v),
    "stripped_contains": lambda m, v: _contains_all(m.stripped_text, v, "stripped text"),
    "html_contains": lambda m, v: _contains_all(m.html_sanitised, v, "sanitised html"),
    "html_not_contains": lambda m, v: _contains_none(m.html_sanitised.lower(), v, "sanitised html"),
    "attachments": _check_attachments,
    "attachment_count": lambda m, v: _equal(len(m.attachments), v),
    "auto_reply": lambda m, v: _equal(m.auto_reply, v),
    "auto_reply_reasons": lambda m, v: _equal(list(m.auto_reply_reasons), v),
    "auto_reply_reasons_contain": lambda m, v: _subset(v, list(m.auto_reply_reasons)),
    "is_bulk": lambda m, v: _equal(m.is_bulk, v),
    "dsn": _check_dsn,
    "loop_header": lambda m, v: _equal(m.loop_header, v),
    "return_path": lambda m, v: _equal(m.return_path, v),
    "problems_empty": lambda m, v: _equal(m.problems, ()),
    "problems_nonempty": lambda m, v: _equal(bool(m.problems), True),
    "problems_contain": lambda m, v: _subset(v, list(m.problems)),
}


def _equal(actual: object, expected: object) -> None:
    assert actual == expected


def _subset(wanted: list[str], actual: list[str]) -> None:
    missing = [item for item in wanted if item not in actual]
    assert not missing, f"missing {missing} in {actual}"


def test_the_corpus_holds_at_least_85_messages_each_with_expectations() -> None:
    assert len(MAILS) >= 85
    for path in MAILS:
        assert path.with_suffix(".expected.json").exists(), path.name


@pytest.mark.parametrize("path", MAILS, ids=[p.stem for p in MAILS])
def test_corpus_mail_parses_as_expected(path: Path) -> None:
    # Given a raw mail and what a reader should see in it
    raw = path.read_bytes()
    expected: dict[str, Any] = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    if "raises" in expected:
        # When it is not a mail at all, Then parsing says so clearly
        with pytest.raises(MailParseError, match=expected["error_contains"]):
            parse_message(raw)
        return
    # When it is parsed
    msg = parse_message(raw, attachment_url=attachment_url)
    # Then every stated expectation holds, and the HTML is always safe
    unknown = set(expected) - set(CHECKS)
    assert not unknown, f"unknown expectation keys {unknown}"
    for key, value in expected.items():
        CHECKS[key](msg, value)
    assert "<script" not in msg.html_sanitised.lower()
    assert msg.size == len(raw)
