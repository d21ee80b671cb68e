"""Opening a ticket, its plain fields and notes (S10)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.events import EventType, NoteKind
from chalicelib.domain.statuses import Priority, Status
from chalicelib.domain.ticket import MAX_DESCRIPTION, MAX_NOTE, MAX_TITLE
from tests.unit.domain.builders import NOW, build_ticket, ticket_in


def test_a_new_ticket_is_new_medium_and_records_its_creation() -> None:
    ticket = build_ticket(number=10042, title="  Faktura fel  ")

    assert ticket.status is Status.NEW
    assert ticket.priority is Priority.MEDIUM
    assert ticket.title == "Faktura fel"
    [event] = ticket.pending_events
    assert event.type == EventType.CREATED
    assert {k: event.data[k] for k in ("number", "channel", "title", "status")} == {
        "number": 10042, "channel": "manual", "title": "Faktura fel", "status": "new",
    }  # fmt: skip
    # What statistics count the ticket under from the start (issue 14).
    assert event.data["dimensions"] == {
        "response_point_id": ticket.response_point_id, "group_id": ticket.group_id,
        "agent_id": ticket.agent_id, "channel": "manual", "ticket_type": ticket.ticket_type,
        "priority": "medium", "template_id": None, "organisation_id": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    "title",
    ["", "   ", None, 42, "x" * (MAX_TITLE + 1)],
    ids=["empty", "blank", "none", "number", "too-long"],
)
def test_a_ticket_needs_a_title_of_sensible_length(title: Any) -> None:
    with pytest.raises(ValidationError):
        build_ticket(title=title)


def test_a_title_in_any_script_is_kept() -> None:
    ticket = build_ticket(title="打印机坏了 — Принтер сломан — プリンター")

    assert ticket.title == "打印机坏了 — Принтер сломан — プリンター"


def test_a_too_long_description_is_refused_at_opening() -> None:
    with pytest.raises(ValidationError):
        build_ticket(description="x" * (MAX_DESCRIPTION + 1))


def test_changing_a_field_records_before_and_after() -> None:
    ticket = ticket_in(Status.OPEN)
    when = NOW + timedelta(minutes=3)

    ticket.set_field("title", "Ny rubrik", "agent1", when)

    [event] = ticket.pending_events
    assert event.type == EventType.FIELD_CHANGED
    assert event.data == {
        "field": "title",
        "before": "Skrivaren skriver inte ut",
        "after": "Ny rubrik",
    }
    assert ticket.updated_at == when


def test_setting_a_field_to_its_value_records_nothing() -> None:
    ticket = ticket_in(Status.OPEN)

    ticket.set_field("description", "", "agent1", NOW)

    assert ticket.pending_events == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("status", "closed"),
        ("agent_id", "agent2"),
        ("version", 7),
        ("locked_by", "agent2"),
        ("title", ""),
        ("description", None),
        ("description", "x" * (MAX_DESCRIPTION + 1)),
    ],
    ids=[
        "status",
        "agent",
        "version",
        "lock",
        "blank-title",
        "none-description",
        "long-description",
    ],
)
def test_fields_with_their_own_moves_or_bad_values_cannot_be_set_plainly(
    name: str, value: Any
) -> None:
    ticket = ticket_in(Status.OPEN)
    before = vars(ticket).copy()

    with pytest.raises(ValidationError):
        ticket.set_field(name, value, "agent1", NOW)

    assert vars(ticket) == before


def test_a_ticket_cannot_be_its_own_parent() -> None:
    ticket = ticket_in(Status.OPEN)

    with pytest.raises(ValidationError, match="own parent"):
        ticket.set_field("parent_id", ticket.id, "agent1", NOW)


def test_changing_priority_records_from_and_to() -> None:
    ticket = ticket_in(Status.OPEN)

    ticket.set_priority(Priority.HIGH, "agent1", NOW)
    ticket.set_priority(Priority.HIGH, "agent1", NOW)

    [event] = ticket.pending_events
    assert (event.type, event.data) == (
        EventType.PRIORITY_CHANGED,
        {"from": "medium", "to": "high"},
    )


@pytest.mark.parametrize("kind", list(NoteKind), ids=str)
def test_a_note_of_each_kind_is_a_row_in_the_history(kind: NoteKind) -> None:
    ticket = ticket_in(Status.OPEN)

    event = ticket.add_note(kind, "Bytte toner", "agent1", NOW)

    assert ticket.pending_events == [event]
    assert (event.type, event.data) == (EventType.NOTE, {"kind": kind.value, "text": "Bytte toner"})


@pytest.mark.parametrize(
    "text", ["", "  \n ", None, "x" * (MAX_NOTE + 1)], ids=["empty", "blank", "none", "too-long"]
)
def test_a_note_needs_text_of_sensible_length(text: Any) -> None:
    ticket = ticket_in(Status.OPEN)

    with pytest.raises(ValidationError):
        ticket.add_note(NoteKind.NOTE, text, "agent1", NOW)

    assert ticket.pending_events == []
