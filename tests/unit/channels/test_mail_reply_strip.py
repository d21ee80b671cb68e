"""Only what the sender newly wrote (reply_strip.py)."""

from __future__ import annotations

import pytest

from chalicelib.channels.email.reply_strip import strip_reply

CASES = [
    (
        "gmail_en",
        "Thanks!\n\nOn Sat, 28 Nov 2026 at 10:00, Support <support@servit.example> wrote:\n\n> Hi\n> there\n",
        "Thanks!",
    ),
    (
        "gmail_en_wrapped_over_two_lines",
        "Thanks!\n\nOn Sat, 28 Nov 2026 at 10:00, ServIT Support <\nsupport@servit.example> wrote:\n> Hi\n",
        "Thanks!",
    ),
    (
        "gmail_sv",
        "Tack!\n\nDen lör 28 nov. 2026 kl 10:00 skrev Support <support@servit.example>:\n> Hej\n",
        "Tack!",
    ),
    ("sv_short_attribution", "Tack!\n\nAnna Svensson skrev:\n> Hej\n", "Tack!"),
    ("apple_mail", "Ok.\n\n> On 28 Nov 2026, at 10:00, Support <s@x.se> wrote:\n>\n> Hej\n", "Ok."),
    ("thunderbird", "Fixat.\n\nOn 2026-11-28 10:00, Support wrote:\n> Testa igen\n", "Fixat."),
    (
        "thunderbird_unquoted_old_text",
        "Fixat.\n\nOn 2026-11-28 10:00, Support wrote:\nTesta igen, och hör av dig.\n",
        "Fixat.",
    ),
    (
        "outlook_original_message",
        "Yes.\n\n-----Original Message-----\nFrom: Support\nSent: Friday\nTo: Anna\nSubject: Q\n\nOld\n",
        "Yes.",
    ),
    (
        "outlook_ursprungligt_meddelande",
        "Ja.\n\n-----Ursprungligt meddelande-----\nFrån: Support\nSkickat: fredag\n\nGammalt\n",
        "Ja.",
    ),
    (
        "outlook_swedish_header_block",
        "Ja.\n\nFrån: Support <s@x.se>\nSkickat: den 27 november 2026 16:12\nTill: Anna\n"
        "Ämne: Fråga\n\nGammalt\n",
        "Ja.",
    ),
    (
        "outlook_english_bold_header_block_after_rule",
        "Yes.\n\n________________________________\n*From:* Support\n*Sent:* Friday\n*To:* Anna\n"
        "*Subject:* Q\n\nOld\n",
        "Yes.",
    ),
    ("signature", "Hej,\nfungerar.\n\n-- \nAnna Svensson\n070-1234567\n", "Hej,\nfungerar."),
    ("iphone_en", "Sure.\n\nSent from my iPhone\n", "Sure."),
    ("iphone_sv", "Visst.\n\nSkickat från min iPhone\n\n> Gammalt\n", "Visst."),
    ("outlook_android", "Ok\n\nGet Outlook for Android\n", "Ok"),
    ("outlook_ios_sv", "Ok\n\nSkickat från Outlook för iOS\nFrån: X\n", "Ok"),
    ("german", "Danke.\n\nAm 28.11.2026 um 10:00 schrieb Support <s@x.de>:\n> Hallo\n", "Danke."),
    (
        "interleaved_answers_are_kept",
        "On 2026-11-28 10:00, Support wrote:\n> Version?\n\n4.2\n\n> OS?\n\nWindows 11\n",
        "4.2\n\nWindows 11",
    ),
    (
        "forwarded_message_is_old_text",
        "Se nedan.\n\n---------- Forwarded message ---------\nFrom: X <x@y>\nDate: Fri\n\nGammalt",
        "Se nedan.",
    ),
    (
        "crlf_line_ends",
        "Tack!\r\n\r\nOn Sat, 28 Nov 2026 at 10:00, S <s@x.se> wrote:\r\n> Hej\r\n",
        "Tack!",
    ),
]


@pytest.mark.parametrize(("text", "new_text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_reply_is_cut_down_to_what_the_sender_newly_wrote(text: str, new_text: str) -> None:
    assert strip_reply(text) == new_text


@pytest.mark.parametrize(
    "text",
    [
        "Here is what I wrote:\nThe printer is broken.",
        "Min kollega skrev: skrivaren är trasig.\nKan ni hjälpa?",
        "From: the top floor\nthe printer is jammed.",
        "Use a -- b as the option.",
    ],
)
def test_new_text_that_only_looks_like_markers_is_kept(text: str) -> None:
    assert strip_reply(text) == text


def test_reply_that_is_all_quote_is_returned_whole() -> None:
    text = "> Hela meddelandet är ett citat.\n> Inget nytt."
    assert strip_reply(text) == text


def test_message_that_is_only_a_footer_is_returned_whole() -> None:
    assert strip_reply("Sent from my iPhone") == "Sent from my iPhone"


def test_empty_text_stays_empty() -> None:
    assert strip_reply("") == ""
    assert strip_reply("\n\n") == ""
