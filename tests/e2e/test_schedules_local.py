"""Scheduled activities in the local stack as `make run` starts it (S1, issue 12): a schedule
for every minute makes one ticket per minute, not two, and keeps doing so after a restart."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from typing import Any

from tests.e2e.conftest import Stack, start_stack
from tests.e2e.test_local_stack import call, login

WORD = f"minutkoll{uuid.uuid4().hex[:6]}"


def _made(stack: Stack, auth: dict[str, str]) -> list[dict[str, Any]]:
    found = call(stack, "POST", "/api/tickets/search", auth, json={"words": WORD, "limit": 50})
    assert found.status_code == 200, found.text
    return list(found.json()["items"])


def _wait_for_count(stack: Stack, auth: dict[str, str], count: int, seconds: float) -> list[Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        made = _made(stack, auth)
        if len(made) >= count:
            return made
        time.sleep(2)
    return _made(stack, auth)


def _one_per_minute(made: list[dict[str, Any]]) -> None:
    # The title carries the occurrence's local time ({time}): one ticket per minute.
    per_minute = Counter(t["title"] for t in made)
    assert all(n == 1 for n in per_minute.values()), per_minute
    assert all(t["channel"] == "scheduled" for t in made)


def test_a_schedule_for_every_minute_makes_one_ticket_a_minute_across_a_restart(
    stack: Stack,
) -> None:
    admin = login(stack, "admin@example.com")
    created = call(stack, "POST", "/api/admin/schedules", admin, json={
        "name": "Minutkoll", "template_id": "faktura", "title": f"{WORD} {{date}} {{time}}",
        "cron": "cron(* * * * ? *)", "time_zone": "Europe/Stockholm",
    })  # fmt: skip
    assert created.status_code == 201, created.text

    first = _wait_for_count(stack, admin, 1, 75)
    assert len(first) >= 1, "no ticket within a minute"
    _one_per_minute(first)

    assert stack.stop() == 0
    again = start_stack(stack.data_dir)
    try:
        admin = login(again, "admin@example.com")
        later = _wait_for_count(again, admin, len(first) + 1, 75)
        assert len(later) > len(first), "no ticket after the restart"
        _one_per_minute(later)
    finally:
        again.stop()
