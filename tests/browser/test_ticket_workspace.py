"""Issue 15, the ticket workspace: at 1366x768 and 1920x1080 the side panel stays beside the
conversation (standard and PRO view); the thread opens with the request and folds system
events; the header names group and agent and warns when the agent is outside the group;
template errors are said at their field in the admin's language; a new rule is saved disabled,
tried, then enabled; the login page focuses the e-mail field; the app lands on the first inbox
with work. Swedish and English, axe clean."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import ApiClient, Session
from tests.browser.test_accessibility import _serious
from tests.e2e.conftest import Stack
from tests.e2e.test_mail_flow import customer_mail, send, tickets_of, wait_for

UID = uuid.uuid4().hex[:6]
LANGS = ["sv", "en"]
SIZES = [(1366, 768), (1920, 1080)]
WORDS = {
    "sv": {"events": "systemhändelser", "request": "Förfrågan", "group": "Svarsgrupp: Första linjen",
           "agent": "Handläggare: Chen Wei", "warn": "Handläggaren Chen Wei är inte med i svarsgruppen Första linjen.",
           "agent_field": "Handläggare", "save": "Spara", "add": "Lägg till", "try": "Provkör",
           "tpl_error": "Mallen sparades inte: rätta fältet Lösningsförslag 4. Rad 2: platshållaren kund_namn finns inte.",
           "disabled": "avstängd", "enable": "Slå på regeln", "saved_disabled": "är sparad och avstängd"},
    "en": {"events": "system events", "request": "Request", "group": "Group: Första linjen",
           "agent": "Agent: Chen Wei", "warn": "Agent Chen Wei is not in group Första linjen.",
           "agent_field": "Agent", "save": "Save", "add": "Add", "try": "Run the dry run",
           "tpl_error": "The template was not saved: correct the field Solution suggestion 4. Line 2: there is no placeholder kund_namn.",
           "disabled": "disabled", "enable": "Enable the rule", "saved_disabled": "is saved, disabled"},
}  # fmt: skip


def _session(
    sessions: Callable[..., Session], user: str, lang: str, size: tuple[int, int]
) -> Session:
    s = sessions(user, lang, size[0])
    s.page.set_viewport_size({"width": size[0], "height": size[1]})
    return s


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _side_is_beside_the_conversation(page: Page) -> None:
    main, side = _box(page, ".ticket-main"), _box(page, ".ticket-side")
    assert side["x"] >= main["x"] + main["width"] - 1, (main, side)  # to its right ...
    assert abs(side["y"] - main["y"]) < 5, (main, side)  # ... starting on the same line
    assert main["width"] >= 300, main  # and the conversation is still wide enough to read


@pytest.fixture(scope="module")
def entered(api_as: Callable[[str], ApiClient]) -> dict[str, Any]:
    """A ticket an agent entered with a description, given to an agent outside its group."""
    return api_as("admin").call("POST", "/api/tickets", {
        "title": f"Inskrivet {UID}", "group_id": "kt-forsta", "agent_id": "agent3",
        "description": f"Kunden ringde {UID}: skrivaren skriver ut tomma sidor.",
    })  # fmt: skip


@pytest.fixture(scope="module")
def mailed(stack: Stack, api_as: Callable[[str], ApiClient]) -> dict[str, Any]:
    """A ticket from a customer's mail: intake's events come before the message."""
    admin = api_as("admin")
    customer = f"kund-{UID}@workspace.example"
    send(stack, customer_mail(customer, f"Mejlat {UID}", f"Hej! Fakturan {UID} är fel."))
    auth = {"Authorization": f"Bearer {admin.token}"}
    found = wait_for(lambda: tickets_of(stack, auth, customer), timeout=30)
    return dict(admin.call("GET", f"/api/tickets/{found[0]['id']}"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_side_panel_stays_beside_the_conversation_at_1366_and_1920(
    sessions: Callable[..., Session], entered: dict[str, Any], mailed: dict[str, Any], lang: str
) -> None:
    problems: dict[str, list[str]] = {}
    for size in SIZES:
        # The standard view: the ticket is the page.
        s = _session(sessions, "admin", lang, size)
        page = s.goto(f"ticket/{entered['id']}")
        expect(page.locator("article.ticket")).to_be_visible()
        _side_is_beside_the_conversation(page)
        problems[f"standard-{size[0]}"] = _serious(page)
        s.shot(f"workspace-standard-{size[0]}-{lang}")

        # The PRO view: the list and the ticket side by side (agent2 works in PRO).
        s = _session(sessions, "agent2", lang, size)
        page = s.goto(f"inbox/group:kt-forsta/{mailed['id']}")
        if not page.locator("main.pro-layout").count():
            page.get_by_test_id("view-toggle").click()
        expect(page.locator("main.pro-layout article.ticket")).to_be_visible()
        list_box, ticket_box = _box(page, ".list-pane"), _box(page, ".ticket-pane")
        assert ticket_box["x"] >= list_box["x"] + list_box["width"] - 1, (list_box, ticket_box)
        _side_is_beside_the_conversation(page)
        problems[f"pro-{size[0]}"] = _serious(page)
        s.shot(f"workspace-pro-{size[0]}-{lang}")
    assert not any(problems.values()), problems


@pytest.mark.parametrize("lang", LANGS)
def test_the_thread_opens_with_the_request_and_folds_system_events(
    sessions: Callable[..., Session], entered: dict[str, Any], mailed: dict[str, Any], lang: str
) -> None:
    s = _session(sessions, "admin", lang, (1366, 768))
    words = WORDS[lang]
    # A mail ticket: the customer's message first, though intake's events came before it
    page = s.goto(f"ticket/{mailed['id']}")
    first = page.locator(".timeline > li").first
    expect(first).to_have_attribute("data-event", "message_in")
    expect(first).to_contain_text(words["request"])
    expect(first).to_contain_text(f"Fakturan {UID} är fel.")
    assert [e["type"] for e in mailed["events"]].index("message_in") >= 2  # it was not first
    fold = page.locator(".timeline > li[data-event=folded]").first
    toggle = fold.get_by_role("button")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_contain_text(words["events"])
    expect(fold.locator("li[data-event=created]")).to_have_count(0)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(fold.locator("li[data-event=created]")).to_be_visible()
    problems = _serious(page)
    toggle.press("Enter")  # the keyboard folds it again
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # A ticket an agent entered: its description first, not only in the side panel
    page = s.goto(f"ticket/{entered['id']}")
    first = page.locator(".timeline > li").first
    expect(first).to_have_attribute("data-event", "description")
    expect(first).to_contain_text(f"Kunden ringde {UID}")
    assert not problems + _serious(page)


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_names_group_and_agent_and_warns_when_the_agent_is_outside_the_group(
    sessions: Callable[..., Session], entered: dict[str, Any], lang: str
) -> None:
    s = _session(sessions, "admin", lang, (1366, 768))
    words = WORDS[lang]
    page = s.goto(f"ticket/{entered['id']}")
    expect(page.get_by_test_id("ticket-group")).to_have_text(words["group"])
    expect(page.get_by_test_id("ticket-agent")).to_have_text(words["agent"])
    expect(page.get_by_test_id("assignment-warning")).to_have_text(words["warn"])
    # The field shows the agent (it was blank), with the same warning ...
    agent = page.locator("select[data-field=agent]")
    expect(agent).to_have_value("agent3")
    expect(page.get_by_test_id("agent-warning")).to_have_text(words["warn"])
    # ... which goes when a member is chosen, and comes back, before anything is saved.
    agent.select_option("agent1")
    expect(page.get_by_test_id("agent-warning")).to_have_count(0)
    agent.select_option("agent3")
    expect(page.get_by_test_id("agent-warning")).to_have_text(words["warn"])
    assert not _serious(page)


@pytest.mark.parametrize("lang", LANGS)
def test_a_template_error_is_said_at_its_field_in_the_admins_language(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    admin = api_as("admin")
    tid = f"ws-{lang}-{UID}"
    admin.call("POST", "/api/admin/templates", {
        "id": tid, "title": f"Lång mall {UID}", "response_point_id": "kundtjanst",
        "description": "\n".join(f"Rad {n}" for n in range(12)),
        "steps": ["Hitta fakturan", "Kontrollera", "Svara"],
        "solution_suggestions": [{"title": f"Förslag {n}", "text": "Text"} for n in range(4)],
    })  # fmt: skip
    s = _session(sessions, "admin", lang, (1366, 768))
    page = s.goto("admin/templates")
    page.get_by_test_id("template-list").locator("tr", has_text=tid).get_by_role(
        "button", name=tid
    ).first.click()
    form = page.get_by_test_id("template-form")
    # The last suggestion's text, far down the long form: its second line names no placeholder
    step = form.locator("[data-tpl-field='solution_suggestions[3]']")
    step.fill("Hej!\n{{ kund_namn }}")
    form.get_by_role("button", name=WORDS[lang]["save"], exact=True).click()
    error = form.get_by_test_id("template-field-error")
    expect(error).to_contain_text(WORDS[lang]["tpl_error"])
    expect(error).not_to_contain_text("UndefinedError")
    expect(error).to_be_in_viewport()
    expect(step).to_be_focused()
    expect(step).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_test_id("template-error")).to_have_count(0)  # not at the top, off-screen
    assert not _serious(page)
    form.get_by_role("button", name="Avbryt" if lang == "sv" else "Cancel").click()


@pytest.mark.parametrize("lang", LANGS)
def test_a_new_rule_is_saved_disabled_tried_in_the_dry_run_then_enabled(
    sessions: Callable[..., Session], api_as: Callable[[str], ApiClient], lang: str
) -> None:
    admin = api_as("admin")
    words = WORDS[lang]
    rule_id, word = f"ws-{lang}-{UID}", f"ord{lang}{UID}"
    s = _session(sessions, "admin", lang, (1366, 768))
    page = s.goto("admin/rules", fresh=True)
    try:
        page.locator(".list-head button.primary").click()
        form = page.get_by_test_id("rule-form")
        expect(form.locator("[name=rule-enabled]")).not_to_be_checked()  # new rules start off
        form.locator("[name=rule-id]").fill(rule_id)
        form.locator("[name=rule-name]").fill(f"Regel {UID}")
        form.locator("[name=cond-value-0]").fill(word)
        form.locator("[name=rule-close]").check()
        form.get_by_role("button", name=words["save"], exact=True).click()
        expect(form).to_be_hidden()
        expect(page.get_by_test_id("notice")).to_contain_text(words["saved_disabled"])
        assert admin.call("GET", f"/api/admin/rules/{rule_id}")["enabled"] is False

        # The dry run has the new rule chosen, and says it matched but is disabled
        chooser = page.locator("[name=dry-try-rule]")
        expect(chooser).to_have_value(rule_id)
        expect(chooser).to_be_focused()
        dry = page.get_by_test_id("dry-run-form")
        dry.locator("[name=dry-mode]").first.check()
        dry.locator("[name=dry-recipient]").fill("kundtjanst@servit.example")
        dry.locator("[name=dry-subject]").fill(f"Om {word} i dag")
        dry.get_by_role("button", name=words["try"]).click()
        rule = page.get_by_test_id("dry-run-result").get_by_test_id("dry-rule")
        expect(rule).to_contain_text(rule_id)
        expect(rule).to_contain_text(words["disabled"])
        assert not _serious(page)

        # Then the admin enables it from the list
        page.get_by_role("button", name=f"{words['enable']} Regel {UID}").click()
        expect(page.locator(f"tr[data-rule='{rule_id}']")).to_be_visible()
        wait_for(lambda: admin.call("GET", f"/api/admin/rules/{rule_id}")["enabled"])
    finally:
        admin.call("DELETE", f"/api/admin/rules/{rule_id}")


@pytest.mark.parametrize("lang", LANGS)
def test_the_login_page_focuses_the_email_field(
    browser: Any, stack: Stack, api_as: Callable[[str], ApiClient], lang: str
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, storage_state={
        "cookies": [], "origins": [{"origin": stack.url, "localStorage": [
            {"name": "servit.lang", "value": lang}]}],
    })  # fmt: skip
    try:
        page = context.new_page()
        page.goto(f"{stack.url}/")
        email = page.locator("input[name=email]")
        expect(email).to_be_focused()
        page.keyboard.type("admin@example.com")  # typing goes straight in
        expect(email).to_have_value("admin@example.com")
        assert not _serious(page)
    finally:
        context.close()


def _landing(inboxes: list[dict[str, Any]], user_id: str) -> str:
    waiting = [i for i in inboxes if i["count"] > 0]
    own = [i for i in waiting if i["id"] == f"agent:{user_id}"]
    pools = [i for i in waiting if i["kind"] == "pool-group"] + [
        i for i in waiting if i["kind"] == "pool-rp"
    ]
    pick = (own + pools + waiting)[:1]
    return pick[0]["id"] if pick else f"agent:{user_id}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_app_lands_on_the_first_inbox_with_work(
    browser: Any, stack: Stack, api_as: Callable[[str], ApiClient], lang: str
) -> None:
    # A new admin holds nothing (the demo admin may hold tickets other tests gave them),
    # while the demo's pools wait.
    tag = uuid.uuid4().hex[:6]
    email, password = f"landing{tag}@example.com", "Landa-Först-2026!"
    api_as("admin").call("POST", "/api/admin/users", {
        "id": f"landing{tag}", "email": email, "name": f"Lisa Landning {tag}",
        "roles": ["admin"], "groups": [], "language": lang, "password": password,
    })  # fmt: skip
    reply = requests.post(f"{stack.url}/api/auth/login",
                          json={"email": email, "password": password}, timeout=30)  # fmt: skip
    reply.raise_for_status()
    client = ApiClient(stack.url, reply.json()["token"], reply.json()["user"])
    inboxes = client.call("GET", "/api/inboxes")["items"]
    expected = _landing(inboxes, f"landing{tag}")
    assert expected != f"agent:landing{tag}", inboxes
    s = Session(browser, stack, client, lang, 1366)
    try:
        s.page.set_viewport_size({"width": 1366, "height": 768})
        page = s.goto("")
        expect(page).to_have_url(f"{s.url}/#/inbox/{expected}")
        expect(page.locator("[data-testid=ticket-list] tbody tr").first).to_be_visible()
        assert not _serious(page)
    finally:
        s.close()
