"""Issue 10, finding 5 and the CORS part of finding 3: input that used to reach DynamoDB or a
customer unchecked is refused or neutralised in one place, and the API speaks CORS to no one.

Over-long ids: DynamoDB refuses a key over 2,048 bytes with an error that was a 500; the
in-memory fakes here would not, so these tests pin the central check itself (404 before any
lookup), over every route of the app's route table, new routes included.
"""

from __future__ import annotations

import base64
import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

import app
from chalicelib import config
from chalicelib.api import routing
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.ticket import check_title
from chalicelib.services.context import Services
from tests.api.apiclient import Api
from tests.unit.mail.flows import deliver, mail_file

LONG_ID = "A" * 3000
_PARAM = re.compile(r"\{(\w+)\}")


def _param_routes() -> list[tuple[str, str, str]]:
    """(method, path, parameter) for every JSON route with a path parameter."""
    found = []
    for path, entries in sorted(app.app.routes.items()):
        if not path.startswith("/api/"):
            continue  # /portal/t/{token}: the portal's own checks (another part of issue 10)
        for method in sorted(entries):
            for name in _PARAM.findall(path):
                found.append((method, path, name))
    return found


ROUTES = _param_routes()


def test_the_route_table_has_the_routes_the_issue_names() -> None:
    paths = {path for _, path, _ in ROUTES}
    for path in (
        "/api/tickets/{ticket_id}",
        "/api/contacts/{contact_id}",
        "/api/saved-searches/{search_id}",
        "/api/templates/{template_id}",
        "/api/admin/{collection}/{item_id}",
        "/api/admin/calendars/{calendar_id}",
        "/api/admin/rules/{rule_id}",
        "/api/admin/templates/{template_id}",
        "/api/admin/quarantine/{entry_id}/raw",
    ):
        assert path in paths


@pytest.mark.parametrize(
    ("method", "path", "param"), ROUTES, ids=[f"{m} {p} {n}" for m, p, n in ROUTES]
)
def test_an_id_of_3000_characters_is_404_on_every_route(
    api: Api, method: str, path: str, param: str
) -> None:
    # Given a path whose one parameter is 3,000 characters and the others plausible
    filled = path.replace("{" + param + "}", LONG_ID)
    filled = _PARAM.sub(lambda m: "users" if m.group(1) == "collection" else "1", filled)

    # When the admin (who may call every route) calls it
    reply = api.as_user("admin").request(method, filled, {}, headers={"Accept": "*/*"})

    # Then it is the central 404 (before any lookup), in the app's shape, never a 500
    assert reply.status == 404, (reply.status, reply.body)
    assert reply.error == "not_found"
    assert reply.body["message"].startswith(f"no such {param.removesuffix('_id')}: 'AAA")


@pytest.mark.parametrize("value", ["a b", "é", "a/b", "<script>", "x\u202ey", ""])
def test_a_path_parameter_outside_the_id_alphabet_names_nothing(value: str) -> None:
    with pytest.raises(NotFoundError):
        routing.check_path_params({"ticket_id": value})


def test_ids_we_hand_out_pass_the_path_check() -> None:
    for value in ("01JABCDEF0123456789XYZABCD", "kt-forsta", "group:kt-forsta", "7", "A" * 200):
        routing.check_path_params({"id": value})
    with pytest.raises(NotFoundError):
        routing.check_path_params({"id": "A" * 201})


def test_a_name_query_of_3000_characters_is_422(api: Api) -> None:
    reply = api.as_user("agent1").get("/api/contacts?name=" + "a" * 3000)
    assert (reply.status, reply.error) == (422, "too_long")


def test_a_query_value_is_limited_in_bytes_too(api: Api) -> None:
    # 400 CJK characters are 1,200 bytes: past DynamoDB's 1,024-byte sort key
    reply = api.as_user("agent1").get("/api/contacts?name=" + "中" * 400)
    assert (reply.status, reply.error) == (422, "too_long")
    assert api.as_user("agent1").get("/api/contacts?name=" + "中" * 300).status == 200


def test_a_cursor_may_be_longer_than_other_query_values() -> None:
    routing.check_query({"cursor": "A" * 4096})
    with pytest.raises(ValidationError):
        routing.check_query({"cursor": "A" * 4097})
    with pytest.raises(ValidationError):
        routing.check_query({"x" * 101: "1"})


# --- agent HTML -------------------------------------------------------------------------

HOSTILE_HTML = (
    '<p>Hej <b>Anna</b></p><script>alert("s")</script>'
    '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">klicka</a>'
    '<iframe src="https://evil.example"></iframe><p style="x" onclick="alert(3)">slut</p>'
)
ACTIVE = ("<script", "onerror", "onclick", "javascript:", "<iframe", "alert(")


@pytest.fixture
def ticket_id(svc: Services, api: Api) -> str:
    raw = mail_file("customer_request.eml", to="it@example.com")
    return deliver(svc, raw, ["it@example.com"]).ticket_id or ""


def _html_part(raw: bytes) -> str:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())


def test_an_agents_html_is_sanitised_sent_stored_and_shown_as_sent(
    svc: Services, api: Api, ticket_id: str
) -> None:
    # When an agent replies with HTML that carries scripts and handlers
    reply = api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies", {"text": "Hej Anna", "html": HOSTILE_HTML}
    )
    assert reply.status == 201, reply.body

    # Then the customer's mail carries only the sanitised HTML
    [mail] = list(svc.mailer.sent)  # type: ignore[attr-defined]
    sent_html = _html_part(mail.raw)
    assert "<b>Anna</b>" in sent_html and "slut" in sent_html
    assert not any(bad in sent_html for bad in ACTIVE)

    # And the history stores exactly that, and every agent is shown exactly that
    stored = next(e for e in svc.tickets.events(ticket_id) if e.type == "message_out")
    assert stored.data["html"].strip() == sent_html.strip()
    shown = api.as_user("agent1").get(f"/api/tickets/{ticket_id}").body["events"]
    [out] = [e for e in shown if e["type"] == "message_out"]
    assert out["data"]["html"] == stored.data["html"]
    assert not any(bad in out["data"]["html"] for bad in ACTIVE)


def test_html_that_is_nothing_but_script_is_no_reply(api: Api, ticket_id: str) -> None:
    reply = api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies", {"html": "<script>alert(1)</script>"}
    )
    assert (reply.status, reply.error) == (422, "invalid")


@pytest.mark.parametrize(
    "content_type", ["multipart/mixed", "Multipart/Alternative", "message/rfc822"]
)
def test_an_attachment_may_not_claim_a_container_type(
    svc: Services, api: Api, ticket_id: str, content_type: str
) -> None:
    reply = api.as_user("agent3").post(
        f"/api/tickets/{ticket_id}/replies",
        {
            "text": "Se bilagan",
            "attachments": [
                {
                    "filename": "a.eml",
                    "content_type": content_type,
                    "content_base64": base64.b64encode(b"--x\r\n").decode(),
                }
            ],
        },
    )
    assert (reply.status, reply.error) == (422, "bad_content_type")
    assert not list(svc.mailer.sent)  # type: ignore[attr-defined]


# --- names and titles --------------------------------------------------------------------


def test_a_contact_name_is_one_line_without_disguise(api: Api) -> None:
    # When a contact is created with a line break, a bell and a bidi override in the name
    reply = api.as_user("agent1").post(
        "/api/contacts", {"name": "Anna\r\nBcc: x@evil.example\x07 \u202egnp.exe", "emails": []}
    )

    # Then the name is kept on one line and reads as written (neutralised, not refused)
    assert reply.status == 201, reply.body
    assert reply.body["name"] == "Anna Bcc: x@evil.example gnp.exe"
    changed = api.as_user("agent1").patch(
        f"/api/contacts/{reply.body['id']}", {"name": "Bo\nBerg\u2066"}
    )
    assert changed.body["name"] == "Bo Berg"


def test_a_title_loses_bidi_overrides_and_invisible_characters(api: Api) -> None:
    reply = api.as_user("agent1").post(
        "/api/tickets",
        {"title": "Faktura \u202efdp.exe\u202c\u200b klar", "response_point_id": "kundtjanst"},
    )
    assert reply.status == 201, reply.body
    assert reply.body["title"] == "Faktura fdp.exe klar"


def test_title_cleaning_keeps_what_scripts_need() -> None:
    # Arabic and Hebrew need no overrides; joiners (emoji, Persian) and marks stay
    assert check_title("فاتورة خاطئة") == "فاتورة خاطئة"
    assert (
        check_title("می\u200cخواهم 👩\u200d💻 \u200fשלום") == "می\u200cخواهم 👩\u200d💻 \u200fשלום"
    )
    assert check_title("\u202e\u2066") == "(no subject)"


# --- CORS and Chalice's own answers ---------------------------------------------------------


def test_a_foreign_origin_gets_no_wildcard_cors(api: Api) -> None:
    reply = api.post(
        "/api/auth/login",
        {"email": "agent1@example.com", "password": "demo"},
        headers={"Origin": "https://evil.example"},
    )
    allowed = {k.lower(): v for k, v in reply.headers.items()}.get("access-control-allow-origin")
    assert allowed in (None, "")
    # and no JSON route is declared with CORS (the UI shares the API's origin)
    assert all(
        not entry.cors
        for path, entries in app.app.routes.items()
        for entry in entries.values()
        if path.startswith("/api/")
    )


def test_the_ui_origin_alone_may_be_allowed_by_config() -> None:
    assert routing._cors_config(config.load({})) is None
    cors = routing._cors_config(config.load({"SERVIT_UI_ORIGIN": "https://ui.example/"}))
    assert cors is not None and cors.allow_origin == "https://ui.example"


def test_a_wrong_content_type_is_415_in_the_apps_shape(api: Api) -> None:
    reply = api.post(
        "/api/auth/login",
        raw=b'{"email": "agent1@example.com"}',
        headers={"Content-Type": "text/plain"},
    )
    assert reply.status == 415
    assert set(reply.body) == {"error", "message"}
    assert reply.error == "unsupported_media_type"


def test_a_method_a_path_lacks_is_405_in_the_apps_shape(api: Api) -> None:
    reply = api.as_user("agent1").delete("/api/contacts")
    assert reply.status == 405
    assert set(reply.body) == {"error", "message"} and reply.error == "method_not_allowed"
