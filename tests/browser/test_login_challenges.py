"""Logging in past the login's challenges (issue 11), in Swedish and English, axe clean:
a TOTP code, a new password after a temporary one, and an admin's TOTP set-up.

Each test makes its own user, so that the demo users the other browser tests log in as
keep logging in with their password alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import ApiClient
from tests.browser.test_accessibility import _serious

STRONG = "Nytt-Lösen-2026!"
TITLES = {
    "code": {"sv": "Tvåstegsverifiering", "en": "Two-step verification"},
    "new-password": {"sv": "Välj ett nytt lösenord", "en": "Choose a new password"},
    "setup": {"sv": "Aktivera tvåstegsverifiering", "en": "Set up two-step verification"},
}


def make_user(admin: ApiClient, user_id: str, lang: str, **extra: Any) -> str:
    email = f"{user_id}@example.com"
    body = {"id": user_id, "email": email, "name": f"Test {user_id}", "roles": ["agent"],
            "groups": ["kt-forsta"], "language": lang, "password": "demo-pass", **extra}  # fmt: skip
    admin.call("POST", "/api/admin/users", body)
    return email


@pytest.fixture
def login_page(browser: Any, stack: Any) -> Iterator[Callable[[str], Any]]:
    contexts: list[Any] = []

    def open_page(lang: str) -> Any:
        context = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB")
        contexts.append(context)
        page = context.new_page()
        page.goto(stack.url + "/")
        expect(page.locator("form.login-card")).to_be_visible()
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page: Any, email: str, password: str = "demo-pass") -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form.login-card button[type=submit]").click()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_user_with_totp_logs_in_with_the_code_from_the_app(
    stack: Any, api_as: Callable[[str], ApiClient], login_page: Callable[[str], Any], lang: str
) -> None:
    email = make_user(api_as("admin"), f"totp-{lang}", lang)
    token = requests.post(
        f"{stack.url}/api/auth/login", json={"email": email, "password": "demo-pass"}, timeout=30
    ).json()["token"]
    me = ApiClient(stack.url, token, {})
    started = me.call("POST", "/api/me/mfa/setup", {"password": "demo-pass"})
    totp = pyotp.TOTP(started["secret"])
    me.call("POST", "/api/me/mfa/confirm", {"session": started["session"], "code": totp.now()})

    page = login_page(lang)
    log_in(page, email)
    expect(page.locator("h1")).to_have_text(TITLES["code"][lang])
    page.fill("input[name=code]", "000000")
    page.locator("form.login-card button[type=submit]").click()
    expect(page.locator("[role=alert]")).to_be_visible()
    problems = _serious(page)
    # The set-up used this 30-second step's code; each code is good once: the next one.
    page.fill("input[name=code]", totp.at(time.time(), counter_offset=1))
    page.locator("form.login-card button[type=submit]").click()

    expect(page.locator("header.topbar")).to_be_visible()
    assert problems == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_temporary_password_is_replaced_on_the_new_password_screen(
    stack: Any, api_as: Callable[[str], ApiClient], login_page: Callable[[str], Any], lang: str
) -> None:
    email = make_user(api_as("admin"), f"newpw-{lang}", lang, must_change_password=True)

    page = login_page(lang)
    log_in(page, email)
    expect(page.locator("h1")).to_have_text(TITLES["new-password"][lang])
    page.fill("input[name=new-password]", "kort")
    page.fill("input[name=repeat-password]", "annat")
    page.locator("form.login-card button[type=submit]").click()
    expect(page.locator("[role=alert] li")).to_have_count(5)
    problems = _serious(page)
    page.fill("input[name=new-password]", STRONG)
    page.fill("input[name=repeat-password]", STRONG)
    page.locator("form.login-card button[type=submit]").click()

    expect(page.locator("header.topbar")).to_be_visible()
    assert problems == []
    again = requests.post(
        f"{stack.url}/api/auth/login", json={"email": email, "password": STRONG}, timeout=30
    )
    assert "token" in again.json()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_admin_without_totp_sets_it_up_before_getting_in(
    api_as: Callable[[str], ApiClient], login_page: Callable[[str], Any], lang: str
) -> None:
    admin = api_as("admin")
    email = make_user(admin, f"adm-{lang}", lang, roles=["admin"], groups=[])
    admin.call("PUT", "/api/admin/settings", {"admins_require_mfa": True})
    try:
        page = login_page(lang)
        log_in(page, email)
        expect(page.locator("h1")).to_have_text(TITLES["setup"][lang])
        secret = page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
        expect(page.locator("a[href^='otpauth://totp/ServIT:']")).to_be_visible()
        problems = _serious(page)
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.locator("form.login-card button[type=submit]").click()

        expect(page.locator("header.topbar")).to_be_visible()
        assert problems == []
    finally:
        admin.call("PUT", "/api/admin/settings", {"admins_require_mfa": False})
