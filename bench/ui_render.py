# ruff: noqa: E501, RUF028  -- made-up data and a Markdown table are clearer on one line each
"""How fast the agent UI draws an inbox of 500 tickets, in Debian's Chromium.

No stack is needed: the built app (web/dist) is served to the browser by Playwright's
request routing, and the API answers with 500 made-up tickets. Three figures:
- first render: from the page receiving the list to Preact's commit (performance.measure
  "servit:list", set by the app around the list render);
- first render, laid out: the same start, until the first microtask after the commit
  (any render the commit set off has run by then) has forced a style and layout pass, so
  the browser's work on the new rows counts too (painting them does not);
- re-sort: a click on a column header until the re-rendered table is laid out.
The list is windowed (only the rows in view are in the DOM), so the bench waits for the
app's measure rather than for the 500th row.
Figures are printed and written to docs/performance.md between <!-- ui --> and <!-- /ui -->;
`--before FILE` / `--save FILE` keep figures of another build (JSON) for a before/after table.
Run: .venv/bin/python bench/ui_render.py (after `make web` and `make browser`).
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import re
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
DOC = ROOT / "docs" / "performance.md"
ORIGIN = "http://servit.bench"
N = 500
LOADS = 20  # page loads for the first-render figures (a busy machine needs a few)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
TITLES = ["Fakturan stämmer inte", "Printer on floor 3 is jammed", "打印机无法连接",
          "Не приходит счёт", "لا أستطيع الوصول إلى البريد", "パスワードをリセットしたい"]  # fmt: skip


def _tickets() -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    statuses, priorities = ["new", "open", "with_contact", "dormant"], ["high", "medium", "low"]
    return [{
        "id": f"T{i:05d}", "number": 10001 + i, "title": f"{TITLES[i % 6]} {i}",
        "status": statuses[i % 4], "priority": priorities[i % 3], "template_id": None,
        "itil_process": None, "ticket_type": None, "response_point_id": "kundtjanst",
        "group_id": "kt-forsta", "agent_id": None, "parent_id": None, "contact_id": f"C{i % 40}",
        "description": "", "cc": [], "bcc": [], "attachments": [], "custom_fields": {},
        "channel": "email", "created_at": (now - timedelta(minutes=7 * i)).isoformat(),
        "updated_at": now.isoformat(), "resolved_at": None, "closed_at": None,
        "dormant_until": None, "version": 1,
        "lock": {"by": "agent2", "until": (now + timedelta(minutes=20)).isoformat()} if i % 9 == 0 else None,
    } for i in range(N)]  # fmt: skip


USER = {"id": "agent1", "email": "agent1@example.com", "name": "Anna Andersson", "roles": ["agent"],
        "groups": ["kt-forsta"], "language": "sv", "view": "standard"}  # fmt: skip
DIRECTORY = {
    "response_points": [{"id": "kundtjanst", "name": "Kundtjänst", "language": "sv", "visibility_level": "all"}],
    "groups": [{"id": "kt-forsta", "name": "Första linjen", "response_point_id": "kundtjanst"}],
    "users": [{"id": u, "name": n, "roles": ["agent"], "groups": ["kt-forsta"], "active": True}
              for u, n in (("agent1", "Anna Andersson"), ("agent2", "Bengt Berg"))],
    "ticket_types": [], "custom_fields": [], "hidden_fields": [], "default_response_point_id": "kundtjanst",
    "status_moves": {}, "statuses": [], "priorities": ["low", "medium", "high"], "itil_processes": [], "channels": [],
}  # fmt: skip


def _serve(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?")[0]
    answers: dict[str, Any] = {
        "/api/ui/directory": DIRECTORY,
        "/api/inboxes": {
            "items": [
                {
                    "id": "group:kt-forsta",
                    "kind": "group",
                    "key": "kt-forsta",
                    "name": "Första linjen",
                    "count": N,
                }
            ]
        },  # fmt: skip
        "/api/ui/inboxes/group:kt-forsta/tickets": {
            "items": _tickets(),
            "cursor": None,
            "contacts": {f"C{i}": f"Kontakt {i}" for i in range(40)},
        },
    }
    if path.startswith("/api/"):
        # Anything else the app asks for (menus, notices, settings) is not found, as from an
        # API without that feature: the app carries on without it, as with any failed load.
        known = path in answers
        route.fulfill(
            status=200 if known else 404,
            content_type="application/json",
            body=json.dumps(answers[path] if known else {"error": "not_found"}),
        )
        return
    target = DIST / (path.lstrip("/") or "index.html")
    if not target.is_file():
        target = DIST / "index.html"
    route.fulfill(status=200, body=target.read_bytes(),
                  content_type=mimetypes.guess_type(target.name)[0] or "application/octet-stream")  # fmt: skip


def measure() -> dict[str, float]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.route("**/*", _serve)
        # When the app ends its "servit:list" measure (in a layout effect, at the commit), a
        # microtask queued then runs once Preact's render queue is empty (follow-up renders
        # included); there a forced layout adds the browser's style and layout of the list.
        # Not a setTimeout: while a page loads, Chromium runs a frame before such a timer,
        # which would add waiting for the display's next refresh to the figure.
        page.add_init_script("""(() => {
            const measure = performance.measure.bind(performance);
            performance.measure = (...args) => {
                const entry = measure(...args);
                if (args[0] === 'servit:list') queueMicrotask(() => {
                    document.body.offsetHeight;
                    window.__servitLaidOut = performance.now() - entry.startTime;
                });
                return entry;
            };
        })()""")
        page.goto(ORIGIN + "/")
        page.evaluate("u => localStorage.setItem('servit.session', u)",
                      json.dumps({"token": "bench", "user": USER}))  # fmt: skip
        first: list[float] = []
        laid_out: list[float] = []
        for _ in range(LOADS):
            page.goto(ORIGIN + "/#/inbox/group:kt-forsta")
            page.reload()
            page.wait_for_function("window.__servitLaidOut !== undefined")
            assert page.locator("[data-testid=ticket-list] tbody tr").count() > 0
            first.append(page.evaluate(
                "performance.getEntriesByName('servit:list').map(e => e.duration).pop() ?? -1"))  # fmt: skip
            laid_out.append(page.evaluate("window.__servitLaidOut"))
        resort = [
            page.evaluate("""async (n) => {
                const button = document.querySelectorAll('th button.sort')[n % 6];
                const t0 = performance.now();
                button.click();
                await new Promise(r => setTimeout(r, 0));
                document.querySelector('[data-testid=ticket-list]').getBoundingClientRect();
                document.body.offsetHeight;
                return performance.now() - t0;
            }""", n)
            for n in range(30)
        ]  # fmt: skip
        browser.close()
    return {
        "first_p50": statistics.median(first),
        "first_max": max(first),
        "laid_p50": statistics.median(laid_out),
        "laid_max": max(laid_out),
        "resort_p50": statistics.median(resort),
        "resort_p95": sorted(resort)[int(len(resort) * 0.95) - 1],
    }


ROWS = [
    ("first render (list received → DOM committed)", "first_p50", "first_max"),
    ("first render (list received → laid out)", "laid_p50", "laid_max"),
    ("re-sort by a column (click → laid out)", "resort_p50", "resort_p95"),
]


def write(
    figures: dict[str, float], before: dict[str, float] | None = None, note: str = ""
) -> None:
    if before:
        head = "| what | before: median | before: worst / p95 | now: median | now: worst / p95 |\n|---|---|---|---|---|\n"
        rows = "".join(
            f"| {what} | {_ms(before, p50)} | {_ms(before, worst)} | {figures[p50]:.1f} ms | {figures[worst]:.1f} ms |\n"
            for what, p50, worst in ROWS
        )
    else:
        head = "| what | median | worst / p95 |\n|---|---|---|\n"
        rows = "".join(
            f"| {what} | {figures[p50]:.1f} ms | {figures[worst]:.1f} ms |\n"
            for what, p50, worst in ROWS
        )
    section = (
        "<!-- ui -->\n## Agent UI: rendering an inbox of 500 tickets\n\n"
        f"Measured by `bench/ui_render.py` in Debian's Chromium (headless), {datetime.now(UTC):%Y-%m-%d}, "
        "500 tickets in six scripts, one list page; the frame budget at 60 Hz is 16.7 ms. "
        f"First render: {LOADS} page loads; re-sort: 30 clicks across the six sortable columns.\n\n"
        + head + rows + (f"\n{note}\n" if note else "") + "<!-- /ui -->"
    )  # fmt: skip
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if "<!-- ui -->" in text:
        text = re.sub(r"<!-- ui -->.*?<!-- /ui -->", lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def _ms(figures: dict[str, float], key: str) -> str:
    return f"{figures[key]:.1f} ms" if key in figures else "–"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--before", type=Path, help="JSON figures of an earlier build, shown beside"
    )
    parser.add_argument("--note", default="", help="a paragraph under the table")
    parser.add_argument(
        "--no-doc", action="store_true", help="print only; leave docs/performance.md"
    )
    parser.add_argument(
        "--dist", type=Path, default=DIST, help="the built app to serve (default web/dist)"
    )
    options = parser.parse_args()
    DIST = options.dist
    result = measure()
    for name, value in result.items():
        print(f"{name:>12}: {value:6.1f} ms")
    if options.save:
        options.save.write_text(json.dumps(result, indent=1), encoding="utf-8")
    if not options.no_doc:
        before = json.loads(options.before.read_text(encoding="utf-8")) if options.before else None
        write(result, before, options.note)
