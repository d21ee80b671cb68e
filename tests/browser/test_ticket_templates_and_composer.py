"""Issue 5 on the ticket screen, in Swedish and English: a template applied to a ticket the
agent has already filled in (kept, or overwritten when asked), a solution suggestion put
into the reply with one action and sent, and the reply composer and ticket form without
the fields a response point does not use (S2, S12, S16)."""

from __future__ import annotations

import email
import re
import uuid
from collections.abc import Callable, Iterator
from email.policy import default as default_policy
from typing import Any

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.web_catalogue import catalogue

LANGS = ["sv", "en"]


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def _t(lang: str, key: str, **params: object) -> str:
    text = catalogue(lang)[key]
    for name, value in params.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _raw_call(client: ApiClient, method: str, path: str, body: Any) -> requests.Response:
    """An API call whose refusal is the point (ApiClient.call asserts success)."""
    return requests.request(
        method, client.url + path, json=body, timeout=30,
        headers={"Authorization": f"Bearer {client.token}"},
    )  # fmt: skip


def _mail_texts(admin: ApiClient) -> list[tuple[email.message.EmailMessage, str]]:
    """The outbox's mails, each with its plain-text body decoded (quoted-printable, base64)."""
    out = []
    for item in admin.call("GET", "/api/dev/outbox?limit=30")["items"]:
        message = email.message_from_string(item["raw"], policy=default_policy)
        body = message.get_body(preferencelist=("plain",))
        out.append((message, body.get_content() if body is not None else ""))  # type: ignore[union-attr]
    return out


def _fresh(s: Session, route: str) -> Page:
    """Open a route with a reload: the app reads the directory and field settings once per
    load, and a goto that changes only the hash would keep what it read before."""
    page = s.goto(route)
    page.reload()
    page.wait_for_selector("header.topbar")
    return page


def _select(form: Locator, label: str) -> Locator:
    """A labelled select: its accessible name is the label's words and the chosen option's."""
    return form.get_by_role("combobox", name=re.compile(f"^{re.escape(label)}"))


def _ticket_form(page: Page, lang: str) -> Locator:
    return page.get_by_role("form", name=_t(lang, "ticket.fields"))


def _reply_form(page: Page, lang: str) -> Locator:
    return page.get_by_role("form", name=_t(lang, "reply.title"))


@pytest.fixture
def custom_fields(api_as: Callable[[str], ApiClient]) -> Iterator[dict[str, str]]:
    """Two text custom fields of this test's own, deleted afterwards (they are global)."""
    admin = api_as("admin")
    uid = _uid()
    made = {
        "contract": f"avtal-{uid}",
        "customer": f"kundnr-{uid}",
    }
    admin.call("POST", "/api/admin/custom-fields", {
        "id": made["contract"], "label": f"Avtalsnummer {uid}", "type": "text",
    })  # fmt: skip
    admin.call("POST", "/api/admin/custom-fields", {
        "id": made["customer"], "label": f"Kundnummer {uid}", "type": "text",
    })  # fmt: skip
    yield {**made, "uid": uid}
    for field_id in (made["contract"], made["customer"]):
        _raw_call(admin, "DELETE", f"/api/admin/custom-fields/{field_id}", None)


def _template(admin: ApiClient, template_id: str, body: dict[str, Any]) -> None:
    admin.call("POST", "/api/admin/templates", {
        "id": template_id, "response_point_id": "kundtjanst", "enabled": True, **body,
    })  # fmt: skip


def _ticket(client: ApiClient, body: dict[str, Any]) -> dict[str, Any]:
    return client.call("POST", "/api/tickets", {
        "response_point_id": "kundtjanst", "group_id": "kt-forsta", "agent_id": "agent1", **body,
    })  # fmt: skip


# Swedish with the panel under the conversation, English with it in the side column.
@pytest.mark.parametrize(("lang", "width"), [("sv", 1280), ("en", 1600)])
def test_a_template_applied_to_a_filled_in_ticket_keeps_the_agents_values_unless_overwrite(
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
    custom_fields: dict[str, str],
    lang: str,
    width: int,
) -> None:
    admin, agent = api_as("admin"), api_as("agent1")
    uid, contract, customer = (
        custom_fields["uid"],
        custom_fields["contract"],
        custom_fields["customer"],
    )
    first, second = f"mall-a-{uid}", f"mall-b-{uid}"
    _template(admin, first, {
        "title": f"Reklamation {uid}", "ticket_title": "Mallens rubrik {{ ticket_number }}",
        "description": "Reklamation från {{ contact_name }}.", "default_ticket_type": "order",
        "ticket_types": [{"id": "order", "instruction": "Kontrollera ordern."}],
        "itil_process": "incident", "default_priority": "high",
        "custom_fields": {contract: "A-avtal", customer: "A-kund"},
        "steps": ["Läs reklamationen", "Kontakta lagret"],
    })  # fmt: skip
    _template(admin, second, {
        "title": f"Garanti {uid}", "ticket_title": "Garantiärende {{ ticket_number }}",
        "description": "Garantifråga.", "default_ticket_type": "order", "itil_process": "problem",
        "ticket_types": [{"id": "order", "instruction": ""}],
        "default_priority": "low", "custom_fields": {contract: "B-avtal"},
        "steps": ["Kontrollera garantitiden"],
    })  # fmt: skip
    # The agent has written a title, priority, type and one custom field; the description,
    # ITIL process and the other custom field are empty.
    name = f"Reklamera Rut {uid}"
    ticket = _ticket(agent, {
        "title": f"Trasig kaffebryggare {uid}", "priority": "medium", "ticket_type": "fault",
        "custom_fields": {contract: "agentens-avtal"},
        "contact": {"name": name, "email": f"rut-{uid}@example.se"},
    })  # fmt: skip
    number = ticket["number"]

    s = sessions("agent1", lang=lang, width=width)
    page = _fresh(s, f"ticket/{ticket['id']}")
    panel = page.get_by_test_id("template-panel")
    expect(panel).to_contain_text(_t(lang, "tp.none"))
    expect(panel.locator("select[name=apply-template]")).to_have_accessible_name(
        re.compile(f"^{re.escape(_t(lang, 'tp.choose'))}")
    )
    overwrite = panel.get_by_role("checkbox", name=_t(lang, "tp.overwrite"), exact=True)
    expect(overwrite).to_be_visible()
    expect(overwrite).not_to_be_checked()
    expect(overwrite).to_have_accessible_description(_t(lang, "tp.overwriteOff"))
    panel.scroll_into_view_if_needed()
    s.shot(f"ticket-apply-template-{lang}")
    _overwrite_is_laid_out(panel, panel.get_by_text(_t(lang, "tp.overwrite"), exact=True))

    # Overwrite off: what the agent wrote stays, empty fields are filled.
    panel.locator("select[name=apply-template]").select_option(first)
    panel.get_by_role("button", name=_t(lang, "tp.apply"), exact=True).click()
    expect(page.get_by_test_id("notice")).to_contain_text(_t(lang, "tp.applied"))
    expect(panel.get_by_test_id("ticket-template")).to_have_text(
        _t(lang, "tp.current", title=f"Reklamation {uid}", version=1)
    )
    checklist = panel.get_by_test_id("checklist")
    expect(checklist).to_contain_text(_t(lang, "tp.checklist", done=0, total=2))
    expect(checklist.get_by_role("checkbox", name="Läs reklamationen")).not_to_be_checked()
    expect(checklist.get_by_role("checkbox", name="Kontakta lagret")).to_be_visible()
    form = _ticket_form(page, lang)
    expect(form.get_by_label(_t(lang, "field.title"), exact=True)).to_have_value(
        f"Trasig kaffebryggare {uid}"
    )
    expect(_select(form, _t(lang, "field.priority"))).to_have_value("medium")
    expect(_select(form, _t(lang, "field.type"))).to_have_value("fault")
    expect(_select(form, _t(lang, "field.itil"))).to_have_value("incident")
    expect(form.get_by_label(_t(lang, "field.description"), exact=True)).to_have_value(
        f"Reklamation från {name}."
    )
    expect(form.locator(f"[data-field=cf-{contract}]")).to_have_value("agentens-avtal")
    expect(form.locator(f"[data-field=cf-{customer}]")).to_have_value("A-kund")
    expect(overwrite).not_to_be_checked()
    stored = agent.call("GET", f"/api/tickets/{ticket['id']}")
    assert (stored["template_id"], stored["template_version"]) == (first, 1)
    assert stored["title"] == f"Trasig kaffebryggare {uid}"
    assert (stored["priority"], stored["ticket_type"], stored["itil_process"]) == (
        "medium", "fault", "incident",
    )  # fmt: skip
    assert stored["description"] == f"Reklamation från {name}."
    assert stored["custom_fields"] == {contract: "agentens-avtal", customer: "A-kund"}
    assert stored["steps_done"] == []

    # A step ticked, then another template with overwrite on: its values replace them,
    # custom fields it does not name are kept, and its own checklist starts afresh.
    checklist.get_by_role("checkbox", name="Läs reklamationen").check()
    expect(checklist).to_contain_text(_t(lang, "tp.checklist", done=1, total=2))
    panel.locator("select[name=apply-template]").select_option(second)
    overwrite.check()
    expect(overwrite).to_have_accessible_description(_t(lang, "tp.overwriteOn"))
    panel.get_by_role("button", name=_t(lang, "tp.apply"), exact=True).click()
    expect(panel.get_by_test_id("ticket-template")).to_have_text(
        _t(lang, "tp.current", title=f"Garanti {uid}", version=1)
    )
    expect(checklist).to_contain_text(_t(lang, "tp.checklist", done=0, total=1))
    expect(checklist).to_contain_text("Kontrollera garantitiden")
    expect(checklist).not_to_contain_text("Läs reklamationen")
    expect(form.get_by_label(_t(lang, "field.title"), exact=True)).to_have_value(
        f"Garantiärende {number}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Garantiärende {number}")
    expect(_select(form, _t(lang, "field.priority"))).to_have_value("low")
    expect(_select(form, _t(lang, "field.type"))).to_have_value("order")
    expect(_select(form, _t(lang, "field.itil"))).to_have_value("problem")
    expect(form.get_by_label(_t(lang, "field.description"), exact=True)).to_have_value(
        "Garantifråga."
    )
    expect(form.locator(f"[data-field=cf-{contract}]")).to_have_value("B-avtal")
    expect(form.locator(f"[data-field=cf-{customer}]")).to_have_value("A-kund")
    expect(overwrite).not_to_be_checked()  # overwriting is asked for each time
    stored = agent.call("GET", f"/api/tickets/{ticket['id']}")
    assert (stored["template_id"], stored["template_version"]) == (second, 1)
    assert (stored["title"], stored["priority"], stored["ticket_type"], stored["itil_process"]) == (
        f"Garantiärende {number}", "low", "order", "problem",
    )  # fmt: skip
    assert stored["description"] == "Garantifråga."
    assert stored["custom_fields"] == {contract: "B-avtal", customer: "A-kund"}
    assert stored["steps_done"] == []
    assert not [c for c in s.console if "pageerror" in c], s.console


def _overwrite_is_laid_out(panel: Locator, label: Locator) -> None:
    """The overwrite choice sits on a line of its own, its words beside the box, unsqueezed."""
    box = label.bounding_box()
    panel_box = panel.bounding_box()
    chooser = panel.locator("select[name=apply-template]").bounding_box()
    assert box and panel_box and chooser
    # Its words fit on one line (a squeezed label wraps word by word).
    line = float(label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
    assert box["height"] < 2 * line, box
    # Not squeezed beside the template chooser: below it, within the panel.
    assert box["y"] >= chooser["y"] + chooser["height"] - 1, (box, chooser)
    assert box["x"] + box["width"] <= panel_box["x"] + panel_box["width"] + 1


@pytest.mark.parametrize("lang", LANGS)
def test_a_solution_suggestion_goes_into_the_reply_rendered_and_out_in_the_mail(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    admin, agent = api_as("admin"), api_as("agent1")
    uid = _uid()
    template_id = f"forslag-{uid}"
    _template(admin, template_id, {
        "title": f"Leveransfråga {uid}",
        "solution_text": "Huvudlösningen {{ ticket_number }} ska inte med.",
        "solution_suggestions": [
            {"title": f"Ny leverans {uid}", "text": "Vi skickar en ny leverans."},
            {"title": f"Återbetalning {uid}",
             "text": "Hej {{ contact_name }}! Ärende #{{ ticket_number }} återbetalas i dag."},
        ],
    })  # fmt: skip
    name = f"Selma Lagerlöf {uid}"
    address = f"selma-{uid}@example.se"
    ticket = _ticket(agent, {
        "title": f"Paketet kom aldrig {uid}", "template_id": template_id,
        "contact": {"name": name, "email": address},
    })  # fmt: skip
    number = ticket["number"]
    rendered = f"Hej {name}! Ärende #{number} återbetalas i dag."

    s = sessions("agent1", lang=lang)
    page = _fresh(s, f"ticket/{ticket['id']}")
    reply = _reply_form(page, lang)
    box = reply.get_by_label(_t(lang, "reply.text"), exact=True)
    expect(reply.get_by_label(_t(lang, "reply.to"), exact=True)).to_have_value(address)
    box.fill(f"Tack för ditt tålamod {uid}.")
    panel = page.get_by_test_id("template-panel")
    panel.get_by_role(
        "button", name=_t(lang, "tp.insertNamed", title=f"Återbetalning {uid}"), exact=True
    ).click()
    # Appended after what the agent wrote, placeholders filled, and focus back in the text.
    expect(box).to_have_value(f"Tack för ditt tålamod {uid}.\n\n{rendered}")
    expect(box).to_be_focused()
    assert "Huvudlösningen" not in box.input_value()
    s.shot(f"ticket-suggestion-inserted-{lang}")
    reply.get_by_role("button", name=_t(lang, "reply.send"), exact=True).click()
    expect(page.get_by_test_id("notice")).to_contain_text(_t(lang, "composer.picked"))
    expect(page.locator(".timeline .event-message_out").last).to_contain_text(rendered)
    expect(box).to_have_value("")

    sent = [(m, text) for m, text in _mail_texts(admin) if rendered in text]
    assert len(sent) == 1, [text for _, text in _mail_texts(admin)][-3:]
    message, text = sent[0]
    assert address in str(message["To"])
    assert f"Tack för ditt tålamod {uid}." in text
    assert "{{" not in text and "Huvudlösningen" not in text
    assert not [c for c in s.console if "pageerror" in c], s.console


@pytest.fixture
def hidden_at_kundtjanst(
    api_as: Callable[[str], ApiClient], custom_fields: dict[str, str]
) -> Iterator[list[str]]:
    """cc, bcc, attachments and one custom field hidden at Kundtjänst; restored afterwards."""
    admin = api_as("admin")
    rp = admin.call("GET", "/api/admin/response-points/kundtjanst")
    before = list(rp.get("hidden_fields") or [])
    hidden = ["cc", "bcc", "attachments", f"custom_fields.{custom_fields['contract']}"]
    yield hidden
    admin.call("PUT", "/api/admin/response-points/kundtjanst", {**rp, "hidden_fields": before})


@pytest.mark.parametrize("lang", LANGS)
def test_fields_hidden_at_a_response_point_leave_the_reply_composer_and_the_ticket(
    sessions: Callable[..., Session],
    api_as: Callable[[str], ApiClient],
    custom_fields: dict[str, str],
    hidden_at_kundtjanst: list[str],
    lang: str,
) -> None:
    admin, agent1, agent3 = api_as("admin"), api_as("agent1"), api_as("agent3")
    uid, contract, customer = (
        custom_fields["uid"],
        custom_fields["contract"],
        custom_fields["customer"],
    )
    address = f"hidden-{uid}@example.se"
    values = {contract: f"dolt-avtal-{uid}", customer: f"synligt-kundnr-{uid}"}
    # Both tickets have cc, bcc and both custom fields, written while every field was in use.
    hidden_ticket = _ticket(agent1, {
        "title": f"Kundtjänst utan kopior {uid}", "cc": [f"chef-{uid}@example.se"],
        "bcc": [f"arkiv-{uid}@example.se"], "custom_fields": values,
        "contact": {"name": f"Dold Dahl {uid}", "email": address},
    })  # fmt: skip
    shown_ticket = agent3.call("POST", "/api/tickets", {
        "response_point_id": "it-support", "group_id": "it-servicedesk", "agent_id": "agent3",
        "title": f"IT med kopior {uid}", "cc": [f"it-chef-{uid}@example.se"],
        "custom_fields": values, "contact": {"name": f"Synlig Sund {uid}", "email": f"it-{uid}@example.se"},
    })  # fmt: skip
    rp = admin.call("GET", "/api/admin/response-points/kundtjanst")
    admin.call("PUT", "/api/admin/response-points/kundtjanst", {
        **rp, "hidden_fields": sorted({*(rp.get("hidden_fields") or []), *hidden_at_kundtjanst}),
    })  # fmt: skip

    # Kundtjänst: no cc, bcc or attachments in the reply, no cc/bcc or hidden custom field
    # in the ticket form, nor the hidden value anywhere on the page.
    s = sessions("agent1", lang=lang)
    page = _fresh(s, f"ticket/{hidden_ticket['id']}")
    reply, form = _reply_form(page, lang), _ticket_form(page, lang)
    expect(reply.get_by_label(_t(lang, "reply.text"), exact=True)).to_be_visible()
    expect(reply.get_by_label(_t(lang, "reply.to"), exact=True)).to_have_value(address)
    for key in ("reply.cc", "reply.bcc", "reply.attachments"):
        expect(reply.get_by_label(_t(lang, key), exact=True)).to_have_count(0)
    expect(reply.locator("input[type=file]")).to_have_count(0)
    expect(reply).not_to_contain_text(_t(lang, "reply.attachments"))
    for key in ("field.cc", "field.bcc"):
        expect(form.get_by_label(_t(lang, key), exact=True)).to_have_count(0)
    expect(form.locator(f"[data-field=cf-{contract}]")).to_have_count(0)
    expect(page.get_by_text(f"Avtalsnummer {uid}")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(f"dolt-avtal-{uid}")
    expect(form.locator(f"[data-field=cf-{customer}]")).to_have_value(f"synligt-kundnr-{uid}")
    expect(page.locator("body")).not_to_contain_text(f"chef-{uid}@example.se")
    s.shot(f"ticket-hidden-fields-{lang}")

    # The API's answer leaves them out too, and writes naming them are refused.
    stored = agent1.call("GET", f"/api/tickets/{hidden_ticket['id']}")
    assert "cc" not in stored and "bcc" not in stored
    assert stored["custom_fields"] == {customer: f"synligt-kundnr-{uid}"}
    replies = f"/api/tickets/{hidden_ticket['id']}/replies"
    attachment = {"filename": "a.txt", "content_type": "text/plain", "content_base64": "aGVq"}
    for extra in (
        {"cc": [f"smyg-{uid}@example.se"]},
        {"bcc": [f"smyg-{uid}@example.se"]},
        {"attachments": [attachment]},
    ):
        refused = _raw_call(agent1, "POST", replies, {"text": "Hej", **extra})
        assert refused.status_code == 422, (extra, refused.text)
        assert refused.json()["error"] == "hidden_field", refused.text
    for change in ({"custom_fields": {contract: "nytt"}}, {"cc": [f"smyg-{uid}@example.se"]}):
        refused = _raw_call(agent1, "PATCH", f"/api/tickets/{hidden_ticket['id']}", change)
        assert refused.status_code == 422, (change, refused.text)
        assert refused.json()["error"] == "hidden_field", refused.text
    assert agent1.call("GET", f"/api/tickets/{hidden_ticket['id']}")["version"] == stored["version"]
    assert not [m for m, text in _mail_texts(admin) if f"smyg-{uid}" in str(m["Cc"]) + text]

    # A reply from the composer still goes out, without the ticket's (hidden) cc and bcc.
    reply.get_by_label(_t(lang, "reply.text"), exact=True).fill(f"Svar utan kopia {uid}.")
    reply.get_by_role("button", name=_t(lang, "reply.send"), exact=True).click()
    expect(page.get_by_test_id("notice")).to_contain_text(_t(lang, "composer.picked"))
    sent = [m for m, text in _mail_texts(admin) if f"Svar utan kopia {uid}." in text]
    assert len(sent) == 1
    assert sent[0]["Cc"] is None and sent[0]["Bcc"] is None, dict(sent[0].items())
    assert address in str(sent[0]["To"])

    # Another response point still has them all.
    s3 = sessions("agent3", lang=lang)
    page = _fresh(s3, f"ticket/{shown_ticket['id']}")
    reply, form = _reply_form(page, lang), _ticket_form(page, lang)
    expect(reply.get_by_label(_t(lang, "reply.cc"), exact=True)).to_have_value(
        f"it-chef-{uid}@example.se"
    )
    expect(reply.get_by_label(_t(lang, "reply.bcc"), exact=True)).to_be_visible()
    expect(reply.get_by_label(_t(lang, "reply.attachments"), exact=True)).to_have_count(1)
    expect(form.get_by_label(_t(lang, "field.cc"), exact=True)).to_have_value(
        f"it-chef-{uid}@example.se"
    )
    expect(form.locator(f"[data-field=cf-{contract}]")).to_have_value(f"dolt-avtal-{uid}")
    expect(form.locator(f"[data-field=cf-{customer}]")).to_have_value(f"synligt-kundnr-{uid}")
    assert "cc" in agent3.call("GET", f"/api/tickets/{shown_ticket['id']}")
    for session in (s, s3):
        assert not [c for c in session.console if "pageerror" in c], session.console


def test_field_edits_not_yet_saved_are_kept_when_a_template_fills_empty_fields(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    admin, agent = api_as("admin"), api_as("agent1")
    uid = _uid()
    template_id = f"ofylld-{uid}"
    _template(admin, template_id, {
        "title": f"Flytt {uid}", "description": "Mallens beskrivning.", "itil_process": "change",
        "steps": ["Boka flytten"],
    })  # fmt: skip
    ticket = _ticket(agent, {"title": f"Vi flyttar {uid}"})
    s = sessions("agent1")
    page = _fresh(s, f"ticket/{ticket['id']}")
    form = _ticket_form(page, "sv")
    # The agent writes a description and does not press Save before applying the template.
    form.get_by_label("Beskrivning", exact=True).fill(f"Agentens egen beskrivning {uid}.")
    panel = page.get_by_test_id("template-panel")
    panel.locator("select[name=apply-template]").select_option(template_id)
    panel.get_by_role("button", name="Använd", exact=True).click()
    expect(panel.get_by_test_id("ticket-template")).to_have_text(f"Flytt {uid}, version 1")
    expect(form.get_by_label("Beskrivning", exact=True)).to_have_value(
        f"Agentens egen beskrivning {uid}."
    )
    expect(_select(form, "ITIL-process")).to_have_value("change")
    stored = agent.call("GET", f"/api/tickets/{ticket['id']}")
    assert stored["description"] == f"Agentens egen beskrivning {uid}."
    assert (stored["itil_process"], stored["template_id"]) == ("change", template_id)
    assert not [c for c in s.console if "pageerror" in c], s.console


def test_a_link_to_another_ticket_leaves_the_draft_cc_and_contact_behind(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    agent = api_as("agent1")
    uid = _uid()
    first = _ticket(agent, {
        "title": f"Första ärendet {uid}", "cc": [f"kopia-{uid}@example.se"],
        "contact": {"name": f"Första Kund {uid}", "email": f"forsta-{uid}@example.se"},
    })  # fmt: skip
    second = _ticket(agent, {"title": f"Andra ärendet utan kontakt {uid}"})
    s = sessions("agent1")
    page = _fresh(s, f"ticket/{first['id']}")
    reply = _reply_form(page, "sv")
    expect(reply.get_by_label("Till", exact=True)).to_have_value(f"forsta-{uid}@example.se")
    expect(reply.get_by_label("Kopia (cc)", exact=True)).to_have_value(f"kopia-{uid}@example.se")
    reply.get_by_label("Svar", exact=True).fill(f"Utkast till första kunden {uid}")

    # A link within the app (no reload) to another ticket: nothing of the first comes along.
    page.evaluate("route => { location.hash = route }", f"#/ticket/{second['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Andra ärendet utan kontakt {uid}"
    )
    reply = _reply_form(page, "sv")
    expect(reply.get_by_label("Svar", exact=True)).to_have_value("")
    expect(reply.get_by_label("Till", exact=True)).to_have_value("")
    expect(reply.get_by_label("Kopia (cc)", exact=True)).to_have_value("")
    expect(page.locator(".contact-box")).not_to_contain_text(f"forsta-{uid}@example.se")
    assert not [c for c in s.console if "pageerror" in c], s.console


def test_a_cc_changed_on_the_ticket_is_the_cc_of_the_next_reply(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient]
) -> None:
    admin, agent = api_as("admin"), api_as("agent1")
    uid = _uid()
    old, new = f"gammal-kopia-{uid}@example.se", f"ny-kopia-{uid}@example.se"
    ticket = _ticket(agent, {
        "title": f"Byt kopia {uid}", "cc": [old],
        "contact": {"name": f"Kopia Kund {uid}", "email": f"kopia-kund-{uid}@example.se"},
    })  # fmt: skip
    s = sessions("agent1")
    page = _fresh(s, f"ticket/{ticket['id']}")
    reply, form = _reply_form(page, "sv"), _ticket_form(page, "sv")
    expect(reply.get_by_label("Kopia (cc)", exact=True)).to_have_value(old)
    # The agent replaces the ticket's cc and saves; the reply then copies the new address.
    form.get_by_label("Kopia (cc)", exact=True).fill(new)
    form.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_test_id("notice")).to_contain_text("Ärendet är sparat.")
    assert agent.call("GET", f"/api/tickets/{ticket['id']}")["cc"] == [new]
    expect(reply.get_by_label("Kopia (cc)", exact=True)).to_have_value(new)
    reply.get_by_label("Svar", exact=True).fill(f"Svar med ny kopia {uid}.")
    reply.get_by_role("button", name="Skicka svar", exact=True).click()
    expect(page.get_by_test_id("notice")).to_contain_text("Svaret är skickat och ärendet är ditt.")
    sent = [m for m, text in _mail_texts(admin) if f"Svar med ny kopia {uid}." in text]
    assert len(sent) == 1
    assert new in str(sent[0]["Cc"]) and old not in str(sent[0]["Cc"]), str(sent[0]["Cc"])
    assert not [c for c in s.console if "pageerror" in c], s.console
