"""End to end over HTTP against the local stack started the way `make run` starts it."""

from __future__ import annotations

import signal
from typing import Any

import requests

from local import dynamodb_local
from tests.e2e.conftest import Stack, start_stack


def login(stack: Stack, email: str) -> dict[str, str]:
    answer = requests.post(
        f"{stack.url}/api/auth/login", json={"email": email, "password": "demo"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def call(
    stack: Stack,
    method: str,
    path: str,
    auth: dict[str, str],
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> requests.Response:
    return requests.request(
        method, f"{stack.url}{path}", headers={**auth, **(headers or {})}, timeout=10, **kwargs
    )


def test_the_banner_prints_the_urls_and_demo_logins(stack: Stack) -> None:
    text = "".join(stack.output)
    assert f"{stack.url}/api" in text
    for email in (
        "admin@example.com",
        "dispatcher@example.com",
        "agent1@example.com",
        "agent2@example.com",
        "agent3@example.com",
    ):
        assert email in text
    assert "seeded 40 demo tickets" in text


def test_demo_data_is_there(stack: Stack) -> None:
    auth = login(stack, "admin@example.com")
    total = 0
    for rp in ("kundtjanst", "it-support"):
        cursor = None
        while True:
            params = {
                "response_point": rp,
                "limit": "200",
                **({"cursor": cursor} if cursor else {}),
            }
            page = call(stack, "GET", "/api/tickets", auth, params=params).json()
            total += len(page["items"])
            cursor = page["cursor"]
            if not cursor:
                break
    assert total == 40
    chinese = call(
        stack, "GET", "/api/contacts", auth, params={"email": "wang.wei@example.cn"}
    ).json()
    assert chinese["items"][0]["name"] == "王伟"
    # The demo's public web form (issue 13), the address the banner prints.
    assert f"{stack.url}/forms/kontakt" in "".join(stack.output)
    form = requests.get(f"{stack.url}/forms/kontakt", headers={"Accept-Language": "sv"}, timeout=10)
    assert form.status_code == 200
    assert "Kontakta kundtjänst" in form.text


def test_a_ticket_lives_through_create_pick_note_resolve_close_reopen(stack: Stack) -> None:
    agent = login(stack, "agent1@example.com")
    created = call(stack, "POST", "/api/tickets", agent, json={
        "title": "Trasig skrivare på plan 2", "group_id": "kt-forsta", "priority": "high",
        "contact": {"email": "e2e.kund@example.se", "name": "E2E Kund"},
    })  # fmt: skip
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["number"] >= 10001 and ticket["status"] == "new"
    tid = ticket["id"]

    picked = call(stack, "POST", f"/api/tickets/{tid}/pick", agent).json()
    assert picked["lock"]["by"] == "agent1" and picked["status"] == "open"
    other = login(stack, "agent2@example.com")
    blocked = call(stack, "POST", f"/api/tickets/{tid}/notes", other, json={"text": "mitt"})
    assert blocked.status_code == 409 and blocked.json()["error"] == "locked"

    note = call(
        stack,
        "POST",
        f"/api/tickets/{tid}/notes",
        agent,
        json={"kind": "solution", "text": "Bytte toner."},
    )
    assert note.status_code == 201
    version = call(stack, "GET", f"/api/tickets/{tid}", agent).json()["version"]
    stale = call(
        stack,
        "PATCH",
        f"/api/tickets/{tid}",
        agent,
        json={"status": "resolved"},
        headers={"If-Match": str(version - 1)},
    )
    assert stale.status_code == 409
    resolved = call(stack, "PATCH", f"/api/tickets/{tid}", agent, json={"status": "resolved"})
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolved_at"]
    closed = call(stack, "PATCH", f"/api/tickets/{tid}", agent, json={"status": "closed"})
    assert closed.json()["status"] == "closed"
    not_allowed = call(stack, "PATCH", f"/api/tickets/{tid}", agent, json={"status": "open"})
    assert not_allowed.status_code == 422
    reopened = call(
        stack, "POST", f"/api/tickets/{tid}/reopen", agent, json={"reason": "Kunden hörde av sig"}
    )
    assert reopened.json()["status"] == "open"

    history = call(stack, "GET", f"/api/tickets/{tid}", agent).json()["events"]
    assert [e["type"] for e in history] == [
        "created", "status_changed", "picked", "note", "status_changed", "status_changed", "reopened",
    ]  # fmt: skip


def test_pick_next_hands_out_the_most_urgent_ticket_of_my_groups(stack: Stack) -> None:
    agent = login(stack, "agent2@example.com")
    answer = call(stack, "POST", "/api/tickets/pick-next", agent).json()
    ticket = answer["ticket"]
    assert ticket is not None
    assert ticket["agent_id"] == "agent2" and ticket["group_id"] in ("kt-forsta", "kt-faktura")


def test_sigterm_stops_everything_and_a_restart_keeps_the_data(stack: Stack) -> None:
    auth = login(stack, "admin@example.com")
    made = call(stack, "POST", "/api/tickets", auth, json={"title": "Survives a restart"}).json()
    assert stack.stop() == 0
    assert not dynamodb_local.port_open(stack.dynamodb_port)

    # Started as a script's background job (SIGINT ignored), Ctrl-C's signal still stops it
    again = start_stack(stack.data_dir, background_job=True)
    try:
        assert "demo data already there" in "".join(again.output)
        auth = login(again, "admin@example.com")
        kept = call(again, "GET", f"/api/tickets/{made['id']}", auth)
        assert kept.status_code == 200 and kept.json()["title"] == "Survives a restart"
    finally:
        assert again.stop(signal.SIGINT) == 0
        assert not dynamodb_local.port_open(again.dynamodb_port)
