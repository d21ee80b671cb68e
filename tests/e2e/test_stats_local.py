"""Statistics in the local stack as `make run` starts it (issue 14): the demo data's tickets
went through the stream into the counters, so a report shows them, and a ticket created now
is counted within moments."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import call, login


def _created(stack: Stack, auth: dict[str, str]) -> int:
    today = date.today()
    start, end = today - timedelta(days=3 * 365), today + timedelta(days=1)
    answer = call(stack, "GET", f"/api/stats?from={start}&to={end}&bucket=month", auth)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return int(body["totals"]["created"])


def _wait_for(what: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if got := what():
            return got
        time.sleep(1)
    return what()


def _settled(stack: Stack, auth: dict[str, str], seconds: float = 90) -> int:
    """The count once the stream consumer has caught up with the demo data: the same for
    three seconds running (it grows batch by batch while the seed's records are read)."""
    deadline = time.monotonic() + seconds
    last, same = -1, 0
    while time.monotonic() < deadline:
        count = _created(stack, auth)
        same = same + 1 if count == last and count > 0 else 0
        if same == 3:
            return count
        last = count
        time.sleep(1)
    return last


def test_the_demo_data_shows_in_the_statistics_and_a_new_ticket_is_counted(stack: Stack) -> None:
    admin = login(stack, "admin@example.com")
    seeded = _settled(stack, admin)
    assert seeded > 0, "the demo tickets were not counted"
    made = call(stack, "POST", "/api/tickets", admin, json={"title": "Räknas i statistiken"})
    assert made.status_code == 201, made.text
    assert _wait_for(lambda: _created(stack, admin) == seeded + 1 or None)
