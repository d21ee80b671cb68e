"""Every route × every kind of caller (issue 10): anonymous, a customer's portal link, an
agent outside the ticket's group, an agent, a dispatcher and an admin.

The table ``MINIMUM`` names who may call each route. A route the app has but the table
does not fails ``test_every_route_is_in_the_matrix``, so a new route cannot ship without
someone deciding who may call it — and the other tests then check that decision.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import app
from tests.api.apiclient import Api, Reply

PUBLIC, LINK, AGENT, DISPATCHER, ADMIN = "public", "link", "agent", "dispatcher", "admin"

# (method, path) -> the least role that may call it. "link": only with a portal token.
MINIMUM: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/challenge"): PUBLIC,
    ("POST", "/api/auth/logout"): AGENT,
    ("GET", "/portal/t/{token}"): LINK,
    ("GET", "/portal/t/{token}/files/{event_id}/{index}"): LINK,
    ("POST", "/portal/t/{token}/reply"): LINK,
    # Messenger and X (issue 13): no login; the platform's signature is the key (checked in
    # tests/api/test_api_social.py). Here no social keys are set up: 503 for everyone.
    ("GET", "/webhooks/facebook"): PUBLIC,
    ("POST", "/webhooks/facebook"): PUBLIC,
    ("GET", "/webhooks/x"): PUBLIC,
    ("POST", "/webhooks/x"): PUBLIC,
    # Web forms (issue 13): public pages; the form's signed token and caps guard the post
    # (tests/api/forms/test_api_web_forms.py).
    ("GET", "/forms/{form_id}"): PUBLIC,
    ("POST", "/forms/{form_id}"): PUBLIC,
    ("GET", "/forms/{form_id}/embed"): PUBLIC,
    ("POST", "/forms/{form_id}/embed"): PUBLIC,
    ("GET", "/api/me"): AGENT,
    ("PATCH", "/api/me"): AGENT,
    ("GET", "/api/me/mfa"): AGENT,
    ("POST", "/api/me/mfa/setup"): AGENT,
    ("POST", "/api/me/mfa/confirm"): AGENT,
    ("POST", "/api/me/mfa/disable"): AGENT,
    ("GET", "/api/me/menu"): AGENT,
    ("GET", "/api/me/notifications"): AGENT,
    ("GET", "/api/me/notifications/count"): AGENT,
    ("POST", "/api/me/notifications/read"): AGENT,
    # issue 14: statistics; an agent's own and their groups' figures (tests/api/test_api_stats.py)
    ("GET", "/api/stats"): AGENT,
    ("GET", "/api/field-settings"): AGENT,
    ("GET", "/api/inboxes"): AGENT,
    ("GET", "/api/live"): AGENT,  # issue 15: where the live socket is
    ("GET", "/api/inboxes/{inbox_id}/tickets"): AGENT,
    ("GET", "/api/ui/directory"): AGENT,
    ("GET", "/api/ui/inboxes/{inbox_id}/tickets"): AGENT,
    ("GET", "/api/templates"): AGENT,
    ("GET", "/api/templates/{template_id}"): AGENT,
    ("GET", "/api/templates/{template_id}/versions/{version}"): AGENT,
    ("GET", "/api/contacts"): AGENT,
    ("POST", "/api/contacts"): AGENT,
    ("GET", "/api/contacts/{contact_id}"): AGENT,
    ("PATCH", "/api/contacts/{contact_id}"): AGENT,
    # issue 14: organisations are CRM data every agent reads and edits; merging is admin's.
    ("GET", "/api/contacts/{contact_id}/duplicates"): AGENT,
    ("POST", "/api/contacts/{contact_id}/merge"): ADMIN,
    # Issue 14, GDPR: the subject access export, anonymisation and retention are admins'.
    ("GET", "/api/contacts/{contact_id}/export"): ADMIN,
    ("POST", "/api/contacts/{contact_id}/anonymise"): ADMIN,
    ("GET", "/api/admin/retention/preview"): ADMIN,
    ("GET", "/api/admin/retention/{response_point}"): ADMIN,
    ("PUT", "/api/admin/retention/{response_point}"): ADMIN,
    ("GET", "/api/organisations"): AGENT,
    ("POST", "/api/organisations"): AGENT,
    ("GET", "/api/organisations/{organisation_id}"): AGENT,
    ("PATCH", "/api/organisations/{organisation_id}"): AGENT,
    ("GET", "/api/saved-searches"): AGENT,
    ("POST", "/api/saved-searches"): AGENT,
    ("GET", "/api/saved-searches/{search_id}"): AGENT,
    ("PUT", "/api/saved-searches/{search_id}"): AGENT,
    ("DELETE", "/api/saved-searches/{search_id}"): AGENT,
    ("GET", "/api/saved-searches/{search_id}/export"): AGENT,
    ("GET", "/api/saved-searches/{search_id}/tickets"): AGENT,
    ("GET", "/api/tickets"): AGENT,
    ("POST", "/api/tickets"): AGENT,
    ("POST", "/api/tickets/pick-next"): AGENT,
    ("POST", "/api/tickets/search"): AGENT,
    ("POST", "/api/tickets/search/export"): AGENT,
    ("GET", "/api/tickets/{ticket_id}"): AGENT,
    ("PATCH", "/api/tickets/{ticket_id}"): AGENT,
    ("GET", "/api/tickets/{ticket_id}/events/{event_id}/attachments/{index}"): AGENT,
    ("GET", "/api/tickets/{ticket_id}/events/{event_id}/raw"): AGENT,
    ("GET", "/api/tickets/{ticket_id}/guidance"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/notes"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/pick"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/release"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/reopen"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/replies"): AGENT,
    ("GET", "/api/tickets/{ticket_id}/children"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/children"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/children/resume"): AGENT,
    ("DELETE", "/api/tickets/{ticket_id}/children/{child_id}"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/steps"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/template"): AGENT,
    ("GET", "/api/tickets/{ticket_id}/consultations"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/consultations"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/consultations/{consultation_id}/answer"): AGENT,
    ("POST", "/api/tickets/{ticket_id}/consultations/{consultation_id}/cancel"): AGENT,
    ("GET", "/api/consultations"): AGENT,
    ("GET", "/api/external-parties"): AGENT,
    ("POST", "/api/dispatcher/assign"): DISPATCHER,
    # issue 15: bulk change from any list; per ticket the rules of PATCH (tests/api/test_api_bulk.py)
    ("POST", "/api/tickets/bulk"): AGENT,
    ("POST", "/api/tickets/bulk/undo"): AGENT,
    # issue 15: the top-bar search; tickets pass the multi-user level (test_api_search.py)
    ("GET", "/api/search"): AGENT,
    ("GET", "/api/dev/outbox"): ADMIN,
    ("POST", "/api/dev/sms"): ADMIN,
    ("GET", "/api/dev/sms-outbox"): ADMIN,
    **{
        (method, path): ADMIN
        for path, methods in {
            "/api/admin/calendars": ("GET", "POST"),
            "/api/admin/calendars/{calendar_id}": ("GET", "PUT", "DELETE"),
            "/api/admin/forms": ("GET", "POST"),
            "/api/admin/forms/{form_id}": ("GET", "PUT", "DELETE"),
            "/api/admin/mail-log": ("GET",),
            "/api/admin/quarantine": ("GET",),
            "/api/admin/quarantine/{entry_id}/raw": ("GET",),
            "/api/admin/quarantine/{entry_id}/replay": ("POST",),
            "/api/admin/rules": ("GET", "POST"),
            "/api/admin/rules/reorder": ("POST",),
            "/api/admin/rules/test": ("POST",),
            "/api/admin/rules/{rule_id}": ("GET", "PUT", "DELETE"),
            "/api/admin/schedules": ("GET", "POST"),
            "/api/admin/schedules/{schedule_id}": ("GET", "PUT", "DELETE"),
            "/api/admin/schedules/{schedule_id}/occurrences": ("GET",),
            "/api/admin/signatures": ("GET",),
            "/api/admin/social-accounts": ("GET", "POST"),
            "/api/admin/social-accounts/{account_key}": ("PUT", "DELETE"),
            "/api/admin/signatures/{signature_id}": ("PUT", "DELETE"),
            "/api/admin/signatures/{signature_id}/logo": ("PUT",),
            "/api/admin/templates": ("GET", "POST"),
            "/api/admin/templates/{template_id}": ("GET", "PUT"),
            "/api/admin/templates/{template_id}/copy": ("POST",),
            "/api/admin/templates/{template_id}/versions": ("GET",),
            "/api/admin/tickets/{ticket_id}/portal-links/revoke": ("POST",),
            "/api/admin/triggers": ("GET", "POST"),
            "/api/admin/triggers/test": ("POST",),
            "/api/admin/triggers/{trigger_id}": ("GET", "PUT", "DELETE"),
            "/api/admin/users/{user_id}/sign-out": ("POST",),
            "/api/admin/{collection}": ("GET", "POST", "PUT"),
            "/api/admin/{collection}/{item_id}": ("GET", "PUT", "DELETE"),
        }.items()
        for method in methods
    },
}
# Admin collections whose reads a dispatcher needs for the board (none today: all admin).
RANK = {PUBLIC: 0, LINK: 0, AGENT: 1, DISPATCHER: 2, ADMIN: 3}
USERS = {"agent1": AGENT, "dispatcher": DISPATCHER, "admin": ADMIN}
ROUTES = sorted(MINIMUM)
DENIED = {401, 403, 404}
OBJECT_PARAM = re.compile(r"\{(ticket_id|contact_id)\}")


@pytest.fixture
def world(api: Api) -> dict[str, str]:
    """A kt-second ticket at Kundtjänst (level own_groups: agent1 may not see it), its
    contact and its first event."""
    hidden = api.as_user("dispatcher").post(
        "/api/tickets",
        {"title": "Andra linjen", "group_id": "kt-second", "contact": {"email": "k2@example.se"}},
    )
    assert hidden.status == 201, hidden.body
    ticket = api.as_user("admin").get(f"/api/tickets/{hidden.body['id']}").body
    return {
        "ticket_id": ticket["id"],
        "contact_id": ticket["contact_id"],
        "event_id": ticket["events"][0]["id"],
        "index": "0",
        "version": "1",
        "collection": "groups",
        "item_id": "kt-first",
        "user_id": "agent2",
        "inbox_id": "group:kt-second",
        "token": "not-a-portal-token",
    }


def concrete(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "no-such-id"), path)


def call(client: Api, method: str, path: str) -> Reply:
    return client.request(method, path, {} if method in ("POST", "PUT", "PATCH") else None)


def test_every_route_is_in_the_matrix() -> None:
    # Given the routes the app serves
    served = {(m, p) for p, methods in app.app.routes.items() for m in methods}

    # Then each has a decided minimum role, and the matrix names no route that is gone
    assert served - set(MINIMUM) == set(), "decide who may call these routes"
    assert set(MINIMUM) - served == set()


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_each_caller_below_the_minimum_is_refused_and_none_at_it_is(
    api: Api, world: dict[str, str], method: str, path: str
) -> None:
    minimum = MINIMUM[(method, path)]
    url = concrete(path, world)

    # Anonymous callers reach only public and portal routes
    anonymous = call(api.with_token(None), method, url)
    assert anonymous.status != 500
    if minimum in (AGENT, DISPATCHER, ADMIN):
        assert anonymous.status == 401, anonymous.body

    # A portal token is no key to the agents' API
    if minimum in (AGENT, DISPATCHER, ADMIN):
        assert call(api.with_token("x.y"), method, url).status == 401

    for user, role in USERS.items():
        reply = call(api.as_user(user), method, url)
        assert reply.status != 500, (user, reply.body)
        if RANK[role] < RANK[minimum]:
            # Below the minimum: refused, and never with a success
            assert reply.status in {403, 404}, (user, reply.status, reply.body)
        elif user == "admin" or not OBJECT_PARAM.search(path):
            # At or above it: never turned away for who they are (the IT ticket and its
            # contact are outside agent1's and the dispatcher's groups: only admin sees them)
            assert reply.status not in {401, 403}, (user, reply.status, reply.body)


# What each route would change, so that a refusal is not merely a 422 for an empty body.
BODIES: dict[str, dict[str, Any]] = {
    "/api/tickets/{ticket_id}": {"title": "Mitt nu"},
    "/api/contacts/{contact_id}": {"emails": ["agent1@example.com"]},
    "/api/tickets/{ticket_id}/notes": {"text": "Tittar"},
    "/api/tickets/{ticket_id}/replies": {"text": "Hej"},
    "/api/tickets/{ticket_id}/children": {"ticket_ids": ["no-such-id"]},
    "/api/tickets/{ticket_id}/steps": {"step": 0, "done": True},
    "/api/tickets/{ticket_id}/template": {"template_id": "t1"},
    "/api/tickets/{ticket_id}/consultations": {"to": "lev@example.se", "text": "Fråga"},
    "/api/tickets/{ticket_id}/consultations/{consultation_id}/answer": {"text": "Svar"},
}
# The contact card itself is CRM data every agent reads (S19); its ticket list is filtered.
# So are the cards that look like it (issue 14).
CRM_READS = {
    ("GET", "/api/contacts/{contact_id}"),
    ("GET", "/api/contacts/{contact_id}/duplicates"),
}
OBJECT_ROUTES = [
    r
    for r in ROUTES
    if OBJECT_PARAM.search(r[1]) and r not in CRM_READS
    and not r[1].startswith("/api/admin/")
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path"), OBJECT_ROUTES, ids=[f"{m} {p}" for m, p in OBJECT_ROUTES]
)
def test_an_agent_outside_the_group_can_neither_read_nor_change_the_ticket_or_its_contact(
    api: Api, world: dict[str, str], method: str, path: str
) -> None:
    # Given a ticket agent1 may not see, and its customer's contact card
    admin = api.as_user("admin")
    before = admin.get(f"/api/tickets/{world['ticket_id']}").body
    contact_before = admin.get(f"/api/contacts/{world['contact_id']}").body

    # When agent1 calls any route about them with a body that would change something
    url = concrete(path, world)
    body = BODIES.get(path, {}) if method != "GET" else None
    reply = api.as_user("agent1").request(method, url, body)

    # Then it is refused (as if the ticket did not exist), and nothing changed
    assert reply.status in DENIED, (reply.status, reply.body)
    assert admin.get(f"/api/tickets/{world['ticket_id']}").body == before
    assert admin.get(f"/api/contacts/{world['contact_id']}").body == contact_before


def test_the_contact_card_lists_only_the_tickets_the_agent_may_see(
    api: Api, world: dict[str, str]
) -> None:
    card = api.as_user("agent1").get(f"/api/contacts/{world['contact_id']}")
    assert card.status == 200
    assert world["ticket_id"] not in [t["id"] for t in card.body["tickets"]]
    assert world["ticket_id"] in [
        t["id"]
        for t in api.as_user("admin").get(f"/api/contacts/{world['contact_id']}").body["tickets"]
    ]


def test_a_portal_link_opens_only_its_own_tickets_files(api: Api, world: dict[str, str]) -> None:
    # A token that is not ours opens nothing, and names nothing
    page = api.with_token(None).get(f"/portal/t/x.y/files/{world['event_id']}/0")
    assert page.status == 404
