"""Which statuses pause the SLA clock (S12) over HTTP: a setting in the general settings and
per template; only the statuses that may pause are taken; a ticket shows "paused since"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.apiclient import Api, assert_error
from tests.unit.rules.desk import INVOICE_TEMPLATE

DEFAULT = ["with_contact", "with_external", "dormant", "dormant_until"]


def test_the_general_setting_defaults_to_the_four_waiting_statuses_and_is_changed(
    api: Api,
) -> None:
    admin = api.as_user("admin")
    assert admin.get("/api/admin/settings").body["sla_pausing"] == DEFAULT

    saved = admin.put("/api/admin/settings", {"sla_pausing": ["dormant", "with_contact"]})

    assert saved.status == 200, saved.body
    assert admin.get("/api/admin/settings").body["sla_pausing"] == ["with_contact", "dormant"]
    assert admin.put("/api/admin/settings", {"sla_pausing": []}).body["sla_pausing"] == []


BAD = [["open"], ["resolved"], ["with_contact", "waiting"], "dormant", [None], {"dormant": 1}]


@pytest.mark.parametrize("value", BAD)
def test_unknown_or_unpausable_statuses_are_refused_in_the_settings(api: Api, value: Any) -> None:
    admin = api.as_user("admin")
    assert_error(admin.put("/api/admin/settings", {"sla_pausing": value}), 422)
    assert admin.get("/api/admin/settings").body["sla_pausing"] == DEFAULT


@pytest.mark.parametrize("value", BAD)
def test_unknown_or_unpausable_statuses_are_refused_on_a_template(api: Api, value: Any) -> None:
    admin = api.as_user("admin")
    body = {"id": "faktura", **INVOICE_TEMPLATE, "sla_pausing": value}
    assert_error(admin.post("/api/admin/templates", body), 422)


def test_a_template_follows_the_general_setting_or_has_its_own(api: Api) -> None:
    admin = api.as_user("admin")
    own = admin.post(
        "/api/admin/templates", {"id": "faktura", **INVOICE_TEMPLATE, "sla_pausing": ["dormant"]}
    )
    assert own.status == 201, own.body
    assert admin.get("/api/admin/templates/faktura").body["sla_pausing"] == ["dormant"]
    inherit = admin.post("/api/admin/templates", {"id": "annan", **INVOICE_TEMPLATE})
    assert inherit.body["sla_pausing"] is None


def test_a_ticket_waiting_for_the_customer_shows_paused_since(api: Api) -> None:
    admin = api.as_user("admin")
    admin.put("/api/admin/settings", {"sla": {"resolution": {"medium": 480}}})
    agent = api.as_user("agent1")
    created = agent.post("/api/tickets", {"title": "Väntar på kunden", "agent_id": "agent1"})
    ticket_id = created.body["id"]
    assert created.body["sla"]["paused_since"] is None

    changed = agent.patch(f"/api/tickets/{ticket_id}", {"status": "with_contact"})

    assert changed.status == 200, changed.body
    sla = agent.get(f"/api/tickets/{ticket_id}").body["sla"]
    assert sla["paused_since"] is not None and sla["state"] == "running"
