"""Matching rule routes (admins, S2): CRUD, order, and the dry run."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.routing import Call, endpoint
from chalicelib.services import inputs, rules

bp = Blueprint(__name__)


@endpoint(bp, "/api/admin/rules", ["GET"])
def list_rules(call: Call) -> dict[str, Any]:
    return {"items": rules.list_rules(call.svc, call.actor)}


@endpoint(bp, "/api/admin/rules", ["POST"], status=201)
def create_rule(call: Call) -> dict[str, Any]:
    rule_id, body = inputs.new_item(call.body())
    return rules.save_rule(call.svc, call.actor, rule_id, body, create=True)


@endpoint(bp, "/api/admin/rules/test", ["POST"])
def test_rules(call: Call) -> dict[str, Any]:
    return rules.test_rules(call.svc, call.actor, call.body())


@endpoint(bp, "/api/admin/rules/reorder", ["POST"])
def reorder(call: Call) -> dict[str, Any]:
    return {"items": rules.reorder_rules(call.svc, call.actor, call.body())}


@endpoint(bp, "/api/admin/rules/{rule_id}", ["GET"])
def get_rule(call: Call) -> dict[str, Any]:
    return rules.get_rule(call.svc, call.actor, call.params["rule_id"])


@endpoint(bp, "/api/admin/rules/{rule_id}", ["PUT"])
def replace_rule(call: Call) -> dict[str, Any]:
    return rules.save_rule(call.svc, call.actor, call.params["rule_id"], call.body(), create=False)


@endpoint(bp, "/api/admin/rules/{rule_id}", ["DELETE"])
def delete_rule(call: Call) -> dict[str, Any]:
    rules.delete_rule(call.svc, call.actor, call.params["rule_id"])
    return {"deleted": call.params["rule_id"]}
