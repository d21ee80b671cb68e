"""Builders for template and rule tests: made through the admin use cases, as an admin would."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.organisation import User
from chalicelib.services import rules, templates
from chalicelib.services.context import Services

INVOICE_TEMPLATE: dict[str, Any] = {
    "title": "Fakturafrågor",
    "response_point_id": "kundtjanst",
    "group_id": "kt-second",
    "ticket_types": [{"id": "order", "instruction": "Kontrollera ordern i affärssystemet."}],
    "default_ticket_type": "order",
    "description": "Fakturaärende #{{ ticket_number }} från {{ contact_name }}.",
    "solution_text": "Hej {{ contact_name }}! Vi har krediterat fakturan. /{{ agent_name }}",
    "solution_suggestions": [
        {"title": "Kreditera", "text": "Vi krediterar fakturan, {{ contact_name }}."},
        {"title": "Ny faktura", "text": "En ny faktura kommer från {{ response_point }}."},
    ],
    "sla": {"first_response": {"high": 60, "medium": 240}, "resolution": {"medium": 2880}},
    "itil_process": "incident",
    "default_status": "open",
    "default_priority": "high",
    "steps": ["Hitta fakturan", "Kontrollera beloppet", "Svara kunden"],
}


def make_template(
    svc: Services, admin: User, template_id: str = "faktura", **fields: Any
) -> dict[str, Any]:
    body = {**INVOICE_TEMPLATE, **fields}
    return templates.save_template(svc, admin, template_id, body, create=True)


def make_rule(
    svc: Services,
    admin: User,
    rule_id: str,
    *conditions: dict[str, Any],
    **fields: Any,
) -> dict[str, Any]:
    body = {"name": rule_id, "conditions": list(conditions), **fields}
    return rules.save_rule(svc, admin, rule_id, body, create=True)


def cond(field: str, operator: str, value: str, **kwargs: Any) -> dict[str, Any]:
    return {"field": field, "operator": operator, "value": value, **kwargs}
