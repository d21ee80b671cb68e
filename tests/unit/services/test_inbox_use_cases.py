"""Inboxes and ticket lists (S3, S4, S16)."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.services import inboxes, tickets
from chalicelib.services.context import Services
from tests.support import FrozenClock
from tests.unit.services.builders import open_ticket


def ids(page: object) -> list[str]:
    return [t.id for t in page.items]  # type: ignore[attr-defined]


def test_an_agent_has_own_group_pool_and_level_all_inboxes_with_counts(
    svc: Services, people: dict[str, User]
) -> None:
    d = people["dispatcher"]
    open_ticket(svc, d, group_id="kt-first")
    open_ticket(svc, d, group_id="kt-first", agent_id="agent1")
    open_ticket(svc, d, group_id="kt-second")
    open_ticket(svc, d, response_point_id="it-support", group_id="it-desk")
    open_ticket(svc, d, group_id="kt-first", status="closed")

    counts = {s.id: s.count for s in inboxes.my_inboxes(svc, people["agent1"])}

    assert counts == {
        "agent:agent1": 1,
        "group:kt-first": 2,
        "pool-group:kt-first": 1,
        "rp:it-support": 1,
        "pool-rp:it-support": 1,
    }


def test_an_admin_also_gets_the_inboxes_of_own_groups_points(
    svc: Services, people: dict[str, User]
) -> None:
    listed = {s.id for s in inboxes.my_inboxes(svc, people["admin"])}

    assert {"rp:kundtjanst", "pool-rp:kundtjanst", "rp:it-support"} <= listed


def test_an_inbox_lists_open_tickets_high_priority_first_then_oldest(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    d = people["dispatcher"]
    low = open_ticket(svc, d, group_id="kt-first", priority="low")
    clock.advance(minutes=1)
    high = open_ticket(svc, d, group_id="kt-first", priority="high")
    clock.advance(minutes=1)
    medium = open_ticket(svc, d, group_id="kt-first")
    clock.advance(minutes=1)
    later_high = open_ticket(svc, d, group_id="kt-first", priority="high")
    done = open_ticket(svc, d, group_id="kt-first", priority="high")
    tickets.update_ticket(svc, d, done.id, {"status": "resolved"})

    page = inboxes.inbox_page(svc, people["agent1"], "group:kt-first", limit=50, cursor=None)

    assert ids(page) == [high.id, later_high.id, medium.id, low.id]


def test_an_inbox_pages_with_a_cursor_until_the_end(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    made = []
    for _ in range(5):
        made.append(open_ticket(svc, people["dispatcher"], group_id="kt-first").id)
        clock.advance(seconds=1)

    seen: list[str] = []
    cursor = None
    for _ in range(3):
        page = inboxes.inbox_page(svc, people["agent1"], "group:kt-first", limit=2, cursor=cursor)
        seen += ids(page)
        cursor = page.cursor
    assert seen == made
    assert cursor is None


def test_a_cursor_the_api_did_not_hand_out_is_refused(
    svc: Services, people: dict[str, User]
) -> None:
    for cursor in ("zzz", "!!", "LTE=", "bm90IGEgbnVtYmVy"):
        with pytest.raises(ValidationError):
            inboxes.inbox_page(svc, people["agent1"], "group:kt-first", limit=2, cursor=cursor)


@pytest.mark.parametrize(
    "inbox",
    [
        "rp:kundtjanst",
        "pool-rp:kundtjanst",
        "group:kt-second",
        "pool-group:kt-second",
        "rp:nowhere",
        "group:nothing",
    ],
)
def test_an_agent_cannot_open_inboxes_hidden_by_the_level(
    svc: Services, people: dict[str, User], inbox: str
) -> None:
    with pytest.raises(NotFoundError):
        inboxes.inbox_page(svc, people["agent1"], inbox, limit=10, cursor=None)


def test_another_agents_inbox_shows_only_what_the_caller_may_see(
    svc: Services, people: dict[str, User]
) -> None:
    d = people["dispatcher"]
    hidden = open_ticket(svc, d, group_id="kt-second", agent_id="agent3")
    shared = open_ticket(
        svc, d, response_point_id="it-support", group_id="it-desk", agent_id="agent3"
    )

    page = inboxes.inbox_page(svc, people["agent1"], "agent:agent3", limit=10, cursor=None)

    assert ids(page) == [shared.id]
    assert hidden.id in ids(inboxes.inbox_page(svc, d, "agent:agent3", limit=10, cursor=None))


def test_searching_needs_one_indexed_filter(svc: Services, people: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as raised:
        inboxes.search_tickets(svc, people["admin"], {"status": "open"}, limit=10, cursor=None)

    assert raised.value.code == "needs_index"


@pytest.mark.parametrize(
    "params",
    [
        {"group": "kt-first", "status": "later"},
        {"group": "kt-first", "priority": "max"},
        {"group": "kt-first", "colour": "red"},
    ],
    ids=["bad-status", "bad-priority", "unknown-filter"],
)
def test_bad_search_filters_are_refused(
    svc: Services, people: dict[str, User], params: dict[str, str]
) -> None:
    with pytest.raises(ValidationError):
        inboxes.search_tickets(svc, people["admin"], params, limit=10, cursor=None)


def test_search_narrows_by_every_filter_and_hides_what_the_caller_may_not_see(
    svc: Services, people: dict[str, User]
) -> None:
    d = people["dispatcher"]
    fault_high = open_ticket(svc, d, group_id="kt-first", ticket_type="fault", priority="high")
    open_ticket(svc, d, group_id="kt-first", ticket_type="order", priority="high")
    open_ticket(svc, d, group_id="kt-first", ticket_type="fault", priority="low")
    closed = open_ticket(svc, d, group_id="kt-first", status="closed")
    hidden = open_ticket(svc, d, group_id="kt-second")
    agent = people["agent1"]

    def search(**params: str) -> list[str]:
        return ids(inboxes.search_tickets(svc, agent, params, limit=50, cursor=None))

    assert search(group="kt-first", type="fault", priority="high") == [fault_high.id]
    assert search(response_point="kundtjanst", status="closed") == [closed.id]
    assert hidden.id not in search(response_point="kundtjanst")
    assert search(group="kt-second") == []
