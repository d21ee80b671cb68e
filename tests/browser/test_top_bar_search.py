"""The top-bar search in the browser (issue 15), sv at 1366×768 and en at 1920×1080, axe clean.

A customer's mail over SMTP becomes a ticket; the stream consumer indexes its words. In the
top bar an agent presses "/", types a word of the mail's text (folded: no diacritics) and
opens the ticket with the keyboard; types a contact's surname (Latin with diacritics, and a
Cyrillic one) and opens the card; Enter with nothing chosen shows every result."""

from __future__ import annotations

import random
import re
import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious
from tests.e2e.conftest import Stack

LATIN = "bcdfghjklmnpqrstvwxz"
CYRILLIC = "бвгдзклмнпрстфх"


def letters(alphabet: str, n: int = 6) -> str:
    return "".join(random.choice(alphabet) for _ in range(n))


def mail_ticket(stack: Stack, admin: ApiClient, word: str) -> dict[str, Any]:
    """A customer's mail whose text holds ``word``; waits until the search finds it."""
    msg = EmailMessage()
    msg["From"] = "Kim Kundsson <kim.kundsson@kund.example.se>"
    msg["To"] = "kundtjanst@servit.example"
    msg["Subject"] = f"Skrivaren på plan {random.randrange(100, 999)}"
    msg.set_content(f"Hej! Skrivaren har slutat fungera, det står {word} på skärmen.\n/Kim")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port) as smtp:
        smtp.send_message(msg)
    plain = word.replace("ä", "a").replace("ö", "o")
    for _ in range(100):
        found = admin.call("GET", f"/api/search?q={quote(plain)}")["tickets"]
        if found:
            return found[0]  # type: ignore[no-any-return]
        time.sleep(0.2)
    raise AssertionError("the mail's words did not reach the search index")


def type_in_top_bar(page: Any, text: str) -> Any:
    # Whatever had the focus lets it go (a "/" typed into a field is a "/"), then "/".
    page.evaluate("document.activeElement instanceof HTMLElement && document.activeElement.blur()")
    page.keyboard.press("/")
    box = page.get_by_test_id("top-search")
    expect(box).to_be_focused()
    box.fill("")
    box.press_sequentially(text, delay=20)
    return box


@pytest.mark.parametrize(("lang", "width", "height"), [("sv", 1366, 768), ("en", 1920, 1080)])
def test_the_top_bar_finds_a_ticket_by_a_word_of_its_mail_and_contacts_by_surname(
    lang: str,
    width: int,
    height: int,
    stack: Stack,
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
) -> None:
    admin = api_as("admin")
    word = f"felkod{letters(LATIN)}ä"
    ticket = mail_ticket(stack, admin, word)
    surname = f"Öström{letters(LATIN)}"
    contact = admin.call("POST", "/api/contacts", {"name": f"Åsa {surname}"})
    cyrillic = f"Соколов{letters(CYRILLIC)}"
    russian = admin.call("POST", "/api/contacts", {"name": f"Дмитрий {cyrillic}"})

    session = sessions("admin", lang, width)
    page = session.page
    page.set_viewport_size({"width": width, "height": height})
    session.goto("")
    expect(page.get_by_role("combobox", name=re.compile("Sök|Search"))).to_be_visible()

    # A word of the customer's message, typed without its diacritics.
    typed = word.replace("ä", "a")[:-2]
    box = type_in_top_bar(page, typed)
    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option", name=re.compile(f"#{ticket['number']}"))
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(
        listbox.get_by_role("group", name="Ärenden" if lang == "sv" else "Tickets")
    ).to_be_visible()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(ticket["id"]))
    expect(option).to_have_attribute("aria-selected", "true")
    session.shot(f"top-search-{lang}-{width}")
    assert _serious(page) == []  # with the list open and an option active
    expect(box).to_have_value(typed)
    box.press("Enter")
    expect(page).to_have_url(re.compile(f"#/ticket/{ticket['id']}$"))

    # A contact by the surname's beginning, folded (ö typed as o).
    box = type_in_top_bar(page, surname.replace("Ö", "o").replace("ö", "o")[:-2].lower())
    found = page.get_by_role("listbox").get_by_role("option", name=re.compile(surname))
    expect(found).to_be_visible()
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_be_focused()
    box.press("ArrowDown")  # opens the list again, the words kept
    expect(box).to_have_attribute("aria-activedescendant", re.compile(contact["id"]))
    box.press("Enter")
    expect(page).to_have_url(re.compile(f"#/contacts/{contact['id']}$"))

    # A Cyrillic surname, chosen with the mouse.
    box = type_in_top_bar(page, cyrillic.lower()[:5])
    page.get_by_role("listbox").get_by_role("option", name=re.compile(cyrillic)).click()
    expect(page).to_have_url(re.compile(f"#/contacts/{russian['id']}$"))

    # Enter with nothing chosen: every result, on a screen of its own.
    box = type_in_top_bar(page, surname)
    expect(
        page.get_by_role("listbox").get_by_role("option", name=re.compile(surname))
    ).to_be_visible()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"#/find\?q="))
    expect(page.get_by_role("heading", level=1)).to_contain_text(surname)
    expect(page.get_by_role("link", name=re.compile(surname))).to_be_visible()
    assert _serious(page) == []
    assert not [line for line in session.console if line.startswith(("error", "pageerror"))]
