"""Routing (S2, S3): every new ticket meets the matching rules, whatever its channel; the
first match sets its template and place, or closes it; no match: the default inbox."""

from __future__ import annotations

import time

import pytest

from chalicelib.domain.events import EventType
from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import User
from chalicelib.services import rules, templates, tickets
from chalicelib.services.context import Services
from tests.unit.mail.flows import configure_rp, deliver, mail_file, sent
from tests.unit.rules.desk import cond, make_rule, make_template

pytestmark = pytest.mark.usefixtures("people")

INVOICE_MAIL = {"subject": "Faktura 4711 har fel belopp", "sender": "anna@kund.example.se"}


@pytest.fixture
def invoice_rule(svc: Services, people: dict[str, User]) -> None:
    admin = people["admin"]
    make_template(svc, admin)
    make_rule(
        svc,
        admin,
        "fakturor",
        cond("subject", "contains", "faktura", whole_word=True),
        template_id="faktura",
        position=10,
    )


@pytest.mark.usefixtures("invoice_rule")
def test_a_matching_mail_arrives_prefilled_in_the_templates_inbox_with_the_rule_shown(
    svc: Services,
) -> None:
    # When a customer's mail about an invoice arrives
    entry = deliver(svc, mail_file("customer_request.eml", **INVOICE_MAIL))

    # Then its ticket got the template, its place and its prefill ...
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert (ticket.template_id, ticket.template_version) == ("faktura", 1)
    assert (ticket.response_point_id, ticket.group_id, ticket.agent_id) == (
        "kundtjanst",
        "kt-second",
        None,
    )
    assert (ticket.status, ticket.priority, ticket.ticket_type) == ("open", "high", "order")
    assert ticket.title == INVOICE_MAIL["subject"]  # the customer's words stay
    assert ticket.description.startswith("Hej!\n\nSkrivaren")
    assert ticket.first_response_due is not None
    # ... and it says which rule matched, and why
    assert ticket.routing is not None
    assert ticket.routing["rule_id"] == "fakturor"
    assert ticket.routing["inbox"] == "pool-group:kt-second"
    assert ticket.routing["why"] == [
        {"field": "subject", "operator": "contains", "value": "faktura", "matched": "faktura"}
    ]
    routed = [e for e in svc.tickets.events(ticket.id) if e.type == EventType.ROUTED]
    assert [e.data["rule_id"] for e in routed] == ["fakturor"]


@pytest.mark.usefixtures("invoice_rule")
def test_a_mail_no_rule_matches_goes_to_its_response_points_default_inbox(
    svc: Services, people: dict[str, User]
) -> None:
    entry = deliver(svc, mail_file("customer_request.eml", subject="Skrivaren strular"))
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert (ticket.group_id, ticket.agent_id, ticket.template_id) == (None, None, None)
    assert ticket.routing is not None and ticket.routing["rule_id"] is None
    assert ticket.routing["inbox"] == "pool-rp:kundtjanst"

    # With a default group set, unmatched mail goes to that group's pool instead
    configure_rp(svc, "kundtjanst", default_group_id="kt-first")
    entry = deliver(
        svc, mail_file("customer_request.eml", subject="Annat", message_id="other@kund.example.se")
    )
    other = svc.tickets.get(entry.ticket_id or "")
    assert (other.group_id, other.routing and other.routing["inbox"]) == (
        "kt-first",
        "pool-group:kt-first",
    )


def test_a_rule_can_close_a_ticket_at_once_and_nothing_is_sent(
    svc: Services, people: dict[str, User]
) -> None:
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)
    make_rule(svc, people["admin"], "spam", cond("sender", "equals", "spam.example"), close=True)
    entry = deliver(svc, mail_file("customer_request.eml", sender="bulk@news.spam.example"))
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert entry.outcome is Outcome.CREATED
    assert ticket.status == "closed" and ticket.closed_at is not None
    assert ticket.routing is not None and ticket.routing["inbox"] == "closed"
    assert sent(svc) == []  # no acknowledgement for a ticket closed at once


def test_first_match_wins_and_a_rule_whose_template_is_disabled_rests(
    svc: Services, people: dict[str, User]
) -> None:
    admin = people["admin"]
    it = make_template(
        svc,
        admin,
        "it",
        title="IT",
        response_point_id="it-support",
        group_id="it-desk",
        ticket_types=[],
        default_ticket_type="",
    )
    make_template(svc, admin)
    make_rule(
        svc, admin, "a-it", cond("body", "contains", "skrivaren"), template_id="it", position=1
    )
    make_rule(
        svc,
        admin,
        "b-faktura",
        cond("sender", "equals", "kund.example.se"),
        template_id="faktura",
        position=2,
    )

    first = deliver(svc, mail_file("customer_request.eml"))
    ticket = svc.tickets.get(first.ticket_id or "")
    # The template moved the ticket to its own response point and group
    assert (ticket.response_point_id, ticket.group_id) == ("it-support", "it-desk")

    templates.save_template(svc, admin, "it", {**it, "enabled": False}, create=False)
    second = deliver(svc, mail_file("customer_request.eml", message_id="again@kund.example.se"))
    routing = svc.tickets.get(second.ticket_id or "").routing or {}
    assert (routing["rule_id"], routing["skipped"]) == ("b-faktura", ["a-it"])


def test_a_pathological_regex_cannot_stall_intake(svc: Services, people: dict[str, User]) -> None:
    # Given an admin's catastrophic pattern on the body, and a mail that triggers it
    make_template(svc, people["admin"])
    make_rule(
        svc, people["admin"], "evil", cond("body", "regex", r"(\w+\s?)+$"), template_id="faktura"
    )
    raw = mail_file("customer_request.eml").replace(
        b"Kan ni hj", ("word " * 3000).encode() + b"!! Kan ni hj"
    )

    # When it arrives
    started = time.monotonic()
    entry = deliver(svc, raw)

    # Then it is filed within the time limit, unmatched, and the timeout is recorded
    assert time.monotonic() - started < 3
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert ticket.routing is not None
    assert ticket.routing["rule_id"] is None and ticket.routing["timed_out"] == ["evil"]


@pytest.mark.usefixtures("invoice_rule")
def test_the_dry_run_agrees_with_what_intake_does(svc: Services, people: dict[str, User]) -> None:
    make_rule(
        svc,
        people["admin"],
        "stang",
        cond("recipient", "equals", "noreply@example.com"),
        close=True,
        position=1,
    )
    for n, values in enumerate([INVOICE_MAIL, {"subject": "Hej"}, {"to": "noreply@example.com"}]):
        raw = mail_file("customer_request.eml", message_id=f"m{n}@kund.example.se", **values)
        recipients = [values.get("to", "kundtjanst@example.com")]
        dry = rules.test_rules(
            svc, people["admin"], {"raw": raw.decode(), "recipients": recipients}
        )
        ticket = svc.tickets.get(deliver(svc, raw, recipients).ticket_id or "")
        assert ticket.routing is not None
        assert {k: dry[k] for k in ticket.routing} == ticket.routing
        assert (dry["response_point_id"], dry["group_id"], dry["status"]) == (
            ticket.response_point_id,
            ticket.group_id,
            ticket.status,
        )
    assert len(svc.tickets.events(ticket.id)) > 0


def test_the_dry_run_creates_nothing(svc: Services, people: dict[str, User]) -> None:
    make_template(svc, people["admin"])
    make_rule(
        svc, people["admin"], "f", cond("subject", "contains", "faktura"), template_id="faktura"
    )
    before = svc.config.next_number("ticket_number", 10001)
    answer = rules.test_rules(svc, people["admin"], {"subject": "Faktura", "sender": "a@b.se"})
    assert answer["rule_id"] == "f" and answer["inbox"] == "pool-group:kt-second"
    assert answer["template"]["id"] == "faktura"
    assert svc.config.next_number("ticket_number", 10001) == before + 1  # no number was taken


def test_agent_entered_tickets_meet_the_rules_when_asked(
    svc: Services, people: dict[str, User]
) -> None:
    admin, agent = people["admin"], people["agent3"]
    make_template(svc, admin)
    make_rule(
        svc,
        admin,
        "f",
        cond("subject", "contains", "faktura"),
        cond("channel", "equals", "manual"),
        template_id="faktura",
    )
    asked = tickets.create_ticket(
        svc, agent, {"title": "Faktura saknas", "apply_rules": True, "priority": "low"}
    )
    not_asked = tickets.create_ticket(svc, agent, {"title": "Faktura saknas"})
    assert asked.routing is not None and asked.routing["rule_id"] == "f"
    assert (asked.template_id, asked.group_id, asked.priority) == ("faktura", "kt-second", "low")
    assert not_asked.routing is None and not_asked.template_id is None
