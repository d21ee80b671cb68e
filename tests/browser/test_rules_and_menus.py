"""Issue 5 in the browser, the parts test_templates_and_rules.py leaves out: the dry run with a
pasted raw e-mail, the rule form's every kind of condition and the order of rules (first match
wins), and menu profiles with every kind of link given to one user (S2, S3, S12, S14).

Everything a test makes it takes away again (fixtures with the API), so the other browser tests
of the same stack session see the demo data as it was."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ApiClient, Session

UID = uuid.uuid4().hex[:6]
PREFIX = f"t{UID}"  # ids of everything made here start with it

# The UI's words the tests look for, per language (the rest is found by name or test id).
WORDS = {
    "sv": {
        "raw_mode": "ett inklistrat e-postmeddelande",
        "raw_empty": "Klistra in hela e-postmeddelandet",
        "raw_refused": "E-postmeddelandet gick inte att läsa",
        "why": "Ämne innehåller ”{word}”",
    },
    "en": {
        "raw_mode": "a pasted raw e-mail",
        "raw_empty": "Paste the whole e-mail",
        "raw_refused": "The e-mail could not be read",
        "why": "Subject contains “{word}”",
    },
}


def _template(admin: ApiClient, template_id: str, **fields: Any) -> dict[str, Any]:
    body = {"title": template_id, "response_point_id": "kundtjanst", **fields}
    return admin.call("POST", "/api/admin/templates", {"id": template_id, **body})


def _ticket_count(client: ApiClient) -> int:
    count, cursor = 0, None
    while True:
        page = client.call("POST", "/api/tickets/search", {"limit": 200, "cursor": cursor})
        count += len(page["items"])
        cursor = page["cursor"]
        if not cursor:
            return count


USERS = ("admin", "agent1", "agent2")  # whose language a test may switch


@pytest.fixture
def desk(api_as: Callable[[str], ApiClient]) -> Iterator[dict[str, Any]]:
    """Two templates of our own (Första linjen, high; Fakturor, low). Afterwards: the rules
    made here deleted, the rules' order as it was, the templates off, languages as they were."""
    admin = api_as("admin")
    languages = {u: api_as(u).call("GET", "/api/me")["language"] for u in USERS}
    order = [r["id"] for r in admin.call("GET", "/api/admin/rules")["items"]]
    tag = uuid.uuid4().hex[:4]  # templates cannot be deleted: each test has its own
    first = _template(
        admin, f"{PREFIX}-{tag}-skrivare", title=f"Skrivarfel {UID}{tag}", group_id="kt-forsta",
        default_priority="high", ticket_title=f"Skrivaren krånglar {UID}",
        description="Kontrollera skrivarens kö.", itil_process="incident",
    )  # fmt: skip
    second = _template(
        admin, f"{PREFIX}-{tag}-order", title=f"Orderfrågor {UID}{tag}", group_id="kt-faktura",
        default_priority="low",
    )  # fmt: skip
    try:
        yield {"first": first, "second": second, "admin": admin}
    finally:
        for rule in admin.call("GET", "/api/admin/rules")["items"]:
            if rule["id"].startswith(PREFIX):
                admin.call("DELETE", f"/api/admin/rules/{rule['id']}")
        left = [r["id"] for r in admin.call("GET", "/api/admin/rules")["items"]]
        admin.call("POST", "/api/admin/rules/reorder", {"ids": [i for i in order if i in left]})
        for tpl in (first, second):
            stored = admin.call("GET", f"/api/admin/templates/{tpl['id']}")
            stored.pop("matching_rules", None)
            admin.call("PUT", f"/api/admin/templates/{tpl['id']}", {**stored, "enabled": False})
        for user, lang in languages.items():
            api_as(user).call("PATCH", "/api/me", {"language": lang})


def _session(sessions: Callable[..., Session], user: str, lang: str) -> Session:
    """The user's browser session in ``lang``, the server told so too (the fixture restores)."""
    s = sessions(user, lang=lang)
    s.client.call("PATCH", "/api/me", {"language": lang})
    return s


def _open(s: Session, route: str) -> Page:
    """The screen loaded afresh (the session's page may show it already, with older data)."""
    page = s.goto(route)
    page.reload()
    page.wait_for_selector("header.topbar")
    return page


def _no_page_errors(s: Session) -> None:
    assert not [c for c in s.console if "pageerror" in c], s.console
    assert s.dialogs == [], s.dialogs  # no alert() instead of words on the page


# --- 1. the dry run with a pasted raw e-mail -------------------------------------------------

WORD = f"tonerslut{UID}"


def _raw_mail() -> str:
    """A multipart/alternative mail as a mail program sends it: the subject an RFC 2047
    encoded word (base64), the text part quoted-printable with a soft line break inside the
    word a rule looks for. Neither word is in the raw text as written."""
    subject = base64.b64encode(f"Skrivaren på plan 3 – {WORD} igen".encode()).decode()
    assert WORD not in subject
    return "\r\n".join([
        "Return-Path: <kund@customer.example>",
        "From: =?ISO-8859-1?Q?Kalle_Kund=E9n?= <kund@customer.example>",
        "To: Kundtjänst <kundtjanst@servit.example>",
        f"Subject: =?UTF-8?B?{subject}?=",
        "Date: Tue, 03 Mar 2026 09:15:00 +0100",
        f"Message-ID: <{UID}.raw@customer.example>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="=_Part_42_x.y"',
        "",
        "This is a multi-part message in MIME format.",
        "",
        "--=_Part_42_x.y",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Hej!",
        "",
        "Skrivaren p=C3=A5 plan 3 har pappers=",
        f"stopp{UID} igen, och tonern =C3=A4r slut.",
        "",
        "--=_Part_42_x.y",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<p>Hej!</p><p>Skrivaren p=C3=A5 plan 3 har pappersstopp igen.</p>",
        "",
        "--=_Part_42_x.y--",
        "",
    ])  # fmt: skip


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_pasted_raw_email_is_dry_run_like_the_api_and_nothing_is_made(
    sessions: Callable[..., Session], desk: dict[str, Any], lang: str
) -> None:
    admin: ApiClient = desk["admin"]
    words = WORDS[lang]
    rule_id = f"{PREFIX}-raw-{lang}"
    # Both conditions hold only once the mail is decoded: the subject's encoded word, and
    # the body's soft line break.
    admin.call("POST", "/api/admin/rules", {
        "id": rule_id, "name": f"Skrivare {UID}", "template_id": desk["first"]["id"],
        "combine": "all", "position": 1, "conditions": [
            {"field": "subject", "operator": "contains", "value": WORD, "whole_word": True},
            {"field": "body", "operator": "contains", "value": f"pappersstopp{UID}"},
        ],
    })  # fmt: skip
    before = _ticket_count(admin)
    raw = _raw_mail()
    expected = admin.call("POST", "/api/admin/rules/test", {"raw": raw})
    assert (expected["rule_id"], expected["inbox"]) == (rule_id, "pool-group:kt-forsta"), expected

    s = _session(sessions, "admin", lang)
    page = _open(s, "admin/rules")
    dry = page.get_by_test_id("dry-run-form")
    dry.get_by_label(words["raw_mode"]).check()
    dry.locator("[name=dry-raw]").fill(raw)
    dry.locator("button[type=submit]").click()
    result = page.get_by_test_id("dry-run-result")
    expect(result.get_by_test_id("dry-rule")).to_have_text(f"Skrivare {UID} ({rule_id})")
    expect(result.get_by_test_id("dry-template")).to_contain_text(desk["first"]["title"])
    expect(result.get_by_test_id("dry-template")).to_contain_text(expected["template"]["title"])
    expect(result.get_by_test_id("dry-inbox")).to_have_attribute("data-inbox", expected["inbox"])
    expect(result.get_by_test_id("dry-inbox")).to_contain_text("Första linjen")
    # Why: the decoded subject's word, said in the UI's language.
    expect(result).to_contain_text(words["why"].format(word=WORD))
    s.shot(f"dry-run-raw-{lang}")

    # A dry run makes nothing: no ticket, no contact for the sender.
    assert _ticket_count(admin) == before
    assert admin.call("POST", "/api/tickets/search", {"words": WORD})["items"] == []
    assert admin.call("GET", "/api/contacts?email=kund%40customer.example")["items"] == []

    # An empty paste and text that is no e-mail are said in words, and the old answer goes.
    dry.locator("[name=dry-raw]").fill("   ")
    dry.locator("button[type=submit]").click()
    error = page.get_by_test_id("dry-run-error")
    expect(error).to_contain_text(words["raw_empty"])
    expect(result).to_have_count(0)
    dry.locator("[name=dry-raw]").fill("bara lite text utan rubriker\noch en rad till")
    dry.locator("button[type=submit]").click()
    expect(error).to_contain_text(words["raw_refused"])
    expect(error).to_contain_text("no mail headers")
    expect(dry.locator("[name=dry-raw]")).to_have_attribute("aria-invalid", "true")
    # ... and a good one again clears the error.
    dry.locator("[name=dry-raw]").fill(raw)
    dry.locator("button[type=submit]").click()
    expect(result.get_by_test_id("dry-rule")).to_contain_text(rule_id)
    expect(error).to_have_count(0)
    assert _ticket_count(admin) == before
    _no_page_errors(s)


# --- 2. the rule form: every kind of condition, any/all, the order ---------------------------


def _new_rule(page: Page, rule_id: str, name: str, template_id: str) -> Any:
    page.locator(".list-head button.primary").click()
    form = page.get_by_test_id("rule-form")
    form.locator("[name=rule-id]").fill(rule_id)
    form.locator("[name=rule-name]").fill(name)
    form.locator("[name=rule-template]").select_option(template_id)
    form.locator("[name=rule-enabled]").check()  # issue 15: new rules start disabled
    return form


def _condition(form: Any, n: int, field: str, operator: str, value: str, word: str = "") -> None:
    if n > 0:
        form.get_by_test_id("rule-conditions").locator(":scope > button").click()
    form.locator(f"[name=cond-field-{n}]").select_option(field)
    form.locator(f"[name=cond-op-{n}]").select_option(operator)
    form.locator(f"[name=cond-value-{n}]").fill(value)
    if word:
        form.locator(f"[name=cond-word-{n}]").select_option(word)


def _dry_run(page: Page, sender: str, subject: str, body: str = "") -> Any:
    dry = page.get_by_test_id("dry-run-form")
    dry.locator("[name=dry-mode]").first.check()  # a sample message
    dry.locator("[name=dry-recipient]").fill("kundtjanst@servit.example")
    dry.locator("[name=dry-sender]").fill(sender)
    dry.locator("[name=dry-subject]").fill(subject)
    dry.locator("[name=dry-body]").fill(body)
    dry.locator("button[type=submit]").click()
    return page.get_by_test_id("dry-run-result")


def _goes_to(result: Any, inbox: str) -> None:
    expect(result.get_by_test_id("dry-inbox")).to_have_attribute("data-inbox", inbox)


def test_rule_conditions_of_every_kind_and_the_order_decides_which_rule_wins(
    sessions: Callable[..., Session], desk: dict[str, Any]
) -> None:
    admin: ApiClient = desk["admin"]
    first, second = desk["first"], desk["second"]
    domain = f"{UID}.example"
    by_mail, by_order = f"{PREFIX}-avsandare", f"{PREFIX}-ordernr"
    s = _session(sessions, "admin", "sv")
    page = _open(s, "admin/rules")

    # Rule 1, "any": the sender's domain, or a substring of the body text.
    form = _new_rule(page, by_mail, f"Kundens domän {UID}", first["id"])
    form.locator("input[name=rule-combine][value=any]").check()
    _condition(form, 0, "sender", "equals", domain)
    _condition(form, 1, "body", "contains", f"skrivarstopp{UID}", word="substring")
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()
    row1 = page.get_by_test_id("rule-list").locator(f"tr[data-rule='{by_mail}']")
    expect(row1).to_contain_text("något villkor stämmer")
    expect(row1).to_contain_text(f'Avsändare är lika med "{domain}"')

    # Rule 2: a regular expression on the subject.
    pattern = rf"^order\s*nr\s*\d{{5}}-{UID}$"
    form = _new_rule(page, by_order, f"Ordernummer {UID}", second["id"])
    _condition(form, 0, "subject", "regex", pattern)
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()
    row2 = page.get_by_test_id("rule-list").locator(f"tr[data-rule='{by_order}']")
    expect(row2).to_contain_text("reguljärt uttryck")

    stored = {r["id"]: r for r in admin.call("GET", "/api/admin/rules")["items"]}
    assert stored[by_mail]["combine"] == "any"
    assert stored[by_mail]["conditions"] == [
        {"field": "sender", "operator": "equals", "value": domain, "whole_word": False},
        {"field": "body", "operator": "contains", "value": f"skrivarstopp{UID}", "whole_word": False},
    ]  # fmt: skip
    assert stored[by_order]["conditions"][0] == {
        "field": "subject",
        "operator": "regex",
        "value": pattern,
        "whole_word": False,
    }
    ids = [r["id"] for r in admin.call("GET", "/api/admin/rules")["items"]]
    assert ids.index(by_mail) == ids.index(by_order) - 1  # the newest comes last

    # Each condition alone: the domain (a subdomain too), the body's substring, the regex.
    subject = f"Order nr 12345-{UID}"
    result = _dry_run(page, f"kund@mail.{domain}", "Hej")
    expect(result.get_by_test_id("dry-rule")).to_contain_text(by_mail)
    result = _dry_run(
        page, "kund@elsewhere.example", "Hej", f"Nu är det xxskrivarstopp{UID}yy igen"
    )
    expect(result.get_by_test_id("dry-rule")).to_contain_text(by_mail)
    _goes_to(result, "pool-group:kt-forsta")
    result = _dry_run(page, f"kund@{domain}.evil.example", subject)
    expect(result.get_by_test_id("dry-rule")).to_contain_text(by_order)
    _goes_to(result, "pool-group:kt-faktura")
    result = _dry_run(page, "kund@elsewhere.example", f"{subject} och mer")  # $ holds the regex
    expect(result.get_by_test_id("dry-rule")).to_have_text("Ingen regel matchar")

    # A mail both rules match: the first in the order wins ...
    result = _dry_run(page, f"kund@{domain}", subject)
    expect(result.get_by_test_id("dry-rule")).to_contain_text(by_mail)
    expect(result.get_by_test_id("dry-template")).to_contain_text(first["title"])
    _goes_to(result, "pool-group:kt-forsta")
    # ... until the regex rule is moved above it.
    page.locator(f"[data-move='{by_order}:-1']").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Ordningen sparades.")
    rows = page.get_by_test_id("rule-list").locator("tbody tr")
    expect(rows.nth(ids.index(by_mail))).to_have_attribute("data-rule", by_order)
    expect(rows.nth(ids.index(by_mail) + 1)).to_have_attribute("data-rule", by_mail)
    expect(page.locator(f"[data-move='{by_order}:-1']")).to_be_focused()  # focus stays
    after = [r["id"] for r in admin.call("GET", "/api/admin/rules")["items"]]
    assert after.index(by_order) == after.index(by_mail) - 1
    result = _dry_run(page, f"kund@{domain}", subject)
    expect(result.get_by_test_id("dry-rule")).to_contain_text(by_order)
    expect(result.get_by_test_id("dry-template")).to_contain_text(second["title"])
    _goes_to(result, "pool-group:kt-faktura")
    api = admin.call("POST", "/api/admin/rules/test", {
        "sender": f"kund@{domain}", "subject": subject, "recipients": ["kundtjanst@servit.example"],
    })  # fmt: skip
    assert (api["rule_id"], api["inbox"]) == (by_order, "pool-group:kt-faktura")
    # Moving it back down gives the first rule the mail again.
    page.locator(f"[data-move='{by_order}:1']").click()
    expect(rows.nth(ids.index(by_mail))).to_have_attribute("data-rule", by_mail)
    result = _dry_run(page, f"kund@{domain}", subject)
    expect(result.get_by_test_id("dry-rule")).to_contain_text(by_mail)

    # A pattern that backtracks for ever runs out of time: no match, and the dry run says so.
    slow = f"{PREFIX}-langsam"
    form = _new_rule(page, slow, f"Långsam {UID}", first["id"])
    _condition(form, 0, "body", "regex", "(a|aa)+$")
    form.get_by_role("button", name="Spara").click()
    expect(form).to_be_hidden()
    result = _dry_run(page, "kund@elsewhere.example", "Hej", "a" * 60 + "!")
    expect(result.get_by_test_id("dry-rule")).to_have_text("Ingen regel matchar")
    expect(result).to_contain_text("Regler som tog för lång tid")
    expect(result.get_by_test_id("dry-timed-out")).to_have_text(slow)
    page.get_by_role("button", name=f"Ta bort {slow}").click()
    expect(page.get_by_test_id("rule-list").locator(f"tr[data-rule='{slow}']")).to_have_count(0)

    # A pattern that is no regular expression: said in words, nothing saved.
    broken = f"{PREFIX}-trasig"
    form = _new_rule(page, broken, "Trasig", first["id"])
    _condition(form, 0, "subject", "regex", "(order[0-9")
    form.get_by_role("button", name="Spara").click()
    expect(form.get_by_test_id("rule-error")).to_contain_text("Regeln sparades inte")
    expect(form.get_by_test_id("rule-error")).to_contain_text("not a regular expression")
    expect(form).to_be_visible()  # what the admin wrote is still there to mend
    expect(form.locator("[name=cond-value-0]")).to_have_value("(order[0-9")
    assert broken not in [r["id"] for r in admin.call("GET", "/api/admin/rules")["items"]]
    form.get_by_role("button", name="Avbryt").click()
    expect(page.get_by_test_id("rule-list").locator(f"tr[data-rule='{broken}']")).to_have_count(0)

    # Deleting a rule in the UI: it is gone from the order and from the dry run.
    page.get_by_role("button", name=f"Ta bort {by_mail}").click()
    expect(row1).to_have_count(0)
    result = _dry_run(page, f"kund@{domain}", subject)
    expect(result.get_by_test_id("dry-rule")).to_contain_text(by_order)
    assert len(s.dialogs) == 2, s.dialogs  # the confirm() of the deletes, and no alert()
    assert not [c for c in s.console if "pageerror" in c], s.console


# --- 3. menu profiles: every kind of link, given to one user ---------------------------------


@pytest.fixture
def menu_bits(desk: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A shared saved search; afterwards our menu profiles and the search are gone."""
    admin: ApiClient = desk["admin"]
    search = admin.call("POST", "/api/saved-searches", {
        "name": f"Skrivarärenden {UID}", "shared": True, "criteria": {"words": f"skrivare{UID}"},
    })  # fmt: skip
    try:
        yield {**desk, "search": search}
    finally:
        for profile in admin.call("GET", "/api/admin/menu-profiles")["items"]:
            if profile["id"].startswith(PREFIX):
                admin.call("DELETE", f"/api/admin/menu-profiles/{profile['id']}")
        admin.call("DELETE", f"/api/saved-searches/{search['id']}")


MENU_WORDS = {
    "sv": {"add_link": "Lägg till länk", "users": "Ges till användare", "save": "Spara",
           "up": "Flytta upp länk {n}", "down": "Flytta ned länk {n}",
           "saved": "Sparad sökning: {name}"},
    "en": {"add_link": "Add a link", "users": "Given to users", "save": "Save",
           "up": "Move link {n} up", "down": "Move link {n} down",
           "saved": "Saved search: {name}"},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_a_menu_profile_with_every_kind_of_link_given_to_one_user(
    sessions: Callable[..., Session], menu_bits: dict[str, Any], lang: str
) -> None:
    words = MENU_WORDS[lang]
    admin: ApiClient = menu_bits["admin"]
    template, search = menu_bits["first"], menu_bits["search"]
    profile_id = f"{PREFIX}-meny-{lang}"
    url = f"https://intranet.example.se/skrivare/{UID}"
    s = _session(sessions, "admin", lang)
    page = _open(s, "admin/menu-profiles")
    page.locator(".list-head button.primary").click()
    menu = page.get_by_test_id("menu-form")
    menu.locator("[name=menu-id]").fill(profile_id)
    menu.locator("[name=menu-name]").fill(f"Skrivare {UID}")
    links = [
        ("url", url, f"Intranät {UID}"),
        ("inbox", "pool-group:kt-forsta", f"Nya i Första linjen {UID}"),
        ("new_from_template", template["id"], ""),  # the template's title is the label
        ("saved_search", search["id"], f"Mina skrivare {UID}"),
    ]
    for n, (kind, target, label) in enumerate(links):
        menu.get_by_role("button", name=words["add_link"]).click()
        menu.locator(f"[name=link-kind-{n}]").select_option(kind)
        if kind == "url":
            menu.locator(f"[name=link-target-{n}]").fill(target)
        else:
            menu.locator(f"[name=link-target-{n}]").select_option(target)
        menu.locator(f"[name=link-label-{n}]").fill(label)
    # The order as the admin wants it: the search first, the intranet last.
    menu.get_by_role("button", name=words["up"].format(n=4)).click()  # search -> 3
    menu.get_by_role("button", name=words["up"].format(n=3)).click()  # search -> 2
    menu.get_by_role("button", name=words["up"].format(n=2)).click()  # search -> 1
    menu.get_by_role("button", name=words["down"].format(n=2)).click()  # url -> 3
    menu.get_by_role("button", name=words["down"].format(n=3)).click()  # url -> 4
    expect(menu.locator("[name=link-kind-0]")).to_have_value("saved_search")
    expect(menu.locator("[name=link-target-3]")).to_have_value(url)
    menu.get_by_role("group", name=words["users"]).get_by_label("Anna Andersson").check()
    menu.get_by_role("button", name=words["save"], exact=True).click()
    expect(menu).to_be_hidden()
    row = page.get_by_test_id("menu-list").locator(f"tr[data-menu='{profile_id}']")
    expect(row.get_by_test_id("menu-given-to")).to_have_text("Anna Andersson")

    stored = admin.call("GET", f"/api/admin/menu-profiles/{profile_id}")
    assert (stored["users"], stored["roles"]) == (["agent1"], [])
    order = ["saved_search", "inbox", "new_from_template", "url"]
    assert [link["kind"] for link in stored["links"]] == order

    # agent1's menu (API and UI) holds the links, in that order; agent2's does not.
    agent1 = _session(sessions, "agent1", lang)
    mine = [x for x in agent1.client.call("GET", "/api/me/menu")["links"]
            if x["profile_id"] == profile_id]  # fmt: skip
    labels = [f"Mina skrivare {UID}", f"Nya i Första linjen {UID}", template["title"],
              f"Intranät {UID}"]  # fmt: skip
    assert [(x["kind"], x["label"]) for x in mine] == list(zip(order, labels, strict=True))
    other = _session(sessions, "agent2", lang).client.call("GET", "/api/me/menu")
    assert profile_id not in other["profiles"]
    assert not [x for x in other["links"] if UID in x["label"] or UID in x["target"]]

    page = _open(agent1, "")
    quick = page.get_by_test_id("quick-menu")
    ours = quick.get_by_role("link").filter(has_text=UID)
    expect(ours).to_have_text(labels)
    external = quick.get_by_role("link", name=f"Intranät {UID}")
    expect(external).to_have_attribute("href", url)
    expect(external).to_have_attribute("target", "_blank")
    assert "noopener" in (external.get_attribute("rel") or "").split()
    expect(quick.get_by_role("link", name=labels[0])).to_have_attribute(
        "href", f"#/search/{search['id']}"
    )
    expect(quick.get_by_role("link", name=labels[1])).to_have_attribute(
        "href", "#/inbox/pool-group:kt-forsta"
    )
    s.shot(f"quick-menu-{lang}")

    # The saved search, the inbox, and a new ticket from the template, each a click away.
    before = _ticket_count(admin)
    quick.get_by_role("link", name=labels[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words["saved"].format(name=search["name"])
    )
    quick.get_by_role("link", name=labels[1]).click()
    expect(page).to_have_url(f"{agent1.url}/#/inbox/pool-group:kt-forsta")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Första linjen")
    quick.get_by_role("link", name=template["title"]).click()
    form = page.locator("main form").first
    expect(form.locator("[data-field=template]")).to_have_value(template["id"])
    expect(form.locator("[data-field=title]")).to_have_value(f"Skrivaren krånglar {UID}")
    expect(form.locator("[data-field=group]")).to_have_value("kt-forsta")
    expect(form.locator("textarea").first).to_have_value("Kontrollera skrivarens kö.")
    priority = form.get_by_role("combobox", name="Prioritet" if lang == "sv" else "Priority")
    expect(priority).to_have_value("high")
    expect(priority.locator("option:checked")).to_have_text("Hög" if lang == "sv" else "High")
    itil = form.get_by_role("combobox", name="ITIL-process" if lang == "sv" else "ITIL process")
    expect(itil).to_have_value("incident")
    assert _ticket_count(admin) == before  # following the links made nothing

    # agent2 sees the shared profile of every agent but not agent1's.
    agent2 = _session(sessions, "agent2", lang)
    page2 = _open(agent2, "")
    quick2 = page2.get_by_test_id("quick-menu")
    expect(quick2).to_be_visible()
    expect(quick2.get_by_role("link").first).to_be_visible()
    expect(quick2.get_by_role("link").filter(has_text=UID)).to_have_count(0)
    expect(quick2.get_by_role("link", name=template["title"])).to_have_count(0)
    for session in (s, agent1, agent2):
        assert not [c for c in session.console if "pageerror" in c], session.console
