"""A long inbox (500 tickets, windowed list) and the message frame's height, without a stack.

The built app is served by Playwright's request routing with made-up API answers, as
bench/ui_render.py does, so a list far longer than the demo data can be walked: only the
rows in view are in the DOM, yet scrolling, Tab, j/k and screen readers reach all of them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from bench import ui_render
from tests.browser.conftest import SCREENSHOTS

N = ui_render.N
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
TICKETS = {t["id"]: t for t in ui_render._tickets()}
SHORT_HTML = "<p>Hej!</p><p>Skrivaren på plan 3 har fastnat igen.</p>"
LONG_HTML = "".join(
    f"<p>Stycke {i}: {'ord ' * 60}</p>" for i in range(12)
)  # 2 lines at 1280 px, 3 at 900
MESSAGES = {"T00001": SHORT_HTML, "T00002": LONG_HTML}
AT_BOTTOM = "Math.abs(scrollY + innerHeight - document.documentElement.scrollHeight) < 2"


def _serve(route: Route) -> None:
    path = route.request.url.removeprefix(ui_render.ORIGIN).split("?")[0]
    found = re.fullmatch(r"/api/tickets/(T\d{5})", path)
    if found and found[1] in TICKETS:
        ticket = {**TICKETS[found[1]], "contact_id": None, "lock": None, "events": []}
        if found[1] in MESSAGES:
            ticket["events"] = [{
                "id": "E1", "at": ticket["created_at"], "type": "message_in", "actor": "system:mail",
                "data": {"channel": "email", "html": MESSAGES[found[1]], "text": "Hej!", "stripped_text": ""},
            }]  # fmt: skip
        route.fulfill(status=200, content_type="application/json", body=json.dumps(ticket))
        return
    ui_render._serve(route)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(route: str, view: str = "standard", width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 1000}, locale="sv-SE")
        contexts.append(context)
        page = context.new_page()
        page.route("**/*", _serve)
        user = {**ui_render.USER, "view": view}
        page.goto(ui_render.ORIGIN + "/")
        page.evaluate("u => localStorage.setItem('servit.session', u)",
                      json.dumps({"token": "test", "user": user}))  # fmt: skip
        page.goto(f"{ui_render.ORIGIN}/#/{route}")
        page.reload()  # only the hash changed: load again so the app reads the session
        return page

    yield open_
    for context in contexts:
        context.close()


def _rows(page: Any) -> list[int]:
    rows: list[int] = page.eval_on_selector_all(
        "[data-testid=ticket-list] tbody tr",
        "rows => rows.map(r => +r.getAttribute('aria-rowindex'))",
    )
    return rows


def _axe(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {iframes: false, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return found


def test_a_long_inbox_draws_the_rows_in_view_and_tells_screen_readers_the_whole_size(
    open_page: Any,
) -> None:
    page = open_page("inbox/group:kt-forsta")
    table = page.get_by_role("table")
    expect(table).to_have_attribute("aria-rowcount", str(N + 1))
    expect(page.locator("[data-testid=ticket-list] tbody tr").first).to_be_visible()
    drawn = _rows(page)
    assert drawn[0] == 2 and drawn == list(range(2, 2 + len(drawn))) and len(drawn) < 60
    assert page.locator("[data-testid=ticket-list] thead tr").get_attribute("aria-rowindex") == "1"
    # The rows are flex lines (cheaper layout): Chromium's own accessibility tree, which screen
    # readers get, must still hold a table of rows, column headers and cells.
    cdp = page.context.new_cdp_session(page)
    roles = Counter(
        n["role"]["value"]
        for n in cdp.send("Accessibility.getFullAXTree")["nodes"]
        if not n.get("ignored") and "role" in n
    )
    # As many header and data cells per row as the list draws at this width (issue 15: the
    # columns are the user's choice, and a narrow list leaves some out).
    cols = page.locator("[data-testid=ticket-list] thead th:visible").count()
    assert cols >= 7
    assert (roles["table"], roles["row"], roles["columnheader"], roles["cell"]) == (
        1, len(drawn) + 1, cols, cols * len(drawn),
    ), roles  # fmt: skip
    # The table is as tall as 500 rows, so the scrollbar means what it says.
    height = page.evaluate(
        "document.querySelector('[data-testid=ticket-list] tbody').getBoundingClientRect().height"
    )
    assert abs(height - N * 34) < 2

    page.keyboard.press("End")
    last = page.locator(f"tr[aria-rowindex='{N + 1}']")
    expect(last).to_be_in_viewport()
    page.wait_for_function(AT_BOTTOM)  # the key's scroll is animated: let it finish
    expect(last.locator("td.col-number")).to_have_text(str(10000 + N))
    assert len(_rows(page)) < 60
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "long-list-end.png"))

    # Sorted by number, descending: the smallest numbers are now at the end.
    page.get_by_role("button", name="Nr").click()  # (clicking scrolls the heading into view)
    page.get_by_role("button", name="Nr").click()
    expect(page.get_by_role("columnheader", name="Nr")).to_have_attribute("aria-sort", "descending")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")  # instant
    expect(last.locator("td.col-number")).to_have_text("10001")
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("tr[aria-rowindex='2'] td.col-number")).to_have_text(str(10000 + N))

    problems = [
        v
        for v in _axe(page)
        if v["impact"] in ("serious", "critical") or v["id"].startswith("aria")
    ]
    assert problems == []


def test_tab_walks_past_the_first_window(open_page: Any) -> None:
    page = open_page("inbox/group:kt-forsta")
    page.locator("tr[aria-rowindex='2'] a").focus()
    for _ in range(2 * 79):  # each row: its bulk-choice box, then its link (issue 15)
        page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const a = document.activeElement; const r = a.getBoundingClientRect();"
        " return [a.closest('tr')?.getAttribute('aria-rowindex'), r.top >= 0 && r.bottom <= innerHeight]; })()"
    )
    assert focused == ["81", True]


def test_j_and_k_move_the_selection_off_screen_and_bring_it_into_view(open_page: Any) -> None:
    page = open_page("inbox/group:kt-forsta/T00000", view="pro", width=1920)
    expect(page.locator(".ticket-pane article.ticket")).to_be_visible()
    selected = page.locator("[data-testid=ticket-list] tr.selected")
    expect(selected).to_have_attribute(
        "aria-rowindex", "2"
    )  # the list is there: j has a list to walk
    for _ in range(45):  # back to back, as a held key: no press may be lost
        page.keyboard.press("j")
    expect(selected).to_have_attribute("aria-rowindex", "47")
    expect(selected).to_be_in_viewport()
    expect(page.locator(".ticket-pane h2.ticket-title")).to_contain_text("#10046")
    page.keyboard.press("k")
    expect(selected).to_have_attribute("aria-rowindex", "46")

    # A link straight to a ticket far down the list draws and shows its row.
    page.goto(f"{ui_render.ORIGIN}/#/inbox/group:kt-forsta/T00300")
    expect(selected).to_have_attribute("aria-rowindex", "302")
    expect(selected).to_be_in_viewport()
    expect(page.locator("h1")).to_have_count(1)  # the list's heading; the ticket is an h2 beside it


def _frame_fit(page: Any) -> dict[str, float]:
    fit: dict[str, float] = page.evaluate(
        "(() => { const f = document.querySelector('iframe.message-frame'); const d = f.contentDocument;"
        " return {frame: f.getBoundingClientRect().height, content: d.documentElement.getBoundingClientRect().height,"
        " inner: f.clientHeight, overflow: d.documentElement.scrollHeight - d.documentElement.clientHeight}; })()"
    )
    return fit


def test_the_ticket_page_has_an_h1_and_the_message_frame_fits_its_content(open_page: Any) -> None:
    page = open_page("ticket/T00001")
    expect(page.get_by_role("heading", level=1)).to_contain_text("#10002")
    frame = page.locator("iframe.message-frame")
    expect(page.frame_locator("iframe.message-frame").locator("body")).to_contain_text("fastnat")
    assert "allow-scripts" not in (frame.get_attribute("sandbox") or "")
    # A short message: a short frame (not the 12rem it starts at), nothing to scroll inside.
    page.wait_for_function(
        "(() => { const f = document.querySelector('iframe.message-frame');"
        " return f.style.height && f.getBoundingClientRect().height < 150; })()"
    )
    fit = _frame_fit(page)
    assert fit["overflow"] <= 0 and abs(fit["inner"] - fit["content"]) <= 1, fit
    violations = {v["id"] for v in _axe(page)}
    assert "page-has-heading-one" not in violations and "heading-order" not in violations, (
        violations
    )

    # A long message grows the frame; a narrower window re-wraps it and the frame follows.
    page.goto(f"{ui_render.ORIGIN}/#/ticket/T00002")
    expect(page.get_by_role("heading", level=1)).to_contain_text("#10003")
    page.wait_for_function(
        "document.querySelector('iframe.message-frame')?.getBoundingClientRect().height > 600"
    )
    wide = _frame_fit(page)
    assert wide["overflow"] <= 0 and abs(wide["inner"] - wide["content"]) <= 1, wide
    page.set_viewport_size({"width": 900, "height": 1000})
    page.wait_for_function(
        f"document.querySelector('iframe.message-frame').getBoundingClientRect().height > {wide['frame'] + 50}"
    )
    narrow = _frame_fit(page)
    assert narrow["overflow"] <= 0 and abs(narrow["inner"] - narrow["content"]) <= 1, narrow
