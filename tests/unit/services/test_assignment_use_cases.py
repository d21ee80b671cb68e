"""Pick next, pick, release and the dispatcher tool (S17)."""

from __future__ import annotations

import threading

import pytest

from chalicelib.domain.errors import PermissionDeniedError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.domain.records import to_record
from chalicelib.domain.statuses import Status
from chalicelib.services import assignment, directory, tickets
from chalicelib.services.context import Services
from tests.support import FrozenClock
from tests.unit.services.builders import open_ticket


def add_agents(svc: Services, count: int, group: str = "kt-first") -> list[User]:
    agents = [
        User(f"extra{i}", f"extra{i}@example.com", f"Extra {i}", groups=[group])
        for i in range(count)
    ]
    for agent in agents:
        svc.config.put(directory.USER, agent.id, to_record(agent))
    return agents


def test_twenty_agents_picking_in_turn_each_get_a_different_ticket(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    for _ in range(25):
        open_ticket(svc, people["dispatcher"], group_id="kt-first")
        clock.advance(seconds=1)

    agents = add_agents(svc, 20)

    picked = [assignment.pick_next(svc, agent) for agent in agents]

    ids = [t.id for t in picked if t is not None]
    assert len(ids) == 20
    assert len(set(ids)) == 20
    assert [svc.tickets.get(i).agent_id for i in ids] == [a.id for a in agents]


def test_each_picked_ticket_is_owned_and_locked_by_its_picker(
    svc: Services, people: dict[str, User]
) -> None:
    for _ in range(3):
        open_ticket(svc, people["dispatcher"], group_id="kt-first")
    agents = add_agents(svc, 3)

    for agent in agents:
        picked = assignment.pick_next(svc, agent)
        assert picked is not None
        stored = svc.tickets.get(picked.id)
        assert (stored.agent_id, stored.lock_holder(svc.clock())) == (agent.id, agent.id)
        assert stored.status is Status.OPEN


def test_agents_racing_in_threads_never_get_the_same_ticket(
    svc: Services, people: dict[str, User]
) -> None:
    for _ in range(20):
        open_ticket(svc, people["dispatcher"], group_id="kt-first")
    agents = add_agents(svc, 20)
    results: list[str | None] = []
    barrier = threading.Barrier(len(agents))

    def pick(agent: User) -> None:
        barrier.wait()
        ticket = assignment.pick_next(svc, agent)
        results.append(ticket.id if ticket else None)

    threads = [threading.Thread(target=pick, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    got = [r for r in results if r]
    assert len(got) == len(set(got))
    owners = {svc.tickets.get(t).agent_id for t in got}
    assert len(owners) == len(got)


def test_pick_next_takes_high_priority_first_then_the_oldest(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    d = people["dispatcher"]
    old_low = open_ticket(svc, d, group_id="kt-first", priority="low")
    clock.advance(minutes=1)
    old_medium = open_ticket(svc, d, group_id="kt-first", priority="medium")
    clock.advance(minutes=1)
    new_high = open_ticket(svc, d, group_id="kt-first", priority="high")
    clock.advance(minutes=1)
    newer_high = open_ticket(svc, d, group_id="kt-first", priority="high")
    agents = add_agents(svc, 5)

    order = [assignment.pick_next(svc, a) for a in agents]

    assert [t.id if t else None for t in order] == [
        new_high.id,
        newer_high.id,
        old_medium.id,
        old_low.id,
        None,
    ]


def test_pick_next_only_takes_tickets_of_the_agents_groups(
    svc: Services, people: dict[str, User]
) -> None:
    open_ticket(svc, people["dispatcher"], group_id="kt-second")
    open_ticket(svc, people["dispatcher"], response_point_id="it-support", group_id="it-desk")
    unrouted = open_ticket(svc, people["dispatcher"])

    assert assignment.pick_next(svc, people["agent1"]) is None
    assert svc.tickets.get(unrouted.id).agent_id is None


def test_pick_next_finds_a_pickable_ticket_behind_many_that_are_not(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    # Given more dormant and waiting tickets than one read of candidates holds,
    # all sorting before the one ticket that may be picked
    for status in ["dormant", "with_contact", "with_external"] * 5:
        open_ticket(svc, people["dispatcher"], group_id="kt-first", priority="high", status=status)
    clock.advance(minutes=1)
    waiting = open_ticket(svc, people["dispatcher"], group_id="kt-first", priority="low")

    picked = assignment.pick_next(svc, people["agent1"])

    assert picked is not None and picked.id == waiting.id


def test_pick_next_skips_tickets_already_owned_or_closed(
    svc: Services, people: dict[str, User]
) -> None:
    d = people["dispatcher"]
    open_ticket(svc, d, group_id="kt-first", agent_id="agent2")
    open_ticket(svc, d, group_id="kt-first", status="closed")
    open_ticket(svc, d, group_id="kt-first", status="resolved")

    assert assignment.pick_next(svc, people["agent1"]) is None


def test_an_agent_in_no_group_has_nothing_to_pick(svc: Services, people: dict[str, User]) -> None:
    loner = User("loner", "loner@example.com", "Loner")

    with pytest.raises(ValidationError, match="no group"):
        assignment.pick_next(svc, loner)


def test_releasing_leaves_the_agent_owner_and_lets_others_write(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")
    assignment.pick_ticket(svc, people["agent1"], ticket.id)

    released = assignment.release_ticket(svc, people["agent1"], ticket.id)
    tickets.add_note(svc, people["agent2"], ticket.id, {"text": "Jag hjälper till"})

    assert released.agent_id == "agent1"
    assert svc.tickets.get(ticket.id).lock_holder(svc.clock()) is None


def test_the_dispatcher_hands_out_several_tickets_at_once(
    svc: Services, people: dict[str, User]
) -> None:
    d = people["dispatcher"]
    batch = [open_ticket(svc, d, group_id="kt-first") for _ in range(3)]

    done = assignment.assign_tickets(
        svc, d, {"ticket_ids": [t.id for t in batch], "agent_id": "agent2"}
    )

    assert {t.agent_id for t in done} == {"agent2"}
    assert all(svc.tickets.get(t.id).agent_id == "agent2" for t in batch)


def test_agents_may_not_use_the_dispatcher_tool(svc: Services, people: dict[str, User]) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")

    with pytest.raises(PermissionDeniedError):
        assignment.assign_tickets(svc, people["agent1"], {"ticket_ids": [ticket.id]})


def test_a_ticket_the_dispatcher_takes_back_is_free_for_the_next_agent(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")
    assignment.pick_ticket(svc, people["agent1"], ticket.id)
    tickets.update_ticket(svc, people["dispatcher"], ticket.id, {"agent_id": None})

    picked = assignment.pick_next(svc, people["agent2"])

    assert picked is not None and picked.id == ticket.id
