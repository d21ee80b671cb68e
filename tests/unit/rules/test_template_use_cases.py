"""Templates (S12): versioned, rendered in a sandbox, refused when they cannot render;
applied by agents without overwriting their work; a checklist; solution texts."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from chalicelib.domain.organisation import User
from chalicelib.services import template_use, templates, tickets
from chalicelib.services.context import Services
from tests.unit.rules.desk import make_template

pytestmark = pytest.mark.usefixtures("people")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Hej {{ kund_namn }}", "undefined"),
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ 'x' * 100000000 }}", "limited"),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
            "loops",
        ),
        ("Hej {{ contact_name ", "end of template"),
    ],
    ids=["unknown-placeholder", "sandbox-escape", "memory-bomb", "cpu-bomb", "syntax"],
)
def test_a_template_whose_text_does_not_render_is_refused_with_the_reason(
    svc: Services, people: dict[str, User], text: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_template(svc, people["admin"], solution_text=text)
    assert refused.value.code == "template_render"
    assert "solution_text" in refused.value.message and reason in refused.value.message
    assert templates.load(svc, "faktura") is None


def test_every_save_is_a_new_version_and_old_versions_stay_readable(
    svc: Services, people: dict[str, User]
) -> None:
    admin = people["admin"]
    first = make_template(svc, admin)
    second = templates.save_template(
        svc, admin, "faktura", {**first, "title": "Fakturor (ny)"}, create=False
    )
    assert (first["version"], second["version"]) == (1, 2)
    assert templates.get_version(svc, admin, "faktura", 1)["title"] == "Fakturafrågor"
    assert [v["version"] for v in templates.list_versions(svc, admin, "faktura")] == [2, 1]
    # A save based on an old version is refused: someone else saved in between.
    with pytest.raises(ConflictError):
        templates.save_template(svc, admin, "faktura", {**first, "version": 1}, create=False)


def test_a_ticket_remembers_the_template_version_it_got(
    svc: Services, people: dict[str, User]
) -> None:
    # agent3 is in kt-second, where the template places its tickets (level own_groups)
    admin, agent = people["admin"], people["agent3"]
    make_template(svc, admin)
    ticket = tickets.create_ticket(
        svc, agent, {"title": "Fel på faktura", "template_id": "faktura"}
    )
    templates.save_template(
        svc,
        admin,
        "faktura",
        {**templates.get_template(svc, admin, "faktura"), "steps": ["Ett nytt steg"]},
        create=False,
    )
    stored = svc.tickets.get(ticket.id)
    assert (stored.template_id, stored.template_version) == ("faktura", 1)
    # The guidance shows the version the ticket got, not the newer one.
    guide = template_use.guidance(svc, agent, ticket.id)
    assert [s["text"] for s in guide["steps"]] == INVOICE_STEPS


INVOICE_STEPS = ["Hitta fakturan", "Kontrollera beloppet", "Svara kunden"]


def test_copy_makes_a_new_template_at_version_one_and_disable_hides_it_from_agents(
    svc: Services, people: dict[str, User]
) -> None:
    admin, agent = people["admin"], people["agent1"]
    original = make_template(svc, admin)
    copy = templates.copy_template(svc, admin, "faktura", {"id": "faktura-2"})
    assert copy["version"] == 1 and copy["title"] == "Fakturafrågor (copy)"
    assert copy["steps"] == original["steps"]
    templates.save_template(svc, admin, "faktura-2", {**copy, "enabled": False}, create=False)
    assert [t["id"] for t in templates.list_templates(svc, agent, include_disabled=False)] == [
        "faktura"
    ]
    with pytest.raises(PermissionDeniedError):
        templates.get_template(svc, agent, "faktura-2")
    with pytest.raises(ValidationError):
        tickets.create_ticket(svc, agent, {"title": "x", "template_id": "faktura-2"})


@pytest.mark.parametrize(
    "bad",
    [
        {"group_id": "it-desk"},  # a group of another response point
        {"response_point_id": "nowhere"},
        {"ticket_types": [{"id": "no-such-type", "instruction": ""}]},
        {"default_ticket_type": "fault"},  # not one of the template's own types
        {"default_status": "closed"},
        {"sla": {"resolution": {"urgent": 10}}},
        {"custom_fields": {"unknown": "x"}},
    ],
    ids=[
        "foreign-group",
        "unknown-rp",
        "unknown-type",
        "type-not-own",
        "closed-status",
        "bad-sla",
        "unknown-custom-field",
    ],
)
def test_a_template_that_does_not_fit_the_helpdesk_is_refused(
    svc: Services, people: dict[str, User], bad: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        make_template(svc, people["admin"], **bad)


def test_only_admins_keep_templates(svc: Services, people: dict[str, User]) -> None:
    with pytest.raises(PermissionDeniedError):
        make_template(svc, people["agent1"])


def test_a_new_ticket_from_a_template_is_prefilled_but_keeps_what_the_agent_wrote(
    svc: Services, people: dict[str, User]
) -> None:
    make_template(svc, people["admin"])
    ticket = tickets.create_ticket(
        svc,
        people["agent1"],
        {
            "title": "Dubbeldebiterad",
            "priority": "low",
            "template_id": "faktura",
            "contact": {"email": "anna@kund.example.se", "name": "Anna Andersson"},
        },
    )
    stored = svc.tickets.get(ticket.id)
    assert stored.priority == "low"  # the agent's choice stays
    assert stored.ticket_type == "order" and stored.itil_process == "incident"
    assert stored.description == f"Fakturaärende #{stored.number} från Anna Andersson."
    assert (stored.group_id, stored.status) == ("kt-second", "open")
    assert stored.resolution_due is None  # no resolution target for low priority
    assert stored.routing is None  # chosen by the agent, not by a rule


def test_applying_a_template_fills_only_empty_fields_unless_asked_to_overwrite(
    svc: Services, people: dict[str, User]
) -> None:
    agent = people["agent1"]
    make_template(svc, people["admin"])
    ticket = tickets.create_ticket(svc, agent, {"title": "Faktura", "description": "Min text"})

    applied = template_use.apply_template(svc, agent, ticket.id, {"template_id": "faktura"})
    assert applied.description == "Min text" and applied.ticket_type == "order"
    assert applied.priority == "medium"  # a value was there: not overwritten

    again = template_use.apply_template(
        svc, agent, ticket.id, {"template_id": "faktura", "overwrite": True}
    )
    assert again.description.startswith("Fakturaärende #") and again.priority == "high"
    assert again.first_response_due == again.created_at.replace() + _minutes(60)
    [event] = [e for e in svc.tickets.events(ticket.id) if e.type == "template_applied"][-1:]
    assert set(event.data["fields"]) >= {"description", "priority"}


def _minutes(n: int) -> Any:
    from datetime import timedelta

    return timedelta(minutes=n)


def test_the_instruction_is_a_checklist_and_solution_texts_come_rendered_for_a_reply(
    svc: Services, people: dict[str, User]
) -> None:
    agent = people["agent3"]
    make_template(svc, people["admin"])
    ticket = tickets.create_ticket(
        svc,
        agent,
        {
            "title": "Faktura",
            "template_id": "faktura",
            "ticket_type": "order",
            "contact": {"email": "bo@kund.example.se", "name": "Bo Berg"},
        },
    )
    template_use.check_step(svc, agent, ticket.id, {"step": 1})
    guide = template_use.guidance(svc, agent, ticket.id)
    assert [s["done"] for s in guide["steps"]] == [False, True, False]
    assert guide["instruction"] == "Kontrollera ordern i affärssystemet."
    assert guide["solution_text"] == "Hej Bo Berg! Vi har krediterat fakturan. /Cai Agent"
    assert guide["solution_suggestions"][1]["text"] == "En ny faktura kommer från Kundtjänst."
    with pytest.raises(ValidationError):
        template_use.check_step(svc, agent, ticket.id, {"step": 3})
