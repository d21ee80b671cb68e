"""Issue 15: a new rule is saved disabled, tried in the dry run as if enabled, then enabled;
a disabled rule never acts on a new ticket. Template texts that do not render say where
(field, line) and what kind of fault, so the UI can say it in the admin's language."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import User
from chalicelib.services import rules
from chalicelib.services.context import Services
from chalicelib.services.template_texts import TemplateTextError
from tests.unit.mail.flows import deliver, mail_file
from tests.unit.rules.desk import cond, make_rule, make_template

pytestmark = pytest.mark.usefixtures("people")

MAIL = {"subject": "Faktura 4711 har fel belopp", "sender": "anna@kund.example.se"}
SAMPLE = {"subject": MAIL["subject"], "sender": MAIL["sender"],
          "recipients": ["kundtjanst@servit.example"]}  # fmt: skip


@pytest.fixture
def disabled_rule(svc: Services, people: dict[str, User]) -> dict[str, Any]:
    make_template(svc, people["admin"])
    return make_rule(
        svc,
        people["admin"],
        "fakturor",
        cond("subject", "contains", "faktura", whole_word=True),
        template_id="faktura",
        enabled=False,
    )


def test_a_disabled_rule_does_not_act_on_a_new_ticket(
    svc: Services, disabled_rule: dict[str, Any]
) -> None:
    # Given a rule saved disabled that matches the mail
    assert disabled_rule["enabled"] is False
    # When the mail arrives
    ticket = svc.tickets.get(
        deliver(svc, mail_file("customer_request.eml", **MAIL)).ticket_id or ""
    )
    # Then the rule did nothing: no template, the response point's default inbox
    assert ticket.template_id is None
    assert ticket.routing is not None and ticket.routing["rule_id"] is None


def test_the_dry_run_tries_a_disabled_rule_as_if_enabled_and_says_it_is_disabled(
    svc: Services, people: dict[str, User], disabled_rule: dict[str, Any]
) -> None:
    admin = people["admin"]
    # Without naming it, the dry run shows what happens now: no rule matches
    assert rules.test_rules(svc, admin, SAMPLE)["rule_id"] is None
    # Tried, it matches and places the ticket by its template, and says it is not live
    tried = rules.test_rules(svc, admin, {**SAMPLE, "try_rule": "fakturor"})
    assert (tried["rule_id"], tried["rule_enabled"], tried["inbox"]) == (
        "fakturor",
        False,
        "pool-group:kt-second",
    )
    assert svc.tickets.id_for_number(10001) is None  # nothing created
    with pytest.raises(ValidationError):
        rules.test_rules(svc, admin, {**SAMPLE, "try_rule": "no-such-rule"})


def test_once_enabled_the_rule_acts_on_the_next_ticket(
    svc: Services, people: dict[str, User], disabled_rule: dict[str, Any]
) -> None:
    admin = people["admin"]
    stored = rules.get_rule(svc, admin, "fakturor")
    rules.save_rule(svc, admin, "fakturor", {**stored, "enabled": True}, create=False)
    assert rules.test_rules(svc, admin, SAMPLE)["rule_enabled"] is True
    ticket = svc.tickets.get(
        deliver(svc, mail_file("customer_request.eml", **MAIL)).ticket_id or ""
    )
    assert ticket.template_id == "faktura"


@pytest.mark.parametrize(
    ("text", "kind", "line", "name"),
    [
        ("Hej!\n\nVälkommen {{ kund_namn }}", "undefined", 3, "kund_namn"),
        ("Rad ett\n{{ contact_name ", "syntax", 2, None),
        ("a\nb\n{% for i in range(3) %}x{% endfor %}", "refused", 3, None),
        ("{{ 'x' * 100000000 }}", "too_long", None, None),
        ("{{ ''.__class__.__mro__ }}", "unsafe", None, None),
    ],
    ids=["unknown-placeholder", "syntax", "loop", "memory-bomb", "sandbox-escape"],
)
def test_a_text_that_does_not_render_names_its_field_line_and_kind(
    svc: Services, people: dict[str, User], text: str, kind: str, line: int | None, name: str | None
) -> None:
    with pytest.raises(TemplateTextError) as refused:
        make_template(svc, people["admin"], steps=["Hitta fakturan", text])
    assert refused.value.code == "template_render"
    assert refused.value.details == {"field": "steps[1]", "kind": kind, "line": line, "name": name}
