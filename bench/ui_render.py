# ruff: noqa: E501, RUF028  -- made-up data and a Markdown table are clearer on one line each
"""How fast the agent UI draws an inbox of 500 tickets, in Debian's Chromium.

No stack is needed: the built app (web/dist) is served to the browser by Playwright's
request routing, and the API answers with 500 made-up tickets. Two figures:
- first render: from the page receiving the list to Preact's commit (performance.measure
  "servit:list", set by the app around the list render);
- re-sort: a click on a column header until the re-rendered table is laid out.
Figures are printed and written to docs/performance.md between <!-- ui --> and <!-- /ui -->.
Run: .venv/bin/python bench/ui_render.py (after `make web` and `make browser`).
"""

from __future__ import annotations

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
        route.fulfill(
            status=200, content_type="application/json", body=json.dumps(answers.get(path, {}))
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
        page.goto(ORIGIN + "/")
        page.evaluate("u => localStorage.setItem('servit.session', u)",
                      json.dumps({"token": "bench", "user": USER}))  # fmt: skip
        first: list[float] = []
        for _ in range(10):
            page.goto(ORIGIN + "/#/inbox/group:kt-forsta")
            page.reload()
            page.wait_for_selector(f"[data-testid=ticket-list] tbody tr >> nth={N - 1}")
            first.append(page.evaluate(
                "performance.getEntriesByName('servit:list').map(e => e.duration).pop() ?? -1"))  # fmt: skip
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
        "resort_p50": statistics.median(resort),
        "resort_p95": sorted(resort)[int(len(resort) * 0.95) - 1],
    }


def write(figures: dict[str, float]) -> None:
    section = (
        "<!-- ui -->\n## Agent UI: rendering an inbox of 500 tickets\n\n"
        f"Measured by `bench/ui_render.py` in Debian's Chromium (headless), {datetime.now(UTC):%Y-%m-%d}, "
        "500 tickets in six scripts, one list page; the frame budget at 60 Hz is 16.7 ms.\n\n"
        "| what | median | worst / p95 |\n|---|---|---|\n"
        f"| first render (list received → DOM committed) | {figures['first_p50']:.1f} ms | {figures['first_max']:.1f} ms |\n"
        f"| re-sort by a column (click → laid out) | {figures['resort_p50']:.1f} ms | {figures['resort_p95']:.1f} ms |\n"
        "<!-- /ui -->"
    )  # fmt: skip
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if "<!-- ui -->" in text:
        text = re.sub(r"<!-- ui -->.*?<!-- /ui -->", lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    result = measure()
    for name, value in result.items():
        print(f"{name:>12}: {value:6.1f} ms")
    write(result)
