"""Triggers (S7), the pure part: what an admin may write (refused with a reason that names
the field), and which change a trigger fires on, and why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.triggers import (
    TicketFacts,
    Trigger,
    describe,
    evaluate,
    events_of_change,
    find_keyword,
)

AT = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
ON_CALL = {"type": "sms", "to": ["+46701234567"]}


def trigger(**changes: Any) -> Trigger:
    record: dict[str, Any] = {
        "id": "avbrott",
        "name": "Avbrott",
        "when": ["ticket_created", "message_in"],
        "conditions": {"keywords": ["avbrott"]},
        "actions": [ON_CALL],
        **changes,
    }
    return from_record(Trigger, record)


def event(type: str, actor: str = "anna@kund.example.se", **data: Any) -> TicketEvent:
    return TicketEvent.new("T1", AT, type, actor, **data)


TICKET = TicketFacts(
    response_point_id="kundtjanst",
    group_id="kt-first",
    channel="email",
    priority="medium",
    organisation="Malmö Energi AB",
    title="Fråga om faktura",
)


def verdict(t: Trigger, events: list[TicketEvent], ticket: TicketFacts = TICKET) -> Any:
    return evaluate(t, ticket, events_of_change(events, ticket))


# --- keywords -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Totalt AVBROTT i Malmö!", "avbrott"),
        ("avbrott.", "avbrott"),
        ("Avbrottet fortsätter", None),  # another word
        ("strömavbrott", None),  # part of a compound
        ("Det är ett ström-\navbrott", "avbrott"),  # a hyphen is a word boundary
        ("Vi har inget STRÖMAVBROTT", None),  # "avbrott" is not a word of it
        ("Ingen el i ÅRE", "Åre"),
        ("Ingen el i Åresund", None),
        ("Ingen el i A\u030are", "Åre"),  # the mail's "Å" decomposed
    ],
    ids=[
        "upper",
        "punctuation",
        "inflected",
        "compound",
        "hyphen",
        "compound-upper",
        "å",
        "å-prefix",
        "nfd",
    ],
)
def test_keywords_match_whole_words_whatever_their_case(text: str, found: str | None) -> None:
    assert find_keyword(["avbrott", "Åre"], text) == found


def test_a_keyword_in_decomposed_letters_is_found_in_composed_text() -> None:
    # "å" typed as a + combining ring, the mail in NFC
    assert find_keyword(["stra\u030ale"], "Fel på STRÅLE 4") == "stra\u030ale"


def test_a_phrase_matches_across_line_breaks_and_spaces() -> None:
    assert find_keyword(["ingen ström"], "Vi har\n  INGEN   ström sedan i morse") == "ingen ström"
    assert find_keyword(["ingen ström"], "ingen strömbrytare") is None


# --- evaluation ------------------------------------------------------------------------


def test_a_new_mail_with_the_keyword_fires_once_on_the_first_event_saying_why() -> None:
    created = event("created", title="Fråga om faktura")
    message = event("message_in", subject="Fråga om faktura", text="Vi har ett avbrott i Lund")
    result = verdict(trigger(), [created, message])
    assert result.fires and result.event_id == created.event_id
    assert result.reasons == (
        {"condition": "when", "value": "ticket_created"},
        {"condition": "keywords", "value": "avbrott", "where": "body"},
    )
    assert describe(result.reasons, "sv") == "vid ticket_created, nyckelordet ”avbrott” i texten"


def test_a_message_without_the_keyword_does_not_fire_and_says_why_not() -> None:
    result = verdict(trigger(), [event("message_in", subject="Tack", text="Allt fungerar")])
    assert not result.fires
    assert "keywords" in (result.missed or "")


def test_every_ticket_condition_must_hold() -> None:
    conditions = {
        "keywords": [],
        "response_point_id": "kundtjanst",
        "priority": "high",
        "organisation": "malmö energi ab",
    }
    fired = trigger(when=["priority_changed"], conditions=conditions)
    change = [event("priority_changed", actor="agent1", **{"from": "medium", "to": "high"})]

    assert not verdict(fired, change).fires
    assert verdict(fired, change).missed == "priority is 'medium', not 'high'"
    high = TicketFacts(**{**TICKET.__dict__, "priority": "high"})
    result = verdict(fired, change, high)
    assert result.fires
    assert {"condition": "organisation", "value": "malmö energi ab"} in result.reasons


def test_a_reopen_counts_as_a_status_change_and_an_sla_breach_as_itself() -> None:
    on_status = trigger(when=["status_changed"], conditions={})
    assert verdict(on_status, [event("reopened", actor="agent1", previous="closed")]).fires
    on_sla = trigger(when=["sla_breached"], conditions={})
    assert verdict(on_sla, [event("sla_breached", actor="system:sla", target="resolution")]).fires
    assert not verdict(on_sla, [event("note", actor="agent1", text="avbrott")]).fires


def test_a_trigger_never_fires_on_what_its_own_actions_wrote() -> None:
    watcher = trigger(id="watch", when=["priority_changed"], conditions={})
    by_itself = event("priority_changed", actor="trigger:watch", **{"from": "low", "to": "high"})
    assert not verdict(watcher, [by_itself]).fires
    # caused by another trigger that reacted to one of watch's own changes: still its own doing
    chained = event(
        "priority_changed", actor="trigger:other", trigger_chain=["watch"], **{"to": "high"}
    )
    assert not verdict(watcher, [chained]).fires
    # another trigger's change alone: it may react
    other = event("priority_changed", actor="trigger:other", **{"to": "high"})
    assert verdict(watcher, [other]).fires


# --- validation ------------------------------------------------------------------------


def test_a_trigger_is_stored_normalised() -> None:
    t = trigger(
        actions=[
            {"type": "sms", "to": ["070-123 45 67", "+46701234567"]},
            {"type": "email", "to": ["Jour@Example.com"]},
            {"type": "notify", "group_id": "kt-first"},
            {"type": "set_priority", "priority": "high"},
        ],
        conditions={"keywords": ["Avbrott", "avbrott", "  ingen   ström "], "channel": "sms"},
    )
    record = to_record(t)
    assert record["actions"][0] == {"type": "sms", "to": ["+46701234567"]}
    assert record["actions"][1]["to"] == ["jour@example.com"]
    assert record["conditions"]["keywords"] == ["Avbrott", "avbrott", "ingen ström"]
    assert from_record(Trigger, record) == t


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"when": []}, "when must name at least one"),
        ({"when": ["ticket_deleted"]}, "when must be one of"),
        ({"name": " "}, "name must be text"),
        ({"actions": []}, "actions must list 1-10"),
        ({"actions": [{"type": "fax", "to": ["1"]}]}, "actions[0].type must be one of"),
        ({"actions": [{"type": "sms", "to": ["12"]}]}, "actions[0].to: '12' is not"),
        ({"actions": [{"type": "sms", "to": []}]}, "actions[0].to must list 1-10"),
        ({"actions": [{"type": "email", "to": ["jour"]}]}, "'jour' is not an e-mail address"),
        ({"actions": [{"type": "notify"}]}, "notify either a group_id or an agent_id"),
        (
            {"actions": [{"type": "notify", "group_id": "a", "agent_id": "b"}]},
            "notify either a group_id or an agent_id",
        ),
        ({"actions": [{"type": "set_priority", "priority": "urgent"}]}, "priority must be one of"),
        ({"actions": [{"type": "sms", "to": ["+46701234567"], "cc": []}]}, "takes no 'cc'"),
        (
            {
                "actions": [
                    {"type": "set_group", "group_id": "a"},
                    {"type": "set_group", "group_id": "b"},
                ]
            },
            "one set_group action at most",
        ),
        ({"conditions": {"colour": "red"}}, "no condition 'colour'"),
        ({"conditions": {"priority": "urgent"}}, "conditions.priority must be one of"),
        ({"conditions": {"keywords": "avbrott"}}, "conditions.keywords must be a list"),
        ({"conditions": {"keywords": [""]}}, "keywords must be words or phrases"),
        ({"hourly_cap": 0}, "hourly_cap must be a whole number 1-1000"),
        ({"hourly_cap": True}, "hourly_cap must be a whole number"),
        ({"enabled": "yes"}, "enabled must be true or false"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_bad_trigger_is_refused_naming_what_is_wrong(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        trigger(**changes)
    assert message in refused.value.message
