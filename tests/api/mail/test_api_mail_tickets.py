"""What agents see of received mail (S4): message events, the original, the attachments,
all through the multi-user level."""

from __future__ import annotations

import pytest

from chalicelib.services.context import Services
from tests.api.mail.conftest import Web
from tests.unit.mail.flows import deliver, mail_file


@pytest.fixture
def received(svc: Services, web: Web) -> tuple[str, str, bytes]:
    """A ticket at kundtjanst (own_groups) from an HTML mail with an image and a PDF:
    (ticket id, message event id, the raw mail)."""
    raw = mail_file("rich_html_inline_image_and_pdf.eml", sender="asa.oberg@kund.example.se")
    entry = deliver(svc, raw)
    return entry.ticket_id or "", entry.event_id or "", raw


def test_an_agent_reads_the_message_event_with_everything_the_mail_said(
    web: Web, received: tuple[str, str, bytes]
) -> None:
    ticket_id, event_id, _ = received

    # When the dispatcher opens the ticket
    answer = web.as_user("dispatcher").get(f"/api/tickets/{ticket_id}")

    # Then the message event carries the mail's parts and flags
    assert answer.status == 200, answer.raw
    [message] = [e for e in answer.json["events"] if e["type"] == "message_in"]
    data = message["data"]
    assert message["id"] == event_id
    assert data["from"] == "asa.oberg@kund.example.se"
    assert data["to"] == ["kundtjanst@example.com"]
    assert data["cc"] == ["carl.chef@kund.example.se"]
    assert data["subject"] == "Faktura med fel belopp – se bild"
    assert data["text"].startswith("Hej, fakturan har fel belopp.")
    assert "<b>fel belopp</b>" in data["html"] and "<script" not in data["html"]
    assert data["stripped_text"].startswith("Hej, fakturan har fel belopp.")
    assert data["message_id"] == "request-1@kund.example.se"
    assert data["threading_rule"] == "new"
    assert (data["auto_reply"], data["bounce"]) == (False, None)
    assert [(a["filename"], a["inline"]) for a in data["attachments"]] == [
        ("skarmbild.png", True),
        ("faktura-2026-03.pdf", False),
    ]
    assert f"/api/tickets/{ticket_id}/events/{event_id}/attachments/0" in data["html"]
    assert answer.json["cc"] == ["carl.chef@kund.example.se"]


def test_the_original_mail_downloads_byte_for_byte(
    web: Web, received: tuple[str, str, bytes]
) -> None:
    ticket_id, event_id, raw = received

    # When the agent downloads the original
    answer = web.as_user("dispatcher").download(f"/api/tickets/{ticket_id}/events/{event_id}/raw")

    # Then it is exactly what arrived, as a message/rfc822 download
    assert answer.status == 200, answer.raw
    assert answer.raw == raw
    assert answer.headers["Content-Type"] == "message/rfc822"
    assert answer.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("index", "content_type", "disposition", "starts"),
    [
        (0, "image/png", "inline", b"\x89PNG"),
        (1, "application/octet-stream", "attachment", b"%PDF-1.4"),
    ],
    ids=["inline-image-shown", "pdf-downloaded"],
)
def test_attachments_download_with_a_safe_type(
    web: Web,
    received: tuple[str, str, bytes],
    index: int,
    content_type: str,
    disposition: str,
    starts: bytes,
) -> None:
    ticket_id, event_id, _ = received

    # When the agent fetches an attachment
    answer = web.as_user("dispatcher").download(
        f"/api/tickets/{ticket_id}/events/{event_id}/attachments/{index}"
    )

    # Then the bytes come back; only images a browser may show are served inline
    assert answer.status == 200, answer.raw
    assert answer.raw.startswith(starts)
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["Content-Disposition"].startswith(disposition)
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "suffix",
    ["", "/events/{event}/raw", "/events/{event}/attachments/0", "/events/{event}/attachments/1"],
    ids=["ticket", "original", "inline-image", "attachment"],
)
def test_an_agent_who_cannot_see_the_ticket_gets_404_on_its_original_and_files_too(
    web: Web, received: tuple[str, str, bytes], suffix: str
) -> None:
    ticket_id, event_id, _ = received
    path = f"/api/tickets/{ticket_id}" + suffix.replace("{event}", event_id)

    # Given kundtjanst shows agents only their groups' tickets, and this one has no group
    # When agent1 asks for the ticket or its mail
    answer = web.as_user("agent1").download(path)

    # Then it is not there for them
    assert answer.status == 404, answer.raw


def test_once_the_ticket_is_in_the_agents_group_its_original_is_theirs_to_read(
    web: Web, received: tuple[str, str, bytes]
) -> None:
    ticket_id, event_id, raw = received

    # Given the dispatcher routes the ticket to agent1's group
    routed = web.as_user("dispatcher").request(
        "PATCH", f"/api/tickets/{ticket_id}", {"group_id": "kt-first"}
    )
    assert routed.status == 200, routed.raw

    # When agent1 and agent3 (another group) download the original
    mine = web.as_user("agent1").download(f"/api/tickets/{ticket_id}/events/{event_id}/raw")
    theirs = web.as_user("agent3").download(f"/api/tickets/{ticket_id}/events/{event_id}/raw")

    # Then agent1 gets it, agent3 does not
    assert (mine.status, mine.raw) == (200, raw)
    assert theirs.status == 404


@pytest.mark.parametrize(
    "suffix",
    ["/events/NOPE/raw", "/events/{event}/attachments/9", "/events/{event}/attachments/x"],
    ids=["unknown-event", "index-out-of-range", "index-not-a-number"],
)
def test_asking_for_a_message_or_file_that_is_not_there_is_404(
    web: Web, received: tuple[str, str, bytes], suffix: str
) -> None:
    # Given a ticket with one received mail
    ticket_id, event_id, _ = received
    path = f"/api/tickets/{ticket_id}" + suffix.replace("{event}", event_id)

    # When the admin asks for a message or file it does not have
    answer = web.as_user("admin").download(path)

    # Then the answer is 404
    assert answer.status == 404, answer.raw


def test_the_original_of_a_sent_reply_downloads_too(
    svc: Services, web: Web, received: tuple[str, str, bytes]
) -> None:
    ticket_id, _, _ = received

    # Given an answer sent from the ticket
    sent = web.as_user("admin").post(f"/api/tickets/{ticket_id}/replies", {"text": "Vi kollar."})
    assert sent.status == 201, sent.raw

    # When the agent downloads what was sent
    answer = web.as_user("admin").download(f"/api/tickets/{ticket_id}/events/{sent.json['id']}/raw")

    # Then it is the mail as it left
    assert answer.status == 200
    assert answer.raw == svc.mailer.sent[-1].raw  # type: ignore[attr-defined]


def test_agents_see_auto_reply_and_bounce_flags_on_message_events(
    svc: Services, web: Web, received: tuple[str, str, bytes]
) -> None:
    ticket_id, _, _ = received
    admin = web.as_user("admin")

    # Given our answer bounced, and an out-of-office came back
    sent = admin.post(f"/api/tickets/{ticket_id}/replies", {"text": "Vi kollar."})
    our_id = sent.json["data"]["message_id"]
    deliver(svc, mail_file("dsn_report.eml", message_id="dsn@mx.example", original_id=our_id))
    deliver(
        svc,
        mail_file(
            "out_of_office_swedish.eml",
            message_id="ooo@kund.example.se",
            in_reply_to=f"<{our_id}>",
            references="",
        ),
    )

    # When the agent opens the ticket
    events = admin.get(f"/api/tickets/{ticket_id}").json["events"]

    # Then the robots' mails say what they are
    bounce, ooo = [e["data"] for e in events if e["type"] == "message_in"][1:]
    assert bounce["auto_reply"] is True and bounce["threading_rule"] == "bounce"
    assert bounce["bounce"]["status"] == "5.1.1" and bounce["bounce"]["permanent"] is True
    assert ooo["auto_reply"] is True and ooo["threading_rule"] == "message_id"
    assert "Auto-Submitted: auto-replied" in ooo["auto_reply_reasons"]
