"""Admins and mail (S13, S16): the quarantine and its replay, the mail log, signatures."""

from __future__ import annotations

import base64
import re

import pytest

from chalicelib.channels.email import mime_in
from chalicelib.channels.email.errors import MailParseError
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from tests.api.mail.conftest import Web
from tests.support import FrozenClock
from tests.unit.mail.flows import deliver, mail_file, parsed

LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def parser_fails_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser has a bug for the next mail only (it is fixed before the replay)."""
    real = mime_in.parse_message
    calls = {"n": 0}

    def parse(raw: bytes, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise MailParseError("not an e-mail: parser bug #42")
        return real(raw, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mail_intake, "parse_message", parse)


@pytest.mark.usefixtures("parser_fails_once")
def test_admins_see_the_quarantine_with_the_reason_and_replay_a_mail_once_fixed(
    svc: Services, web: Web
) -> None:
    admin = web.as_user("admin")
    raw = mail_file("customer_request.eml", message_id="stuck@kund.example.se")
    stuck = deliver(svc, raw)

    # Given a mail in quarantine: the admin sees it with its reason and can fetch the original
    listed = admin.get("/api/admin/quarantine")
    assert listed.status == 200, listed.raw
    [item] = listed.json["items"]
    assert (item["id"], item["outcome"], item["in_quarantine"]) == (stuck.id, "quarantined", True)
    assert "parser bug #42" in item["reason"]
    assert item["message_id"] == "stuck@kund.example.se"
    original = admin.download(f"/api/admin/quarantine/{stuck.id}/raw")
    assert (original.status, original.raw) == (200, raw)

    # When the admin replays it, the parser fixed
    replayed = admin.post(f"/api/admin/quarantine/{stuck.id}/replay")

    # Then it becomes a ticket and leaves the quarantine
    assert replayed.status == 200, replayed.raw
    assert replayed.json["outcome"] == "created"
    assert replayed.json["replayed_at"] is not None
    ticket = admin.get(f"/api/tickets/{replayed.json['ticket_id']}")
    assert ticket.status == 200 and ticket.json["title"] == "Skrivaren skriver tomma sidor"
    assert admin.get("/api/admin/quarantine").json["items"] == []


def test_a_mail_that_is_not_in_quarantine_cannot_be_replayed(svc: Services, web: Web) -> None:
    # Given a mail that was filed
    filed = deliver(svc, mail_file("customer_request.eml"))

    # When the admin replays it
    answer = web.as_user("admin").post(f"/api/admin/quarantine/{filed.id}/replay")

    # Then it is refused: it would be filed twice
    assert answer.status == 422, answer.raw


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/admin/quarantine"),
        ("GET", "/api/admin/mail-log"),
        ("POST", "/api/admin/quarantine/ENTRY/replay"),
        ("GET", "/api/admin/quarantine/ENTRY/raw"),
        ("PUT", "/api/admin/signatures/global"),
    ],
    ids=["quarantine", "mail-log", "replay", "quarantined-original", "signatures"],
)
def test_mail_administration_is_for_admins_only(
    svc: Services, web: Web, method: str, path: str
) -> None:
    # Given a quarantined mail
    entry = deliver(svc, mail_file("not_a_mail.bin"))
    url = path.replace("ENTRY", entry.id)
    body = {"scope": "global", "text": "x"} if method == "PUT" else None

    # When an agent and an anonymous caller use the admin mail routes
    agent = web.as_user("agent1").request(method, url, body, headers={"Accept": "*/*"})
    nobody = web.anonymous().request(method, url, body, headers={"Accept": "*/*"})

    # Then they are refused, and the mail stays in quarantine
    assert agent.status == 403, agent.raw
    assert nobody.status == 401, nobody.raw
    assert svc.mail_log.get(entry.id).in_quarantine


def test_the_mail_log_answers_by_message_id(svc: Services, web: Web) -> None:
    # Given a new ticket, a reply to it, and our own mail coming back
    created = deliver(svc, mail_file("customer_request.eml", message_id="a1@kund.example.se"))
    number = svc.tickets.get(created.ticket_id or "").number
    deliver(
        svc,
        mail_file(
            "customer_reply.eml", subject=f"Re: [#{number}]", message_id="a2@kund.example.se"
        ),
    )
    deliver(svc, mail_file("our_own_mail_returned.eml", message_id="echo@servit.test"))

    # When the admin looks each up (with or without angle brackets)
    def look(message_id: str) -> dict[str, object]:
        answer = web.as_user("admin").get(f"/api/admin/mail-log?message_id={message_id}")
        assert answer.status == 200, answer.raw
        [item] = answer.json["items"]
        return dict(item)

    # Then the log says where each went, with ticket and reason
    first = look("a1@kund.example.se")
    assert (first["outcome"], first["ticket_id"]) == ("created", created.ticket_id)
    second = look("%3Ca2@kund.example.se%3E")
    assert (second["outcome"], second["ticket_id"], second["threading_rule"]) == (
        "appended",
        created.ticket_id,
        "subject_tag",
    )
    echo = look("echo@servit.test")
    assert echo["outcome"] == "ignored" and "loop" in str(echo["reason"])


def test_the_mail_log_answers_by_sender_within_a_time_range(
    svc: Services, web: Web, clock: FrozenClock
) -> None:
    # Given mail from one sender a week apart
    start = clock()
    old = deliver(svc, mail_file("customer_request.eml", message_id="old@kund.example.se"))
    clock.advance(days=7)
    new = deliver(svc, mail_file("customer_request.eml", message_id="new@kund.example.se"))

    # When the admin asks for that sender over both weeks, and over the first day only
    def ids(query: str) -> list[str]:
        answer = web.as_user("admin").get(f"/api/admin/mail-log?{query}")
        assert answer.status == 200, answer.raw
        return [i["id"] for i in answer.json["items"]]

    since = start.strftime("%Y-%m-%dT00:00:00Z")
    both = ids(f"sender=anna.andersson@kund.example.se&since={since}")
    first = ids(
        f"sender=anna.andersson@kund.example.se&since={since}"
        f"&until={start.strftime('%Y-%m-%dT23:59:59Z')}"
    )

    # Then the answers hold what fell in each range, newest first
    assert both == [new.id, old.id]
    assert first == [old.id]


def test_signatures_and_a_logo_set_by_an_admin_close_the_agents_replies(
    svc: Services, web: Web
) -> None:
    admin = web.as_user("admin")
    entry = deliver(svc, mail_file("customer_request.eml", to="it@example.com"), ["it@example.com"])

    # Given a global signature and a personal one for agent3 at it-support, with a logo
    assert (
        admin.put("/api/admin/signatures/g", {"scope": "global", "text": "Hälsningar"}).status
        == 200
    )
    personal = admin.put(
        "/api/admin/signatures/cai-it",
        {"scope": "user-rp:agent3:it-support", "text": "Cai, IT-support", "html": "<p>Cai</p>"},
    )
    assert personal.status == 200, personal.raw
    logo = admin.put(
        "/api/admin/signatures/cai-it/logo",
        {"content_type": "image/png", "content_base64": base64.b64encode(LOGO).decode()},
    )
    assert logo.status == 200, logo.raw
    listed = admin.get("/api/admin/signatures").json["items"]
    assert {s["id"] for s in listed} == {"g", "cai-it"}

    # When agent3 answers a ticket of it-support
    sent = web.as_user("agent3").post(
        f"/api/tickets/{entry.ticket_id}/replies", {"text": "Nu är det fixat."}
    )
    assert sent.status == 201, sent.raw

    # Then the personal signature closes the mail, with the logo as an inline image
    message = parsed(svc.mailer.sent[-1].raw)  # type: ignore[attr-defined]
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "Cai, IT-support" in plain.get_content() and "Hälsningar" not in plain.get_content()
    cid = re.search(r'src="cid:([^"]+)"', html.get_content())
    assert cid is not None and "<p>Cai</p>" in html.get_content()
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert str(image["Content-ID"]) == f"<{cid.group(1)}>"
    assert image.get_content() == LOGO


@pytest.mark.parametrize(
    "body",
    [
        {"scope": "team:x", "text": "x"},
        {"scope": "user-rp:agent3", "text": "x"},
        {"scope": "global", "text": "x" * 10_001},
    ],
    ids=["unknown-scope", "personal-without-response-point", "too-long"],
)
def test_a_malformed_signature_is_refused(web: Web, body: dict[str, str]) -> None:
    # When an admin registers a malformed signature
    answer = web.as_user("admin").put("/api/admin/signatures/bad", body)

    # Then it is refused
    assert answer.status == 422, answer.raw


@pytest.mark.parametrize(
    "body",
    [
        {"content_type": "image/svg+xml", "content_base64": "PHN2Zz4="},
        {"content_type": "image/png", "content_base64": "not base64!"},
    ],
    ids=["svg-refused", "not-base64"],
)
def test_a_logo_that_is_not_a_plain_image_is_refused(web: Web, body: dict[str, str]) -> None:
    # Given a signature
    admin = web.as_user("admin")
    admin.put("/api/admin/signatures/g", {"scope": "global", "text": "Hej"})

    # When an admin gives it a logo that is not a PNG, JPEG or GIF
    answer = admin.put("/api/admin/signatures/g/logo", body)

    # Then it is refused
    assert answer.status == 422, answer.raw
