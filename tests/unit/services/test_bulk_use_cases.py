"""Bulk change and undo (issue 15): one change to many tickets, each written on its own,
refusals reported per ticket with the reason, and an undo that respects later work."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import BadRequestError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Priority, Status
from chalicelib.services import assignment, tickets
from chalicelib.services.bulk import use_cases
from chalicelib.services.bulk.use_cases import Outcome
from chalicelib.services.context import Services
from tests.support import FrozenClock
from tests.unit.services.builders import open_ticket, snapshot


def undo_body(outcomes: list[Outcome]) -> dict[str, Any]:
    """What the UI sends back: each done ticket's version and earlier values."""
    return {
        "items": [
            {"id": o.ticket_id, "version": o.ticket.version, "changes": o.before}
            for o in outcomes
            if o.ok and o.ticket is not None
        ]
    }


def three_in_the_pool(svc: Services, people: dict[str, User]) -> list[str]:
    return [open_ticket(svc, people["agent1"], group_id="kt-first").id for _ in range(3)]


def test_bulk_assign_then_undo_puts_every_ticket_back_as_it_was(
    svc: Services, people: dict[str, User]
) -> None:
    # Given three unassigned tickets of the first line
    ids = three_in_the_pool(svc, people)
    before = {i: svc.tickets.get(i) for i in ids}

    # When the dispatcher hands them all to agent2, then undoes it
    done = use_cases.bulk_change(
        svc, people["dispatcher"], {"ids": ids, "changes": {"agent_id": "agent2"}}
    )
    assigned = {i: svc.tickets.get(i).agent_id for i in ids}
    undone = use_cases.undo(svc, people["dispatcher"], undo_body(done))

    # Then each was assigned, with its earlier values handed back, and is back unassigned
    assert [o.ok for o in done] == [True, True, True]
    assert assigned == dict.fromkeys(ids, "agent2")
    assert done[0].before == {"agent_id": None, "group_id": "kt-first"}
    assert [o.ok for o in undone] == [True, True, True]
    for i in ids:
        now = svc.tickets.get(i)
        assert (now.agent_id, now.group_id) == (before[i].agent_id, before[i].group_id)


def test_a_ticket_locked_by_someone_else_is_refused_and_the_others_are_done(
    svc: Services, people: dict[str, User]
) -> None:
    ids = three_in_the_pool(svc, people)
    assignment.pick_ticket(svc, people["agent2"], ids[1])  # agent2 holds the lock
    held = snapshot(svc, ids[1])

    outcomes = use_cases.bulk_change(
        svc, people["agent1"], {"ids": ids, "changes": {"priority": "high"}}
    )

    assert [(o.ok, o.error) for o in outcomes] == [(True, None), (False, "locked"), (True, None)]
    assert outcomes[1].locked_by == "agent2"
    assert snapshot(svc, ids[1]) == held  # nothing written on the locked one
    assert svc.tickets.get(ids[0]).priority is Priority.HIGH


def test_undo_leaves_a_ticket_changed_since_and_says_so(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    ids = three_in_the_pool(svc, people)
    done = use_cases.bulk_change(
        svc, people["agent1"], {"ids": ids, "changes": {"priority": "low"}}
    )
    clock.advance(seconds=5)
    tickets.update_ticket(svc, people["agent2"], ids[0], {"title": "Nu ett annat ärende"})

    undone = use_cases.undo(svc, people["agent1"], undo_body(done))

    assert [(o.ok, o.error) for o in undone] == [(False, "changed"), (True, None), (True, None)]
    assert svc.tickets.get(ids[0]).priority is Priority.LOW  # left as the later work found it
    assert svc.tickets.get(ids[1]).priority is Priority.MEDIUM


def test_undo_of_a_bulk_resolve_reopens_the_tickets(svc: Services, people: dict[str, User]) -> None:
    ids = three_in_the_pool(svc, people)
    for i in ids:
        tickets.update_ticket(svc, people["agent1"], i, {"status": "open"})
    done = use_cases.bulk_change(
        svc, people["agent1"], {"ids": ids, "changes": {"status": "resolved"}}
    )

    undone = use_cases.undo(svc, people["agent1"], undo_body(done))

    assert all(o.ok for o in done) and all(o.ok for o in undone)
    assert {svc.tickets.get(i).status for i in ids} == {Status.OPEN}


def test_tickets_the_agent_may_not_see_are_reported_as_not_found(
    svc: Services, people: dict[str, User]
) -> None:
    # agent1 (kt-first) may not see a kt-second ticket at Kundtjänst (level own_groups)
    hidden = open_ticket(svc, people["dispatcher"], group_id="kt-second")
    mine = open_ticket(svc, people["agent1"], group_id="kt-first")
    kept = snapshot(svc, hidden.id)

    outcomes = use_cases.bulk_change(
        svc, people["agent1"], {"ids": [hidden.id, mine.id], "changes": {"status": "open"}}
    )

    assert [(o.ok, o.error) for o in outcomes] == [(False, "not_found"), (True, None)]
    assert outcomes[0].ticket is None  # nothing of the hidden ticket is shown
    assert snapshot(svc, hidden.id) == kept


def test_a_group_of_another_response_point_is_refused_per_ticket(
    svc: Services, people: dict[str, User]
) -> None:
    ids = three_in_the_pool(svc, people)

    outcomes = use_cases.bulk_change(
        svc, people["admin"], {"ids": ids, "changes": {"group_id": "it-desk"}}
    )

    assert {o.error for o in outcomes} == {"invalid"}
    assert {svc.tickets.get(i).group_id for i in ids} == {"kt-first"}


@pytest.mark.parametrize(
    ("ids", "changes", "error"),
    [
        ([f"t{i}" for i in range(98)], {"priority": "low"}, BadRequestError),
        (None, {"priority": "low"}, BadRequestError),
        ([], {}, ValidationError),
        ([], {"priority": "urgent"}, ValidationError),
        ([], {"agent_id": "nobody"}, ValidationError),
        ([], {"title": "Nytt"}, ValidationError),
        ([], {"status": "dormant_until"}, ValidationError),
    ],
    ids=[
        "over-100",
        "no-ids",
        "no-change",
        "bad-priority",
        "unknown-agent",
        "other-field",
        "dated",
    ],
)
def test_a_bad_request_writes_nothing(
    svc: Services,
    people: dict[str, User],
    ids: list[str] | None,
    changes: dict[str, Any],
    error: type[Exception],
) -> None:
    # Given three tickets, named with any extra ids (101 in all for "over-100")
    mine = three_in_the_pool(svc, people)
    kept = [snapshot(svc, i) for i in mine]
    body = {"ids": [] if ids is None else [*mine, *ids], "changes": changes}

    # When the request is refused as a whole
    with pytest.raises(error):
        use_cases.bulk_change(svc, people["admin"], body)

    # Then no ticket was changed
    assert [snapshot(svc, i) for i in mine] == kept
