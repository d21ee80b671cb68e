"""Browser tests: Playwright for Python driving Debian's Chromium against the local stack.

One stack per session (started as `make run` does, on free ports), one browser, and one
logged-in context per demo user, reused by every test: logins go through the API once
and the token is put where the UI keeps it (localStorage), so tests start on a screen.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Stack, start_stack

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not CHROMIUM.exists():
        for item in items:
            item.add_marker(pytest.mark.skip(reason="no /usr/bin/chromium: run `make browser`"))
    if not (ROOT / "web" / "dist" / "index.html").exists():
        for item in items:
            item.add_marker(pytest.mark.skip(reason="web/dist is not built: run `make web`"))


def _drain(stack: Stack) -> None:
    """Keep reading the stack's output so a full pipe never blocks its request logs."""
    assert stack.process.stdout is not None
    for line in stack.process.stdout:
        stack.output.append(line)
        del stack.output[:-500]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("browser-stack"))
    threading.Thread(target=_drain, args=(running,), daemon=True).start()
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()


class ApiClient:
    """Direct API calls for a test's Given and Then (arranging data, checking the outbox)."""

    def __init__(self, url: str, token: str, user: dict[str, Any]) -> None:
        self.url, self.token, self.user = url, token, user

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        response = requests.request(
            method, self.url + path, json=body, timeout=30,
            headers={"Authorization": f"Bearer {self.token}", **headers},
        )  # fmt: skip
        assert response.ok, (response.status_code, response.text)
        return response.json()


@pytest.fixture(scope="session")
def api_as(stack: Stack) -> Callable[[str], ApiClient]:
    clients: dict[str, ApiClient] = {}

    def get(user: str) -> ApiClient:
        if user not in clients:
            reply = requests.post(
                f"{stack.url}/api/auth/login",
                json={"email": f"{user}@example.com", "password": "demo"},
                timeout=30,
            )
            reply.raise_for_status()
            clients[user] = ApiClient(stack.url, reply.json()["token"], reply.json()["user"])
        return clients[user]

    return get


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Session:
    """A logged-in browser context for one demo user, with the problems it saw."""

    def __init__(
        self, browser: Any, stack: Stack, client: ApiClient, lang: str, width: int
    ) -> None:
        state = {"token": client.token, "user": {**client.user, "language": lang}}
        storage = {"cookies": [], "origins": [{"origin": stack.url, "localStorage": [
            {"name": "servit.session", "value": json.dumps(state)},
            {"name": "servit.lang", "value": lang},
        ]}]}  # fmt: skip
        self.url = stack.url
        self.client = client
        self.context = browser.new_context(
            storage_state=storage, viewport={"width": width, "height": 1000}, locale="sv-SE"
        )
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.page = self.context.new_page()
        self.page.on("dialog", self._on_dialog)
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()  # confirm() of admin deletes; an alert() would be a failure, recorded

    def goto(self, route: str = "", *, fresh: bool = False) -> Any:
        """Open a screen. ``fresh``: load the app anew even when only the hash changes, so
        the directory (response points, groups, users) is read again: the app reads it once
        when it starts, and a test that just made a group through the API needs it."""
        target = f"{self.url}/#/{route.lstrip('#/')}"
        if self.page.url == target:
            # Already there (an earlier test left the screen, perhaps with a form open):
            # start it afresh, as a test arriving at a screen expects.
            self.page.reload()
        else:
            same_app = self.page.url.startswith(self.url)
            self.page.goto(target)  # only the hash changes within the app: no new load
            if fresh and same_app:
                self.page.reload()
        self.page.wait_for_selector("header.topbar")
        return self.page

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="session")
def sessions(
    browser: Any, stack: Stack, api_as: Callable[[str], ApiClient]
) -> Iterator[Callable[..., Session]]:
    opened: dict[tuple[str, str, int], Session] = {}

    def get(user: str, lang: str = "sv", width: int = 1280) -> Session:
        key = (user, lang, width)
        if key not in opened:
            # The server keeps the user's language; set it so a fresh load shows `lang`.
            api_as(user).call("PATCH", "/api/me", {"language": lang})
            opened[key] = Session(browser, stack, api_as(user), lang, width)
        session = opened[key]
        session.dialogs.clear()
        session.console.clear()
        return session

    yield get
    for session in opened.values():
        session.close()
