"""Templates, matching rules and the dry run over HTTP (S2, S3, S12)."""

from __future__ import annotations

from typing import Any

from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.unit.mail.flows import deliver, mail_file
from tests.unit.rules.desk import INVOICE_TEMPLATE, cond


def build(admin: Api) -> dict[str, Any]:
    created = admin.post("/api/admin/templates", {"id": "faktura", **INVOICE_TEMPLATE})
    assert created.status == 201, created.body
    rule = admin.post(
        "/api/admin/rules",
        {
            "id": "fakturor",
            "name": "Fakturor",
            "template_id": "faktura",
            "conditions": [cond("subject", "contains", "faktura", whole_word=True)],
        },
    )
    assert rule.status == 201, rule.body
    return dict(created.body)


def test_an_admin_builds_a_template_with_a_rule_and_a_matching_mail_lands_prefilled(
    api: Api, svc: Services
) -> None:
    admin = api.as_user("admin")
    build(admin)
    # The template shows the rules that point at it
    shown = admin.get("/api/admin/templates/faktura").body
    assert [r["id"] for r in shown["matching_rules"]] == ["fakturor"]

    entry = deliver(svc, mail_file("customer_request.eml", subject="Faktura 4711"))

    agent = api.as_user("agent3")  # kt-second, the template's group
    ticket = agent.get(f"/api/tickets/{entry.ticket_id}").body
    assert (ticket["template_id"], ticket["template_version"], ticket["group_id"]) == (
        "faktura",
        1,
        "kt-second",
    )
    assert ticket["routing"]["rule_id"] == "fakturor"
    assert ticket["routing"]["why"][0]["value"] == "faktura"
    assert ticket["sla"]["state"] == "running"
    assert "routed" in [e["type"] for e in ticket["events"]]
    pool = agent.get("/api/inboxes/pool-group:kt-second/tickets").body["items"]
    assert [t["id"] for t in pool] == [entry.ticket_id]


def test_the_dry_run_answers_for_a_raw_mail_exactly_as_intake_then_files_it(
    api: Api, svc: Services
) -> None:
    admin = api.as_user("admin")
    build(admin)
    raw = mail_file("customer_request.eml", subject="Fråga om faktura")
    dry = admin.post("/api/admin/rules/test", {"raw": raw.decode()})
    assert dry.status == 200, dry.body
    assert svc.tickets.id_for_number(10001) is None  # nothing created

    ticket = svc.tickets.get(deliver(svc, raw).ticket_id or "")
    assert ticket.routing == {k: dry.body[k] for k in ticket.routing or {}}
    assert dry.body["template"]["id"] == "faktura" and dry.body["inbox"] == "pool-group:kt-second"


def test_a_template_that_does_not_render_is_refused_with_the_reason(api: Api) -> None:
    admin = api.as_user("admin")
    reply = admin.post(
        "/api/admin/templates", {"id": "x", **INVOICE_TEMPLATE, "description": "{{ oops }}"}
    )
    assert_error(reply, 422, "template_render")
    assert "description" in reply.body["message"] and "oops" in reply.body["message"]


def test_templates_are_versioned_copied_and_disabled_over_http(api: Api) -> None:
    admin, agent = api.as_user("admin"), api.as_user("agent1")
    first = build(admin)
    changed = admin.put("/api/admin/templates/faktura", {**first, "title": "Faktura v2"})
    assert changed.body["version"] == 2
    stale = admin.put("/api/admin/templates/faktura", {**first, "version": 1})
    assert_error(stale, 409, "stale")
    assert [
        v["version"] for v in admin.get("/api/admin/templates/faktura/versions").body["items"]
    ] == [2, 1]
    assert agent.get("/api/templates/faktura/versions/1").body["title"] == "Fakturafrågor"
    copy = admin.post("/api/admin/templates/faktura/copy", {"id": "kopia"})
    assert copy.status == 201 and copy.body["version"] == 1
    admin.put("/api/admin/templates/kopia", {**copy.body, "enabled": False})
    assert [t["id"] for t in agent.get("/api/templates").body["items"]] == ["faktura"]
    assert len(admin.get("/api/admin/templates").body["items"]) == 2


def test_only_admins_reach_template_and_rule_administration(api: Api) -> None:
    agent = api.as_user("agent1")
    assert_error(agent.get("/api/admin/templates"), 403, "forbidden")
    assert_error(agent.post("/api/admin/templates", {"id": "x", **INVOICE_TEMPLATE}), 403)
    assert_error(agent.get("/api/admin/rules"), 403)
    assert_error(agent.post("/api/admin/rules/test", {"subject": "x"}), 403)


def test_rules_are_kept_in_an_explicit_order(api: Api) -> None:
    admin = api.as_user("admin")
    build(admin)
    admin.post(
        "/api/admin/rules",
        {
            "id": "spam",
            "name": "Spam",
            "close": True,
            "conditions": [cond("sender", "equals", "spam.example")],
        },
    )
    reordered = admin.post("/api/admin/rules/reorder", {"ids": ["spam"]})
    assert [r["id"] for r in reordered.body["items"]] == ["spam", "fakturor"]
    dry = admin.post("/api/admin/rules/test", {"subject": "Faktura", "sender": "x@spam.example"})
    assert (dry.body["rule_id"], dry.body["status"], dry.body["inbox"]) == (
        "spam",
        "closed",
        "closed",
    )
    assert_error(admin.post("/api/admin/rules/reorder", {"ids": ["nope"]}), 422)
    assert admin.delete("/api/admin/rules/spam").status == 200
    assert_error(admin.get("/api/admin/rules/spam"), 404)


def test_a_rule_with_a_broken_regex_or_no_template_is_refused(api: Api) -> None:
    admin = api.as_user("admin")
    bad_regex = {
        "id": "r",
        "name": "r",
        "close": True,
        "conditions": [cond("subject", "regex", "([a-z")],
    }
    assert_error(admin.post("/api/admin/rules", bad_regex), 422)
    no_template = {
        "id": "r",
        "name": "r",
        "template_id": "nope",
        "conditions": [cond("subject", "contains", "x")],
    }
    assert_error(admin.post("/api/admin/rules", no_template), 422)


def test_an_agent_applies_a_template_ticks_steps_and_gets_solution_texts(api: Api) -> None:
    admin, agent = api.as_user("admin"), api.as_user("agent1")
    build(admin)
    created = agent.post("/api/tickets", {"title": "Faktura", "description": "Min egen text"})
    ticket_id = created.body["id"]
    applied = agent.post(f"/api/tickets/{ticket_id}/template", {"template_id": "faktura"})
    assert applied.status == 200, applied.body
    assert applied.body["description"] == "Min egen text"
    assert applied.body["ticket_type"] == "order"
    ticked = agent.post(f"/api/tickets/{ticket_id}/steps", {"step": 0, "done": True})
    assert ticked.body["steps_done"] == [0]
    guide = agent.get(f"/api/tickets/{ticket_id}/guidance").body
    assert guide["steps"][0] == {"step": 0, "text": "Hitta fakturan", "done": True}
    assert guide["solution_text"].endswith("/Agnes Agent")
    assert_error(agent.post(f"/api/tickets/{ticket_id}/template", {"template_id": "nope"}), 422)


def test_an_agent_entered_ticket_asks_for_the_rules(api: Api) -> None:
    admin, agent = api.as_user("admin"), api.as_user("agent3")
    build(admin)
    created = agent.post("/api/tickets", {"title": "Faktura fel", "apply_rules": True})
    assert created.status == 201, created.body
    assert created.body["routing"]["rule_id"] == "fakturor"
    assert created.body["group_id"] == "kt-second"
