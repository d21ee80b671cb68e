"""Web forms over HTTP (S1): the admin's CRUD with its refusals, and the public page a
customer fills in — the ticket it makes, the confirmation mail, the reasons a value is
refused, and the guards against robots and floods."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.domain import form_token
from chalicelib.domain.custom_fields import CustomFieldDefinition
from chalicelib.domain.organisation import User
from chalicelib.domain.records import to_record
from chalicelib.services import directory
from chalicelib.services.context import Services
from tests.api.apiclient import Api, Reply, assert_error
from tests.support import FrozenClock, drain_stream
from tests.unit.rules.desk import make_template

FORM: dict[str, Any] = {
    "id": "kontakt",
    "name": "Kontakta kundtjänst",
    "response_point_id": "kundtjanst",
    "fields": ["name", "email", "phone", "subject", "description", "priority", "custom:kundnr",
               "attachments"],
    "required": ["email", "description"],
    "group_id": "kt-second",
    "thank_you": {"sv": "Vi hör av oss inom en arbetsdag.", "en": "We will be in touch."},
    "allowed_origins": ["https://www.kund.example"],
}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def admin(api: Api, svc: Services, people: dict[str, User]) -> Api:
    field = CustomFieldDefinition("kundnr", "Kundnummer", "text")  # type: ignore[arg-type]
    svc.config.put(directory.CUSTOM_FIELD, "kundnr", to_record(field))
    return api.as_user("admin")


@pytest.fixture
def published(admin: Api) -> dict[str, Any]:
    reply = admin.post("/api/admin/forms", FORM)
    assert reply.status == 201, reply.body
    return reply.body


def _html(reply: Reply) -> Reply:
    """A page's body as text (the client hands HTML over as bytes)."""
    if isinstance(reply.body, bytes):
        reply.body = reply.body.decode("utf-8")
    return reply


def page(api: Api, path: str, **headers: str) -> Reply:
    return _html(
        api.with_token(None).request("GET", path, headers={"Accept": "text/html", **headers})
    )


def token_of(html: str) -> str:
    found = re.search(r'name="ft" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def post(api: Api, path: str, values: dict[str, str], *, origin: str | None = None) -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin is not None:
        headers["Origin"] = origin
    return _html(
        api.with_token(None).request("POST", path, raw=urlencode(values).encode(), headers=headers)
    )


def start_of_next_hour(clock: FrozenClock) -> None:
    """The caps count per clock hour: a test of them starts at one, so none ends mid-test."""
    clock.now = (clock.now + timedelta(hours=1)).replace(minute=0, second=0)


def fill(
    api: Api, clock: FrozenClock, values: dict[str, str], path: str = "/forms/kontakt"
) -> Reply:
    """Open the page, take a few seconds as a person does, send it."""
    shown = page(api, path)
    assert shown.status == 200, shown.body
    clock.advance(seconds=8)
    return post(api, path, {"ft": token_of(shown.body), "website": "", **values})


ANNA = {"name": "Anna Andersson", "email": "anna@kund.example", "subject": "Fakturan stämmer inte",
        "description": "Beloppet på faktura 4711 är fel.", "custom:kundnr": "K-1001"}  # fmt: skip


def webform_tickets(svc: Services) -> list[Any]:
    return [t for t in svc.tickets._tickets.values() if t.channel.value == "webform"]  # type: ignore[attr-defined]


# --- admin --------------------------------------------------------------------------


def test_an_admin_creates_reads_changes_and_deletes_a_form(admin: Api) -> None:
    created = admin.post("/api/admin/forms", FORM)
    assert created.status == 201, created.body
    assert created.body["links"]["page"].endswith("/forms/kontakt")
    assert created.body["links"]["embed_token"].startswith("e.0.")
    assert [f["id"] for f in admin.get("/api/admin/forms").body["items"]] == ["kontakt"]

    changed = admin.put("/api/admin/forms/kontakt", {**created.body, "enabled": False})
    assert changed.status == 200, changed.body
    assert admin.get("/api/admin/forms/kontakt").body["enabled"] is False

    assert admin.delete("/api/admin/forms/kontakt").status == 200
    assert_error(admin.get("/api/admin/forms/kontakt"), 404)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"fields": ["email", "description", "shoe_size"]}, "fields may name"),
        ({"required": ["email", "organisation"]}, "does not have"),
        ({"required": ["description"]}, "email or phone"),
        ({"fields": ["email", "name"], "required": ["email"]}, "subject or description"),
        ({"group_id": "it-desk"}, "another response point"),
        ({"template_id": "nope"}, "no enabled template"),
        ({"response_point_id": "nowhere"}, "no response point"),
        ({"fields": ["email", "description", "custom:gone"]}, "no custom field"),
        ({"allowed_origins": ["javascript:alert(1)"]}, "not an origin"),
        ({"thank_you": {"sv": "x" * 2001}}, "thank_you.sv"),
        ({"name": ""}, "name"),
        ({"colour": "red"}, "unknown fields"),
    ],
    ids=["unknown-field", "required-not-asked", "no-way-to-answer", "no-text", "foreign-group",
         "unknown-template", "unknown-rp", "unknown-custom", "bad-origin", "long-thanks",
         "no-name", "unknown-key"],
)  # fmt: skip
def test_a_form_that_cannot_work_is_refused_with_the_reason_and_not_stored(
    admin: Api, change: dict[str, Any], words: str
) -> None:
    reply = admin.post("/api/admin/forms", {**FORM, **change})
    assert_error(reply, 422)
    assert words in reply.body["message"]
    assert admin.get("/api/admin/forms").body["items"] == []


def test_only_admins_manage_forms_and_clashes_and_bad_json_are_refused(
    admin: Api, api: Api, published: dict[str, Any]
) -> None:
    assert_error(api.as_user("agent1").get("/api/admin/forms"), 403)
    assert_error(api.with_token(None).post("/api/admin/forms", FORM), 401)
    assert_error(admin.post("/api/admin/forms", FORM), 409)
    assert_error(admin.put("/api/admin/forms/nope", FORM | {"id": "nope"}), 404)
    assert_error(admin.post("/api/admin/forms", raw=b"{not json"), 400)


def test_a_form_routed_by_a_template_takes_its_group_and_a_group_of_its_response_point(
    admin: Api, svc: Services, people: dict[str, User], api: Api, clock: FrozenClock
) -> None:
    make_template(svc, people["admin"])  # "faktura": kundtjanst, group kt-second, type order
    body = {**FORM, "template_id": "faktura", "group_id": ""}
    assert admin.post("/api/admin/forms", body).status == 201

    assert fill(api, clock, ANNA).status == 200

    [ticket] = webform_tickets(svc)
    assert ticket.group_id == "kt-second"
    assert ticket.ticket_type == "order"  # from the template
    assert ticket.title == "Fakturan stämmer inte"  # the customer's, not the template's


# --- the public page ----------------------------------------------------------------


def test_a_filled_in_form_makes_a_ticket_a_thank_you_page_and_a_confirmation_mail(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    answer = fill(api, clock, ANNA)

    assert answer.status == 200, answer.body
    [ticket] = webform_tickets(svc)
    assert f"#{ticket.number}" in answer.body
    assert "Vi hör av oss inom en arbetsdag." in answer.body
    assert ticket.group_id == "kt-second" and ticket.response_point_id == "kundtjanst"
    assert ticket.custom_fields == {"kundnr": "K-1001"}
    contact = svc.contacts.get(ticket.contact_id)
    assert contact.emails == ["anna@kund.example"] and contact.name == "Anna Andersson"
    [message] = [e for e in svc.tickets.events(ticket.id) if e.type == "message_in"]
    assert message.data["channel"] == "webform" and "faktura 4711" in message.data["text"]

    drain_stream(svc)
    [mail] = [m for m in svc.mailer.sent if "anna@kund.example" in m.recipients]  # type: ignore[attr-defined]
    raw = mail.raw.decode("utf-8", "replace")
    assert f"#{ticket.number}" in raw and "/portal/t/" in raw


def test_the_page_speaks_the_browsers_language_and_can_be_switched(
    published: dict[str, Any], api: Api
) -> None:
    english = page(api, "/forms/kontakt", **{"Accept-Language": "en-GB,en;q=0.9,sv;q=0.5"})
    assert '<html lang="en">' in english.body and "E-mail address" in english.body
    swedish = page(api, "/forms/kontakt?lang=sv", **{"Accept-Language": "en"})
    assert '<html lang="sv">' in swedish.body and "E-postadress" in swedish.body
    assert "frame-ancestors 'none'" in english.headers["Content-Security-Policy"]
    assert "<script" not in english.body


def test_refused_values_come_back_beside_their_fields_escaped_and_nothing_is_written(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    hostile = '<script>alert("x")</script>'
    answer = fill(api, clock, {"name": hostile, "email": "not-an-address", "description": ""})

    assert answer.status == 422
    assert hostile not in answer.body and "&lt;script&gt;" in answer.body
    assert 'id="error-summary"' in answer.body and 'href="#f-email"' in answer.body
    assert re.search(r'id="f-email"[^>]*aria-describedby="f-email-hint f-email-error"', answer.body)
    assert 'id="f-description"' in answer.body and "Fyll i fältet." in answer.body
    assert webform_tickets(svc) == [] and svc.contacts.find_by_email("anna@kund.example") is None


def test_a_text_longer_than_its_field_takes_is_refused(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    answer = fill(api, clock, {**ANNA, "subject": "x" * 301})
    assert answer.status == 422 and "högst 300 tecken" in answer.body
    assert webform_tickets(svc) == []


def test_a_robot_filling_the_honeypot_or_sending_at_once_makes_no_ticket(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    shown = page(api, "/forms/kontakt")
    clock.advance(seconds=8)
    trapped = post(
        api, "/forms/kontakt", {"ft": token_of(shown.body), "website": "http://spam", **ANNA}
    )
    assert trapped.status == 400

    fresh = page(api, "/forms/kontakt")
    hasty = post(api, "/forms/kontakt", {"ft": token_of(fresh.body), **ANNA})
    assert hasty.status == 400 and 'data-testid="form-notice"' in hasty.body
    assert "Anna Andersson" in hasty.body  # what was written is kept for a person to resend

    forged = post(api, "/forms/kontakt", {"ft": "p.1700000000." + "0" * 32, **ANNA})
    assert forged.status == 400
    assert webform_tickets(svc) == []


def test_sending_the_same_page_twice_makes_one_ticket(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    shown = page(api, "/forms/kontakt")
    clock.advance(seconds=8)
    values = {"ft": token_of(shown.body), **ANNA}
    first, second = post(api, "/forms/kontakt", values), post(api, "/forms/kontakt", values)
    [ticket] = webform_tickets(svc)
    assert f"#{ticket.number}" in first.body and f"#{ticket.number}" in second.body


def test_one_sender_gets_five_forms_an_hour_and_then_a_429(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    start_of_next_hour(clock)
    for _ in range(5):
        assert fill(api, clock, ANNA).status == 200
    refused = fill(api, clock, ANNA)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert len(webform_tickets(svc)) == 5


def test_one_ip_address_gets_twenty_forms_an_hour(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    start_of_next_hour(clock)
    for i in range(20):
        assert fill(api, clock, {**ANNA, "email": f"kund{i}@kund.example"}).status == 200
    assert fill(api, clock, {**ANNA, "email": "kund99@kund.example"}).status == 429
    clock.advance(hours=1)
    assert fill(api, clock, {**ANNA, "email": "kund99@kund.example"}).status == 200


def _multipart(values: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "servitformboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in values.items()
    ]
    for name, payload in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + payload + b"\r\n"
        )  # fmt: skip
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


@pytest.mark.parametrize(
    ("filename", "payload", "status"),
    [("skärmbild.png", PNG, 200), ("program.exe", b"MZ" + b"\x00" * 50, 422),
     ("fake.png", b"<html>not an image</html>", 422)],
    ids=["picture-taken", "program-refused", "disguised-refused"],
)  # fmt: skip
def test_attachments_of_the_taken_types_are_kept_with_the_message(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock,
    filename: str, payload: bytes, status: int,
) -> None:  # fmt: skip
    shown = page(api, "/forms/kontakt")
    clock.advance(seconds=8)
    body, boundary = _multipart({"ft": token_of(shown.body), **ANNA}, [(filename, payload)])
    answer = _html(api.with_token(None).request(
        "POST", "/forms/kontakt", raw=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    ))  # fmt: skip
    assert answer.status == status, answer.body[:300]
    if status == 200:
        [ticket] = webform_tickets(svc)
        [message] = [e for e in svc.tickets.events(ticket.id) if e.type == "message_in"]
        [ref] = message.data["attachments"]
        assert ref["filename"] == filename and ref["content_type"] == "image/png"
        assert svc.blobs.get(ref["key"]) == payload
    else:
        assert 'href="#f-attachments"' in answer.body and webform_tickets(svc) == []


def test_a_post_from_another_site_needs_an_allowed_origin_and_a_signed_token(
    published: dict[str, Any], api: Api, svc: Services, clock: FrozenClock
) -> None:
    embed_token = published["links"]["embed_token"]
    stranger = post(
        api, "/forms/kontakt", {"ft": embed_token, **ANNA}, origin="https://evil.example"
    )
    assert stranger.status == 400
    unsigned = post(api, "/forms/kontakt", ANNA, origin="https://www.kund.example")
    assert unsigned.status == 400
    assert webform_tickets(svc) == []

    allowed = post(
        api, "/forms/kontakt", {"ft": embed_token, **ANNA}, origin="https://www.kund.example"
    )
    assert allowed.status == 200 and len(webform_tickets(svc)) == 1
    # The embed token is for other sites only: our own page gives a timed one.
    own = post(api, "/forms/kontakt", {"ft": embed_token, **ANNA})
    assert own.status == 400


def test_the_embeddable_page_may_be_framed_by_the_allowed_sites_only(
    published: dict[str, Any], api: Api
) -> None:
    shown = page(api, "/forms/kontakt/embed")
    assert shown.status == 200
    csp = shown.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.kund.example" in csp
    assert "X-Frame-Options" not in shown.headers
    assert 'action="/forms/kontakt/embed?lang=sv"' in shown.body


def test_a_disabled_or_unknown_form_is_a_404_page(
    admin: Api, published: dict[str, Any], api: Api, clock: FrozenClock
) -> None:
    admin.put("/api/admin/forms/kontakt", {**FORM, "enabled": False})
    assert page(api, "/forms/kontakt").status == 404
    assert page(api, "/forms/nope").status == 404
    token = form_token.issue_page("kontakt", clock(), b"test-secret")
    clock.advance(seconds=8)
    assert post(api, "/forms/kontakt", {"ft": token, **ANNA}).status == 404
    assert "text/html" in page(api, "/forms/%3Cx%3E").headers["Content-Type"]
