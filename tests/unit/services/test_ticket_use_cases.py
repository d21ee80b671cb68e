"""Use cases on one ticket (S1, S4, S8, S10) on the in-memory fakes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.custom_fields import CustomFieldDefinition
from chalicelib.domain.errors import (
    BadRequestError,
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    TicketLockedError,
    ValidationError,
)
from chalicelib.domain.events import EventType
from chalicelib.domain.organisation import User
from chalicelib.domain.records import to_record
from chalicelib.domain.statuses import Priority, Status
from chalicelib.services import assignment, directory, tickets
from chalicelib.services.context import Services
from tests.support import FrozenClock
from tests.unit.services.builders import all_tickets, open_ticket, snapshot

# --- create (agent-entered intake) -------------------------------------------


def test_ticket_numbers_start_at_10001_and_count_up(svc: Services, people: dict[str, User]) -> None:
    numbers = [open_ticket(svc, people["agent1"]).number for _ in range(3)]

    assert numbers == [10001, 10002, 10003]


def test_a_new_ticket_goes_to_the_default_response_point_and_records_its_creation(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first", priority="high")

    stored, events = snapshot(svc, ticket.id)
    assert stored.response_point_id == "kundtjanst"
    assert (stored.status, stored.priority, stored.group_id) == (
        Status.NEW,
        Priority.HIGH,
        "kt-first",
    )
    assert [e.type for e in events] == [EventType.CREATED]
    assert events[0].actor == "agent1"
    assert stored.version == 1


def test_an_inline_contact_is_created_once_and_found_again_by_email(
    svc: Services, people: dict[str, User]
) -> None:
    contact = {"email": "Kalle@Example.com", "name": "Kalle Anka"}

    first = open_ticket(svc, people["agent1"], contact=contact)
    second = open_ticket(svc, people["agent2"], contact={"email": "kalle@example.com"})

    assert first.contact_id is not None
    assert second.contact_id == first.contact_id
    found = svc.contacts.get(first.contact_id)
    assert (found.name, found.emails) == ("Kalle Anka", ["kalle@example.com"])


def test_an_inline_contact_is_found_by_phone_when_no_email_matches(
    svc: Services, people: dict[str, User]
) -> None:
    first = open_ticket(svc, people["agent1"], contact={"phone": "+46 70-123 45 67", "name": "K"})

    second = open_ticket(svc, people["agent1"], contact={"phone": "+46701234567"})

    assert second.contact_id == first.contact_id


def test_a_ticket_may_name_an_existing_contact_by_id(
    svc: Services, people: dict[str, User]
) -> None:
    first = open_ticket(svc, people["agent1"], contact={"email": "k@example.com"})

    second = open_ticket(svc, people["agent1"], contact_id=first.contact_id)

    assert second.contact_id == first.contact_id


BAD_CREATES: list[tuple[dict[str, Any], type[Exception]]] = [
    ({"title": None}, ValidationError),
    ({"title": "   "}, ValidationError),
    ({"title": 7}, BadRequestError),
    ({"priority": "urgent"}, ValidationError),
    ({"ticket_type": "nonsense"}, ValidationError),
    ({"cc": ["not-an-address"]}, ValidationError),
    ({"cc": "a@example.com"}, BadRequestError),
    ({"status": "dormant_until"}, ValidationError),
    ({"status": "dormant_until", "dormant_until": "2026-13-01T00:00:00Z"}, ValidationError),
    ({"status": "open", "dormant_until": "2999-01-01T00:00:00Z"}, ValidationError),
    ({"status": "reopened"}, ValidationError),
    ({"parent_id": "no-such-ticket"}, ValidationError),
    ({"group_id": "it-desk"}, ValidationError),
    ({"agent_id": "nobody"}, ValidationError),
    ({"response_point_id": "nowhere"}, ValidationError),
    ({"custom_fields": {"colour": "red"}}, ValidationError),
    ({"unknown": 1}, ValidationError),
]


@pytest.mark.parametrize(
    ("bad", "error"),
    BAD_CREATES,
    ids=[
        "no-title",
        "blank-title",
        "title-number",
        "bad-priority",
        "unknown-type",
        "bad-cc",
        "cc-not-list",
        "dormant-without-date",
        "dormant-without-date",
        "date-for-open",
        "unknown-status",
        "unknown-parent",
        "group-of-other-rp",
        "unknown-agent",
        "unknown-rp",
        "unknown-custom-field",
        "unknown-key",
    ],
)
def test_bad_input_on_create_writes_nothing_not_even_the_inline_contact(
    svc: Services, people: dict[str, User], bad: dict[str, Any], error: type[Exception]
) -> None:
    body = {"title": "Hej", "contact": {"email": "ny@example.com", "name": "Ny"}, **bad}

    with pytest.raises(error):
        tickets.create_ticket(svc, people["agent1"], body)

    assert svc.contacts.find_by_email("ny@example.com") is None
    assert all_tickets(svc) == []
    # And no ticket number was used up.
    assert open_ticket(svc, people["agent1"]).number == 10001


def test_a_ticket_may_start_dormant_until_a_future_date(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    wake = clock.now + timedelta(days=3)

    ticket = open_ticket(
        svc, people["agent1"], status="dormant_until", dormant_until=wake.isoformat()
    )

    assert svc.tickets.get(ticket.id).dormant_until == wake


def test_a_ticket_may_be_closed_at_once(svc: Services, people: dict[str, User]) -> None:
    ticket = open_ticket(svc, people["dispatcher"], status="closed")

    stored, events = snapshot(svc, ticket.id)
    assert stored.status is Status.CLOSED
    assert stored.closed_at is not None
    assert [e.type for e in events] == [EventType.CREATED, EventType.STATUS_CHANGED]


# --- read ------------------------------------------------------------------


def test_a_ticket_is_read_with_its_whole_history_oldest_first(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket = open_ticket(svc, agent, group_id="kt-first")
    clock.advance(minutes=1)
    tickets.add_note(svc, agent, ticket.id, {"kind": "action", "text": "Ringde kunden"})
    clock.advance(minutes=1)
    tickets.update_ticket(svc, agent, ticket.id, {"status": "with_contact"})

    _, events = tickets.get_ticket(svc, agent, ticket.id)

    assert [e.type for e in events] == [EventType.CREATED, EventType.NOTE, EventType.STATUS_CHANGED]
    assert [e.at for e in events] == sorted(e.at for e in events)


# --- update ----------------------------------------------------------------


def test_an_update_with_a_stale_version_is_a_conflict_and_writes_nothing(
    svc: Services, people: dict[str, User]
) -> None:
    agent = people["agent1"]
    ticket = open_ticket(svc, agent, group_id="kt-first")
    tickets.update_ticket(svc, agent, ticket.id, {"priority": "high"}, if_match=1)
    before = snapshot(svc, ticket.id)

    with pytest.raises(ConflictError) as raised:
        tickets.update_ticket(svc, agent, ticket.id, {"title": "Annat"}, if_match=1)

    assert raised.value.code == "stale"
    assert snapshot(svc, ticket.id) == before
    assert before[0].version == 2


def test_an_update_with_the_current_version_succeeds_and_bumps_it(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")

    updated = tickets.update_ticket(svc, people["agent1"], ticket.id, {"title": "Ny"}, if_match=1)

    assert (updated.title, updated.version) == ("Ny", 2)


def test_two_writers_from_the_same_read_the_second_loses(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")
    mine, theirs = svc.tickets.get(ticket.id), svc.tickets.get(ticket.id)
    mine.set_field("title", "Min", "agent1", svc.clock())
    svc.tickets.save(mine)
    theirs.set_field("title", "Deras", "agent2", svc.clock())

    with pytest.raises(ConflictError):
        svc.tickets.save(theirs)

    assert svc.tickets.get(ticket.id).title == "Min"


FAILING_PATCHES = [
    {"title": "Ny rubrik", "priority": "high", "status": "bogus"},
    {"title": "Ny rubrik", "priority": "high", "status": "new"},
    {"title": "Ny rubrik", "status": "dormant_until"},
    {"title": "Ny rubrik", "status": "dormant_until", "dormant_until": "someday"},
    {"title": "Ny rubrik", "priority": "high", "group_id": "it-desk"},
    {"description": "Ändrad", "custom_fields": {"nope": 1}},
    {"title": "Ny rubrik", "cc": ["ok@example.com", "broken"]},
    {"priority": "low", "parent_id": "missing"},
    {"title": "Ny rubrik", "agent_id": "ghost"},
    {"title": "Ny rubrik", "ticket_type": "fault", "itil_process": "itil"},
    {"title": "Ny rubrik", "dormant_until": "2999-01-01T00:00:00Z"},
]


@pytest.mark.parametrize(
    "body",
    FAILING_PATCHES,
    ids=[
        "bad-status",
        "back-to-new",
        "dormant-without-date",
        "dormant-not-a-date",
        "group-of-other-rp",
        "unknown-custom-field",
        "one-bad-cc",
        "missing-parent",
        "unknown-agent",
        "bad-itil",
        "wake-up-date-for-open-ticket",
    ],
)
def test_a_patch_failing_midway_leaves_ticket_and_history_unchanged(
    svc: Services, people: dict[str, User], body: dict[str, Any]
) -> None:
    agent = people["agent1"]
    ticket = open_ticket(svc, agent, group_id="kt-first", status="open")
    before = snapshot(svc, ticket.id)

    with pytest.raises(ValidationError):
        tickets.update_ticket(svc, agent, ticket.id, body)

    assert snapshot(svc, ticket.id) == before


def test_a_patch_applies_all_its_fields_in_one_version(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket = open_ticket(svc, agent, group_id="kt-first")
    wake = clock.now + timedelta(days=2)

    updated = tickets.update_ticket(
        svc,
        agent,
        ticket.id,
        {
            "title": "Ny",
            "priority": "low",
            "ticket_type": "order",
            "itil_process": "incident",
            "cc": ["A@Example.com"],
            "status": "dormant_until",
            "dormant_until": wake.isoformat(),
        },
    )

    stored, events = snapshot(svc, ticket.id)
    assert stored == updated
    assert (stored.title, stored.priority, stored.ticket_type) == ("Ny", Priority.LOW, "order")
    assert stored.cc == ["a@example.com"]
    assert (stored.status, stored.dormant_until) == (Status.DORMANT_UNTIL, wake)
    assert stored.version == 2
    assert len(events) == 7


@pytest.mark.parametrize(
    ("source", "target"),
    [("closed", "open"), ("resolved", "open"), ("closed", "resolved"), ("open", "new")],
    ids=["closed->open", "resolved->open", "closed->resolved", "open->new"],
)
def test_a_move_the_machine_forbids_is_refused_through_update(
    svc: Services, people: dict[str, User], source: str, target: str
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first", status=source)

    with pytest.raises(InvalidTransitionError):
        tickets.update_ticket(svc, people["agent1"], ticket.id, {"status": target})


def test_sending_back_the_assignment_of_a_closed_ticket_is_no_error(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first", agent_id="agent1")
    tickets.update_ticket(svc, people["agent1"], ticket.id, {"status": "closed"})

    updated = tickets.update_ticket(
        svc,
        people["agent1"],
        ticket.id,
        {"status": "closed", "group_id": "kt-first", "agent_id": "agent1", "title": "Stängd"},
    )

    assert (updated.status, updated.title) == (Status.CLOSED, "Stängd")


def test_moving_a_ticket_to_another_response_point_needs_a_group_there(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["dispatcher"], group_id="kt-first")

    with pytest.raises(ValidationError, match="another response point"):
        tickets.update_ticket(
            svc, people["dispatcher"], ticket.id, {"response_point_id": "it-support"}
        )
    moved = tickets.update_ticket(
        svc,
        people["dispatcher"],
        ticket.id,
        {"response_point_id": "it-support", "group_id": "it-desk"},
    )

    assert (moved.response_point_id, moved.group_id) == ("it-support", "it-desk")


def test_custom_fields_are_validated_and_merged_on_update(
    svc: Services, people: dict[str, User]
) -> None:
    for definition in (
        CustomFieldDefinition("invoice", "Faktura", "text"),  # type: ignore[arg-type]
        CustomFieldDefinition("amount", "Belopp", "number"),  # type: ignore[arg-type]
    ):
        svc.config.put(directory.CUSTOM_FIELD, definition.id, to_record(definition))
    agent = people["agent1"]
    ticket = open_ticket(svc, agent, group_id="kt-first", custom_fields={"invoice": "F-1"})

    with pytest.raises(ValidationError):
        tickets.update_ticket(svc, agent, ticket.id, {"custom_fields": {"amount": "tio"}})
    updated = tickets.update_ticket(svc, agent, ticket.id, {"custom_fields": {"amount": 10}})

    assert updated.custom_fields == {"invoice": "F-1", "amount": 10}


# --- locks, notes, reopen ---------------------------------------------------


def test_writes_to_a_ticket_locked_by_another_agent_are_refused(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")
    assignment.pick_ticket(svc, people["agent1"], ticket.id)
    before = snapshot(svc, ticket.id)
    other = people["agent2"]

    for write in (
        lambda: tickets.update_ticket(svc, other, ticket.id, {"title": "Mitt"}),
        lambda: tickets.add_note(svc, other, ticket.id, {"text": "Hej"}),
        lambda: assignment.pick_ticket(svc, other, ticket.id),
        lambda: assignment.release_ticket(svc, other, ticket.id),
    ):
        with pytest.raises(TicketLockedError):
            write()

    assert snapshot(svc, ticket.id) == before


@pytest.mark.parametrize("who", ["dispatcher", "admin"])
def test_dispatchers_and_admins_may_hand_over_a_locked_ticket(
    svc: Services, people: dict[str, User], who: str
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")
    assignment.pick_ticket(svc, people["agent1"], ticket.id)

    handed = tickets.update_ticket(svc, people[who], ticket.id, {"agent_id": "agent2"})

    assert handed.agent_id == "agent2"
    assert handed.lock_holder(svc.clock()) is None


def test_the_lock_holders_writes_extend_the_lock(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    agent = people["agent1"]
    ticket = open_ticket(svc, agent, group_id="kt-first")
    assignment.pick_ticket(svc, agent, ticket.id)
    clock.advance(minutes=20)

    tickets.add_note(svc, agent, ticket.id, {"text": "Fortfarande på det"})

    assert svc.tickets.get(ticket.id).locked_until == clock.now + timedelta(minutes=30)


def test_a_lock_expires_after_the_configured_minutes(
    svc: Services, people: dict[str, User], clock: FrozenClock
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")
    assignment.pick_ticket(svc, people["agent1"], ticket.id)
    clock.advance(minutes=30)

    taken = assignment.pick_ticket(svc, people["agent2"], ticket.id)

    assert taken.agent_id == "agent2"


def test_a_note_is_saved_in_the_history(svc: Services, people: dict[str, User]) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")

    event = tickets.add_note(
        svc, people["agent1"], ticket.id, {"kind": "solution", "text": "Klart"}
    )

    assert snapshot(svc, ticket.id)[1][-1] == event
    assert event.data == {"kind": "solution", "text": "Klart"}


@pytest.mark.parametrize(
    "body",
    [{"text": ""}, {"kind": "email", "text": "x"}, {"text": 3}, {"text": "x", "extra": 1}, []],
    ids=["empty", "bad-kind", "text-number", "unknown-key", "not-object"],
)
def test_a_bad_note_writes_nothing(svc: Services, people: dict[str, User], body: Any) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first")
    before = snapshot(svc, ticket.id)

    with pytest.raises((ValidationError, BadRequestError)):
        tickets.add_note(svc, people["agent1"], ticket.id, body)

    assert snapshot(svc, ticket.id) == before


def test_reopening_a_closed_ticket_brings_it_back_to_open(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["agent1"], group_id="kt-first", status="closed")

    reopened = tickets.reopen_ticket(svc, people["agent1"], ticket.id, {"reason": "Kunden svarade"})

    assert reopened.status is Status.OPEN
    assert snapshot(svc, ticket.id)[1][-1].data == {
        "previous": "closed",
        "reason": "Kunden svarade",
    }


# --- multi-user level -------------------------------------------------------


def test_an_agent_cannot_see_or_change_another_groups_ticket_at_an_own_groups_point(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(svc, people["dispatcher"], group_id="kt-second")
    agent1 = people["agent1"]
    before = snapshot(svc, ticket.id)

    for attempt in (
        lambda: tickets.get_ticket(svc, agent1, ticket.id),
        lambda: tickets.update_ticket(svc, agent1, ticket.id, {"title": "x"}),
        lambda: tickets.add_note(svc, agent1, ticket.id, {"text": "x"}),
        lambda: tickets.reopen_ticket(svc, agent1, ticket.id, {}),
        lambda: assignment.pick_ticket(svc, agent1, ticket.id),
        lambda: assignment.release_ticket(svc, agent1, ticket.id),
    ):
        with pytest.raises(NotFoundError):
            attempt()

    assert snapshot(svc, ticket.id) == before
    assert tickets.get_ticket(svc, people["agent3"], ticket.id)[0].id == ticket.id


def test_an_agent_sees_every_ticket_of_a_point_with_level_all(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = open_ticket(
        svc, people["dispatcher"], response_point_id="it-support", group_id="it-desk"
    )

    seen, _ = tickets.get_ticket(svc, people["agent1"], ticket.id)

    assert seen.id == ticket.id


def test_a_missing_ticket_is_not_found(svc: Services, people: dict[str, User]) -> None:
    with pytest.raises(NotFoundError):
        tickets.get_ticket(svc, people["admin"], "01NOSUCHTICKET")


def test_a_hidden_ticket_cannot_be_linked_as_parent_as_if_it_were_missing(
    svc: Services, people: dict[str, User]
) -> None:
    hidden = open_ticket(svc, people["dispatcher"], group_id="kt-second")
    mine = open_ticket(svc, people["agent1"], group_id="kt-first")

    with pytest.raises(ValidationError, match="no parent ticket") as on_create:
        open_ticket(svc, people["agent1"], group_id="kt-first", parent_id=hidden.id)
    with pytest.raises(ValidationError, match="no parent ticket") as on_update:
        tickets.update_ticket(svc, people["agent1"], mine.id, {"parent_id": hidden.id})

    assert on_create.value.message == f"no parent ticket {hidden.id!r}"
    assert on_update.value.message == f"no parent ticket {hidden.id!r}"
    linked = tickets.update_ticket(svc, people["agent3"], hidden.id, {"parent_id": None})
    assert linked.parent_id is None
