"""Issue 15 over HTTP: a template text that does not render answers where and why in
``details``; the dry run tries a disabled rule (``try_rule``) without making it live."""

from __future__ import annotations

from tests.api.apiclient import Api, assert_error
from tests.unit.rules.desk import INVOICE_TEMPLATE, cond


def test_a_template_error_answers_the_field_line_and_kind_beside_the_message(api: Api) -> None:
    admin = api.as_user("admin")
    reply = admin.post(
        "/api/admin/templates",
        {"id": "x", **INVOICE_TEMPLATE, "solution_text": "Hej!\n{{ kund }}"},
    )
    assert_error(reply, 422, "template_render")
    assert reply.body["details"] == {
        "field": "solution_text",
        "kind": "undefined",
        "line": 2,
        "name": "kund",
    }
    assert "solution_text" in reply.body["message"]  # the English words stay for old clients


def test_a_rule_saved_disabled_is_tried_in_the_dry_run_and_stays_off(api: Api) -> None:
    admin = api.as_user("admin")
    assert admin.post("/api/admin/templates", {"id": "faktura", **INVOICE_TEMPLATE}).status == 201
    rule = {
        "id": "fakturor",
        "name": "Fakturor",
        "template_id": "faktura",
        "enabled": False,
        "conditions": [cond("subject", "contains", "faktura")],
    }
    assert admin.post("/api/admin/rules", rule).status == 201
    sample = {"subject": "En faktura", "recipients": ["kundtjanst@servit.example"]}
    assert admin.post("/api/admin/rules/test", sample).body["rule_id"] is None
    tried = admin.post("/api/admin/rules/test", {**sample, "try_rule": "fakturor"})
    assert (tried.body["rule_id"], tried.body["rule_enabled"]) == ("fakturor", False)
    assert admin.get("/api/admin/rules/fakturor").body["enabled"] is False
