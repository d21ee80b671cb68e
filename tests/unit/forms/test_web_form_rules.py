"""Web forms without I/O (S1): what a form may be, what a filled-in form may hold, the
signed page token and its fill time, the honeypot, and reading what a browser posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.channels import webform
from chalicelib.domain import form_token
from chalicelib.domain.custom_fields import CustomFieldDefinition
from chalicelib.domain.errors import BadRequestError, PayloadTooLargeError, ValidationError
from chalicelib.domain.forms import WebForm, check_submission, title_of
from chalicelib.services.forms import guard
from tests.support import fake_services

SECRET = b"unit-secret"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE: dict[str, Any] = {"id": "kontakt", "name": "Kontakt", "response_point_id": "kundtjanst"}
CUSTOM = {
    "kundnr": CustomFieldDefinition("kundnr", "Kundnummer", "text"),  # type: ignore[arg-type]
    "antal": CustomFieldDefinition("antal", "Antal", "number"),  # type: ignore[arg-type]
    "dag": CustomFieldDefinition("dag", "Dag", "date"),  # type: ignore[arg-type]
    "ort": CustomFieldDefinition("ort", "Ort", "select", options=("Umeå", "Luleå")),  # type: ignore[arg-type]
}


def form(**fields: Any) -> WebForm:
    return WebForm(**{**BASE, **fields})


# --- the form -------------------------------------------------------------------------


def test_a_new_form_asks_for_name_email_subject_and_description_and_requires_email() -> None:
    made = form()
    assert made.fields == ["name", "email", "subject", "description"]
    assert made.required == ["email", "description"] and made.enabled


def test_required_fields_are_kept_in_the_forms_order_once() -> None:
    made = form(
        fields=["phone", "email", "description"], required=["description", "phone", "phone"]
    )
    assert made.required == ["phone", "description"]


@pytest.mark.parametrize(
    "change",
    [{"fields": ["email", "email", "description"]}, {"fields": []},
     {"fields": ["email", "description", "custom:Bad Id"]},
     {"required": ["name"]}, {"thank_you": {"de": "Danke"}}, {"thank_you": "tack"},
     {"allowed_origins": ["https://kund.example/path"]}, {"enabled": "yes"},
     {"embed_generation": -1}, {"id": "Kontakt!"}],
    ids=["twice", "none", "bad-custom-id", "no-contact-field", "unknown-language", "not-object",
         "origin-with-path", "enabled-text", "negative-generation", "bad-id"],
)  # fmt: skip
def test_a_form_that_cannot_work_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        form(**change)


def test_allowed_origins_are_normalised_as_browsers_send_them() -> None:
    made = form(allowed_origins=["HTTPS://www.Kund.example/", "https://www.kund.example"])
    assert made.allowed_origins == ["https://www.kund.example"]


# --- a filled-in form ---------------------------------------------------------------------

ALL = ["name", "email", "phone", "subject", "description", "priority", "ticket_type",
       "custom:kundnr", "custom:antal", "custom:dag", "custom:ort"]  # fmt: skip


def test_a_well_filled_form_comes_out_clean() -> None:
    posted = {"name": " Anna\u202e Berg ", "email": "Anna@Kund.example", "phone": "070-123 45 67",
              "subject": "Hjälp", "description": "Det går inte.\n", "priority": "high",
              "ticket_type": "fault", "custom:kundnr": "K1", "custom:antal": "3",
              "custom:dag": "2026-03-01", "custom:ort": "Luleå", "unknown": "ignored"}  # fmt: skip
    submission, errors = check_submission(form(fields=ALL), posted, CUSTOM, ["fault"])
    assert errors == {}
    assert submission.name == "Anna Berg" and submission.email == "anna@kund.example"
    assert submission.phone == "0701234567" and submission.priority == "high"
    assert submission.custom_fields == {
        "kundnr": "K1",
        "antal": 3,
        "dag": "2026-03-01",
        "ort": "Luleå",
    }


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [("email", "", "required"), ("email", "anna@", "bad_email"), ("phone", "ring mig", "bad_phone"),
     ("priority", "urgent", "bad_choice"), ("ticket_type", "other", "bad_choice"),
     ("subject", "x" * 301, "too_long"), ("description", "x" * 20_001, "too_long"),
     ("custom:antal", "tre", "bad_number"), ("custom:dag", "1 mars", "bad_date"),
     ("custom:ort", "Kiruna", "bad_choice"), ("custom:kundnr", "x" * 4001, "too_long")],
    ids=["missing-required", "bad-email", "bad-phone", "bad-priority", "bad-type", "long-subject",
         "long-description", "not-a-number", "not-a-date", "not-an-option", "long-custom"],
)  # fmt: skip
def test_each_refused_value_is_named_with_its_reason(name: str, value: str, reason: str) -> None:
    posted = {"email": "anna@kund.example", "description": "Hej", name: value}
    _, errors = check_submission(form(fields=ALL), posted, CUSTOM, ["fault"])
    assert errors == {name: reason}


def test_the_title_is_the_subject_else_the_descriptions_first_line_else_the_forms_name() -> None:
    plain = form(fields=ALL)
    with_subject, _ = check_submission(plain, {"subject": "Ämne", "description": "a\nb"}, {}, [])
    assert title_of(plain, with_subject) == "Ämne"
    without, _ = check_submission(plain, {"description": "\n Första raden\nandra"}, {}, [])
    assert title_of(plain, without) == "Första raden"
    empty, _ = check_submission(plain, {}, {}, [])
    assert title_of(plain, empty) == "Kontakt"


# --- the signed token ---------------------------------------------------------------------


def test_a_page_token_is_taken_after_the_minimum_fill_time_and_within_a_day() -> None:
    token = form_token.issue_page("kontakt", NOW, SECRET)
    assert form_token.verify(token, "kontakt", NOW + timedelta(seconds=5), SECRET).kind == "p"
    for later, code in ((timedelta(seconds=1), "too_fast"), (timedelta(days=2), "form_expired")):
        with pytest.raises(form_token.FormTokenError) as refused:
            form_token.verify(token, "kontakt", NOW + later, SECRET)
        assert refused.value.code == code


@pytest.mark.parametrize(
    "tamper",
    [lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), lambda t: t.replace("p.", "e.", 1),
     lambda t: "", lambda t: "p.abc.def", lambda t: t + "x" * 100],
    ids=["signature", "kind", "empty", "garbage", "overlong"],
)  # fmt: skip
def test_a_tampered_token_is_refused(tamper: Any) -> None:
    token = form_token.issue_page("kontakt", NOW, SECRET)
    with pytest.raises(form_token.FormTokenError):
        form_token.verify(tamper(token), "kontakt", NOW + timedelta(seconds=10), SECRET)


def test_a_token_is_bound_to_its_form_and_its_secret() -> None:
    token = form_token.issue_page("kontakt", NOW, SECRET)
    later = NOW + timedelta(seconds=10)
    with pytest.raises(form_token.FormTokenError):
        form_token.verify(token, "annan", later, SECRET)
    with pytest.raises(form_token.FormTokenError):
        form_token.verify(token, "kontakt", later, b"other-secret")


def test_an_embed_token_dies_when_the_admin_raises_the_generation() -> None:
    token = form_token.issue_embed("kontakt", 0, SECRET)
    assert form_token.verify(token, "kontakt", NOW, SECRET, embed_generation=0).kind == "e"
    with pytest.raises(form_token.FormTokenError):
        form_token.verify(token, "kontakt", NOW, SECRET, embed_generation=1)


# --- the guard ------------------------------------------------------------------------------


def test_a_filled_honeypot_is_refused_before_anything_else() -> None:
    svc = fake_services()
    with pytest.raises(guard.SpamError):
        guard.check_post(svc, form(), {guard.HONEYPOT: "http://spam.example"}, origin=None,
                         own_origins=set())  # fmt: skip


def test_a_post_from_a_site_the_form_does_not_list_is_refused() -> None:
    svc = fake_services()
    token = form_token.issue_embed("kontakt", 0, svc.mail.secret)
    values = {guard.TOKEN_FIELD: token}
    with pytest.raises(guard.SpamError):
        guard.check_post(svc, form(), values, origin="https://evil.example", own_origins=set())
    listed = form(allowed_origins=["https://kund.example"])
    found = guard.check_post(svc, listed, values, origin="https://kund.example", own_origins=set())
    assert found.kind == "e"


# --- what the browser posts ---------------------------------------------------------------


def test_an_urlencoded_post_is_read_with_control_characters_removed() -> None:
    posted = webform.parse(
        "application/x-www-form-urlencoded; charset=UTF-8", b"name=Anna%00+%C3%85&name=second"
    )
    assert posted.values == {"name": "Anna Å"} and posted.files == ()


def test_a_body_that_is_not_a_form_or_too_large_is_refused() -> None:
    with pytest.raises(BadRequestError):
        webform.parse("application/json", b"{}")
    with pytest.raises(BadRequestError):
        webform.parse("application/x-www-form-urlencoded", b"\xff\xfe")
    with pytest.raises(PayloadTooLargeError):
        webform.parse("application/x-www-form-urlencoded", b"x" * (webform.MAX_BODY_BYTES + 1))


def _multipart(files: list[tuple[str, bytes]]) -> bytes:
    parts = [b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nanna@kund.example\r\n']
    for name, payload in files:
        parts.append(
            b'--b\r\nContent-Disposition: form-data; name="attachments"; filename="'
            + name.encode() + b'"\r\nContent-Type: image/png\r\n\r\n' + payload + b"\r\n"
        )  # fmt: skip
    return b"".join(parts) + b"--b--\r\n"


def test_files_are_typed_by_their_names_and_checked_against_their_bytes() -> None:
    pdf = b"%PDF-1.7 ..."
    posted = webform.parse("multipart/form-data; boundary=b",
                           _multipart([("../../etc/Rapport.PDF", pdf), ("", b"")]))  # fmt: skip
    [file] = posted.files
    assert (file.filename, file.content_type, file.payload) == (
        "Rapport.PDF",
        "application/pdf",
        pdf,
    )
    assert posted.values == {"email": "anna@kund.example"}


@pytest.mark.parametrize(
    ("files", "problem"),
    [([("virus.exe", b"MZ")], "bad_file_type"), ([("bild.png", b"GIF89a")], "bad_file_type"),
     ([(f"{i}.txt", b"x") for i in range(6)], "too_many_files"),
     ([("stor.txt", b"x" * (webform.MAX_FILE_BYTES + 1))], "files_too_large")],
    ids=["program", "disguised", "too-many", "too-big"],
)  # fmt: skip
def test_refused_files_are_noted_and_none_are_kept(
    files: list[tuple[str, bytes]], problem: str
) -> None:
    posted = webform.parse("multipart/form-data; boundary=b", _multipart(files))
    assert posted.files == () and posted.file_problem == problem
    assert posted.values == {"email": "anna@kund.example"}
