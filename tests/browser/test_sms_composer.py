"""The SMS composer (issue 13): on a ticket whose contact has a mobile number the agent picks
SMS, sees characters left and the number of parts change as they type, and sends; the text
lands in the SMS outbox in that many parts. A number that texted STOP is shown as such and
cannot be texted. Axe-clean in sv and en."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious

OUR_NUMBER = "+46766861234"
TEXTS = {
    "sv": {"sms": "SMS", "send": "Skicka SMS", "sent": "SMS skickat", "one": "tecken kvar · 1 SMS",
           "two": "tecken kvar · 2 SMS-delar", "stop": "har bett att inte få fler SMS"},
    "en": {"sms": "SMS", "send": "Send SMS", "sent": "SMS sent", "one": "characters left · 1 SMS",
           "two": "characters left · 2 SMS parts", "stop": "has asked for no more texts"},
}  # fmt: skip


def _texting_customer(admin: ApiClient, text: str) -> tuple[str, str]:
    """A ticket opened by a text from a fresh Swedish mobile number: (ticket id, E.164)."""
    local = f"070{random.randint(1_000_000, 9_999_999)}"
    filed = admin.call("POST", "/api/dev/sms", {"from": local, "to": OUR_NUMBER, "text": text})
    return filed["ticket_id"], "+46" + local[1:]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_agent_replies_by_sms_seeing_characters_left_and_parts(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    text = TEXTS[lang]
    admin = api_as("admin")
    ticket_id, mobile = _texting_customer(admin, f"Routern blinkar ({lang})")
    s = sessions("admin", lang=lang)
    page = s.goto(f"ticket/{ticket_id}")

    # A ticket that came in by SMS offers SMS, and starts on it
    choice = page.get_by_test_id("reply-channel")
    expect(choice).to_be_visible()
    expect(choice.get_by_label(text["sms"], exact=True)).to_be_checked()
    composer = page.get_by_test_id("sms-composer")
    expect(composer).to_contain_text(mobile)

    # Typing: characters left in the part, then a second part once past 160
    box = composer.get_by_test_id("sms-text")
    box.fill("Hej! Teknikern kommer i morgon.")
    expect(composer.get_by_test_id("sms-count")).to_have_text(f"129 {text['one']}")
    long_text = "Hej! Teknikern kommer i morgon mellan 8 och 12. " * 4  # 192 characters
    box.fill(long_text)
    expect(composer.get_by_test_id("sms-count")).to_have_text(f"114 {text['two']}")
    s.shot(f"sms-composer-{lang}")
    assert _serious(page) == []

    composer.get_by_role("button", name=text["send"]).click()
    expect(page.get_by_test_id("notice")).to_contain_text(text["sent"])

    outbox = admin.call("GET", "/api/dev/sms-outbox", None)["items"]
    [sent] = [i for i in outbox if i["to"] == mobile]
    assert len(sent["parts"]) == 2 and "".join(sent["parts"]) == long_text.strip()
    assert s.console == [] and s.dialogs == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_number_that_said_stop_cannot_be_texted(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    text = TEXTS[lang]
    admin = api_as("admin")
    ticket_id, mobile = _texting_customer(admin, "Fakturan är fel")
    admin.call("POST", "/api/dev/sms", {"from": mobile, "to": OUR_NUMBER, "text": "STOPP"})
    s = sessions("admin", lang=lang)
    page = s.goto(f"ticket/{ticket_id}")

    composer = page.get_by_test_id("sms-composer")
    expect(composer.get_by_test_id("sms-opted-out")).to_contain_text(text["stop"])
    expect(composer.get_by_role("button", name=text["send"])).to_be_disabled()
    assert _serious(page) == []
