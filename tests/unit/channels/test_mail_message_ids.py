"""Message-IDs normalised for threading (message_ids.py)."""

from __future__ import annotations

import pytest

from chalicelib.channels.email.message_ids import message_ids, normalise_message_id


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("<Abc.123@Mail.Example.COM>", "Abc.123@mail.example.com"),
        ("  <x@y>  ", "x@y"),
        ("<abc@\r\n example.org>", "abc@example.org"),
        ("no-brackets@Host.SE", "no-brackets@host.se"),
    ],
)
def test_message_id_is_compared_without_brackets_blanks_or_domain_case(
    raw: str, normal: str
) -> None:
    assert normalise_message_id(raw) == normal


def test_references_list_keeps_order_and_drops_duplicates() -> None:
    value = "<a@x.se>\r\n <b@X.SE><c@x.se> <a@x.se>"
    assert message_ids(value) == ("a@x.se", "b@x.se", "c@x.se")


def test_in_reply_to_with_a_comment_yields_only_the_id() -> None:
    assert message_ids("<m1@host> (Anna's message of Friday)") == ("m1@host",)


def test_ids_without_brackets_are_found_by_their_at_sign() -> None:
    assert message_ids("m1@host, m2@host junk") == ("m1@host", "m2@host")


def test_empty_or_missing_header_has_no_ids() -> None:
    assert message_ids(None) == ()
    assert message_ids("  ") == ()
    assert message_ids("<>") == ()
