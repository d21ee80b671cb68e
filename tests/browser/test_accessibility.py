"""axe-core on every screen, in Swedish and English, with a screenshot of each for review.

axe is run with page.evaluate (DevTools' Runtime.evaluate), which the page's CSP does not
govern, so the UI is checked under the very CSP it ships with: no bypass_csp, and nothing
extra in web/dist. Message frames are sandboxed srcdoc documents and are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.web_catalogue import only_in

RESULTS: list[Any] = []  # every violation seen, of any impact, for the log
# The screen's own words (not the data it lists): where an untranslated text would show.
CHROME = "h1, h2, h3, label, legend, button, th, caption, summary, nav, [role=tab], .empty, .hint"
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = [
    ("inbox", "inbox/rp:kundtjanst", "[data-testid=ticket-list]"),
    ("ticket", "ticket/{ticket}", "article.ticket"),
    ("dispatcher", "dispatcher", "[data-testid=ticket-list]"),
    ("new-ticket", "new", "form"),
    ("contacts", "contacts", "table"),
    ("contact-card", "contacts/{contact}", "form"),
    ("organisations", "organisations", "[data-testid=org-results]"),  # issue 14
    ("organisation-card", "organisations/{organisation}", "[data-testid=org-details]"),
    *[(f"admin-{s}", f"admin/{s}", "#admin-title") for s in (
        "response-points", "groups", "users", "ticket-types", "custom-fields",
        "signatures", "settings", "quarantine", "mail-log", "outbox",
        "templates", "calendars", "rules", "menu-profiles", "field-settings")],
    ("search", "search", "[data-testid=search-form]"),
    ("notifications", "notifications", "[data-testid=notify-prefs]"),
    ("statistics", "stats", "[data-testid=stats-headline]"),
]  # fmt: skip


def _serious(page: Any) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    checked, result = page.evaluate(
        "async () => { const r = await axe.run(document, {iframes: false, resultTypes: ['violations']});"
        " return [r.passes.length, r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))]; }"
    )
    assert checked > 10, "axe did not run its rules"
    RESULTS.append(result)
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result
            if v["impact"] in ("serious", "critical")]  # fmt: skip


@pytest.fixture(scope="module")
def targets(api_as: Callable[[str], ApiClient]) -> dict[str, str]:
    admin = api_as("admin")
    tickets = admin.call("GET", "/api/ui/inboxes/rp:kundtjanst/tickets?limit=50")["items"]
    with_contact = next(t for t in tickets if t["contact_id"])
    # issue 14: a demo organisation (local/seed.py).
    org = admin.call("GET", "/api/organisations?q=exempelbolaget")["items"][0]
    return {
        "ticket": with_contact["id"],
        "contact": with_contact["contact_id"],
        "organisation": org["id"],
    }


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_serious_axe_violation_on_any_screen(
    sessions: Callable[..., Session], targets: dict[str, str], lang: str
) -> None:
    s = sessions("admin", lang=lang)
    problems: dict[str, list[str]] = {}
    foreign = only_in("en" if lang == "sv" else "sv")
    for name, route, ready in SCREENS:
        page = s.goto(route.format(**targets))
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        s.shot(f"{name}-{lang}")
        if found := _serious(page):
            problems[name] = found
        # ... and every word of the screen itself is in the user's language.
        words = "\n".join(page.locator(CHROME).all_inner_texts())
        assert "⟦" not in words, (name, words)
        if leaked := [text for text in foreign if text in words]:
            problems[f"{name}: untranslated"] = leaked
    page.keyboard.press("?")
    s.shot(f"help-{lang}")
    if found := _serious(page):
        problems["help"] = found
    page.keyboard.press("Escape")
    assert problems == {}
    assert not [c for c in s.console if "Content Security Policy" in c], s.console


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_serious_axe_violation_on_login_and_pro_view(
    browser: Any, stack: Any, sessions: Callable[..., Session], targets: dict[str, str], lang: str
) -> None:
    context = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB")
    page = context.new_page()
    page.goto(stack.url + "/")
    expect(page.locator("form.login-card")).to_be_visible()
    login_problems = _serious(page)
    page.screenshot(path=str(Path(__file__).parent / "screenshots" / f"login-{lang}.png"))
    context.close()

    s = sessions("agent2", lang=lang, width=1920)  # agent2's saved view is PRO
    s.client.call("PATCH", "/api/me", {"view": "pro"})
    page = s.goto(f"inbox/rp:kundtjanst/{targets['ticket']}")
    expect(page.locator(".ticket-pane article.ticket")).to_be_visible()
    page.wait_for_load_state("networkidle")
    s.shot(f"pro-view-{lang}")
    assert (login_problems, _serious(page)) == ([], [])
