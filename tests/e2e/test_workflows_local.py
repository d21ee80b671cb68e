"""Time and follow-up in the local stack as `make run` starts it: the wake-up machine runs
on moto's interpreter, and what is pending survives a restart (issue 12)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.conftest import Stack, start_stack
from tests.e2e.test_local_stack import call, login


def _wait_for(check: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    return check()


def _dormant_ticket(stack: Stack, auth: dict[str, str], title: str, seconds: int) -> str:
    made = call(stack, "POST", "/api/tickets", auth, json={
        "title": title, "group_id": "kt-forsta", "agent_id": "agent1",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    at = (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
    slept = call(stack, "PATCH", f"/api/tickets/{made.json()['id']}", auth,
                 json={"status": "dormant_until", "dormant_until": at})  # fmt: skip
    assert slept.status_code == 200 and slept.json()["status"] == "dormant_until", slept.text
    return str(made.json()["id"])


def test_a_dormant_ticket_wakes_up_and_its_agent_is_told(stack: Stack) -> None:
    # The dispatcher sets agent1's ticket dormant, so agent1 hears of the wake-up.
    dispatcher = login(stack, "dispatcher@example.com")
    agent = login(stack, "agent1@example.com")
    ticket_id = _dormant_ticket(stack, dispatcher, "Väck om en halv minut", 30)

    def woke() -> bool:
        return bool(
            call(stack, "GET", f"/api/tickets/{ticket_id}", agent).json()["status"] == "open"
        )

    assert _wait_for(woke, 60), "not open again within a minute"
    events = call(stack, "GET", f"/api/tickets/{ticket_id}", agent).json()["events"]
    assert [e["type"] for e in events].count("woke_up") == 1

    def told() -> list[dict[str, Any]]:
        notices = call(stack, "GET", "/api/me/notifications", agent).json()["items"]
        return [n for n in notices if n["ticket_id"] == ticket_id and n["kind"] == "follow_up"]

    assert _wait_for(told, 20)


def test_a_pending_wakeup_survives_a_restart(stack: Stack) -> None:
    auth = login(stack, "agent1@example.com")
    ticket_id = _dormant_ticket(stack, auth, "Väck efter omstart", 45)
    assert stack.stop() == 0

    again = start_stack(stack.data_dir)
    try:
        assert "pending wake-up(s) from DynamoDB" in "".join(again.output)
        auth = login(again, "agent1@example.com")

        def woke() -> bool:
            answer = call(again, "GET", f"/api/tickets/{ticket_id}", auth).json()
            return bool(answer["status"] == "open")

        assert _wait_for(woke, 90)
    finally:
        again.stop()
