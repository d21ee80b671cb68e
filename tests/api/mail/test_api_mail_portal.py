"""The customer portal pages (S16 "notify by link"): GET /portal/t/{token}, the reply form,
file downloads, and a plain error page for any link that is not right."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.services import contacts
from chalicelib.services.context import Services
from tests.api.mail.conftest import Answer, Web
from tests.support import FrozenClock
from tests.unit.mail.flows import configure_rp, deliver, inbound, mail_file, parsed

LINK = re.compile(r"/portal/t/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)")
SECRET_NOTE = "Intern: kunden har obetalda fakturor"


@pytest.fixture
def ticket_id(svc: Services, web: Web) -> str:
    """A ticket at kundtjanst, which notifies customers by link, with an internal note."""
    configure_rp(svc, "kundtjanst", notification_mode="link")
    entry = deliver(svc, mail_file("customer_request.eml", subject="Skrivaren på plan 3"))
    note = web.as_user("admin").post(
        f"/api/tickets/{entry.ticket_id}/notes", {"kind": "note", "text": SECRET_NOTE}
    )
    assert note.status == 201, note.raw
    return entry.ticket_id or ""


def answer_by_link(svc: Services, web: Web, ticket_id: str, **body: object) -> str:
    """The agent answers; returns the token of the link in the mail the customer got."""
    reply = web.as_user("admin").post(
        f"/api/tickets/{ticket_id}/replies", {"text": "Byt tonerkassetten.", **body}
    )
    assert reply.status == 201, reply.raw
    text = parsed(svc.mailer.sent[-1].raw).get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    assert text is not None
    found = LINK.search(str(text.get_content()))
    assert found is not None
    return found.group(1)


def multipart(text: str, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----servit-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n'
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n".encode()
        + text.encode()
        + b"\r\n"
    ]
    for name, ctype, payload in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n".encode()
            + payload
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def is_error_page(page: Answer) -> bool:
    return (
        page.status == 404 and "Skrivaren på plan 3" not in page.text and "<form" not in page.text
    )


def test_the_link_page_shows_the_public_history_without_internal_notes(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given an answer sent by link
    token = answer_by_link(svc, web, ticket_id, text="Byt tonerkassetten bakom luckan.")

    # When the customer opens the link
    page = web.anonymous().get(f"/portal/t/{token}")

    # Then she sees her ticket, her mail and our answer, and nothing internal
    assert page.status == 200, page.raw
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Skrivaren på plan 3" in page.text
    assert "skriver bara ut tomma sidor" in page.text
    assert "Byt tonerkassetten bakom luckan." in page.text
    assert SECRET_NOTE not in page.text
    assert "<form" in page.text and f"/portal/t/{token}/reply" in page.text


@pytest.mark.parametrize(
    ("language", "words"),
    [("sv", ('lang="sv"', "Historik")), ("en", ('lang="en"', "History"))],
    ids=["swedish", "english"],
)
def test_the_link_page_is_in_the_contacts_language(
    svc: Services, web: Web, ticket_id: str, language: str, words: tuple[str, str]
) -> None:
    # Given a contact with a language, and a link sent to her
    contact_id = svc.tickets.get(ticket_id).contact_id or ""
    contacts.update_contact(svc, contact_id, {"language": language}, if_match=None)
    token = answer_by_link(svc, web, ticket_id)

    # When she opens it
    page = web.anonymous().get(f"/portal/t/{token}")

    # Then the page speaks her language
    assert page.status == 200
    assert all(w in page.text for w in words)


def test_a_reply_from_the_portal_with_files_joins_the_ticket(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given a question sent by link
    token = answer_by_link(svc, web, ticket_id, ask_customer=True)
    photo = b"\xff\xd8\xff\xe0 a photo \x00\xff"
    body, content_type = multipart(
        "Här är en bild på felet.",
        [("felet.jpg", "image/jpeg", photo), ("logg.txt", "text/plain", b"E42")],
    )

    # When the customer answers in the portal form
    posted = web.anonymous().post(
        f"/portal/t/{token}/reply", raw=body, headers={"Content-Type": content_type}
    )

    # Then she is sent back to the page with a thank-you, and the ticket has her message
    assert posted.status == 303, posted.raw
    assert posted.headers["Location"] == f"/portal/t/{token}?sent=1"
    message = inbound(svc, ticket_id)[-1]
    assert message.data["text"] == "Här är en bild på felet."
    assert [(a["filename"], a["size"]) for a in message.data["attachments"]] == [
        ("felet.jpg", len(photo)),
        ("logg.txt", 3),
    ]
    assert svc.blobs.get(message.data["attachments"][0]["key"]) == photo
    ticket = web.as_user("admin").get(f"/api/tickets/{ticket_id}").json
    assert ticket["status"] == "open"
    thanked = web.anonymous().get(f"/portal/t/{token}?sent=1")
    assert "Tack! Ditt meddelande är mottaget." in thanked.text
    assert "Här är en bild på felet." in thanked.text

    # And the files download from the portal and from the agent's view alike
    event_id = message.event_id
    mine = web.anonymous().download(f"/portal/t/{token}/files/{event_id}/0")
    assert (mine.status, mine.raw) == (200, photo)
    agents = web.as_user("admin").download(
        f"/api/tickets/{ticket_id}/events/{event_id}/attachments/0"
    )
    assert (agents.status, agents.raw) == (200, photo)


def test_a_plain_form_post_without_files_also_joins_the_ticket(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given a link
    token = answer_by_link(svc, web, ticket_id)

    # When the form is posted urlencoded, without files
    posted = web.anonymous().post(
        f"/portal/t/{token}/reply",
        raw=b"text=Tack+f%C3%B6r+hj%C3%A4lpen",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    # Then the text joins the ticket
    assert posted.status == 303, posted.raw
    assert inbound(svc, ticket_id)[-1].data["text"] == "Tack för hjälpen"


def test_an_empty_portal_reply_is_refused_with_a_plain_page(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given a link, and a form with only blanks
    token = answer_by_link(svc, web, ticket_id)
    body, content_type = multipart("   ", [])

    # When it is posted
    posted = web.anonymous().post(
        f"/portal/t/{token}/reply", raw=body, headers={"Content-Type": content_type}
    )

    # Then a plain page refuses it and nothing joins the ticket
    assert posted.status == 400
    assert "Traceback" not in posted.text
    assert len(inbound(svc, ticket_id)) == 1


def spoilt(token: str, how: str) -> str:
    if how == "wrong":
        return "AAAA.BBBB"
    if how == "altered":
        body, signature = token.split(".")
        return body[:-1] + ("A" if body[-1] != "A" else "B") + "." + signature
    return token + "x"


@pytest.mark.parametrize("how", ["wrong", "altered", "signature-extended"])
def test_a_wrong_or_altered_link_shows_a_plain_error_page_not_the_ticket(
    svc: Services, web: Web, ticket_id: str, how: str
) -> None:
    # Given a link that is not the one we sent
    token = spoilt(answer_by_link(svc, web, ticket_id), how)

    # When it is used to read, to write and to download
    page = web.anonymous().get(f"/portal/t/{token}")
    body, content_type = multipart("Släpp in mig", [])
    posted = web.anonymous().post(
        f"/portal/t/{token}/reply", raw=body, headers={"Content-Type": content_type}
    )
    file = web.anonymous().download(f"/portal/t/{token}/files/X/0")

    # Then each gets the error page, and nothing joins the ticket
    assert is_error_page(page), page.text
    assert "Länken fungerar inte" in page.text
    assert is_error_page(posted) and is_error_page(file)
    assert len(inbound(svc, ticket_id)) == 1


def test_an_expired_link_shows_the_error_page(
    svc: Services, web: Web, ticket_id: str, clock: FrozenClock
) -> None:
    # Given a link, used once within its time
    token = answer_by_link(svc, web, ticket_id)
    assert web.anonymous().get(f"/portal/t/{token}").status == 200

    # When the customer opens it after portal_link_days
    clock.advance(days=svc.mail.portal_link_days, seconds=1)
    page = web.anonymous().get(f"/portal/t/{token}")

    # Then she sees the error page, not the ticket
    assert is_error_page(page), page.text


def test_portal_pages_forbid_scripts_and_framing(svc: Services, web: Web, ticket_id: str) -> None:
    # Given a link
    token = answer_by_link(svc, web, ticket_id)

    # When the customer opens it
    page = web.anonymous().get(f"/portal/t/{token}")

    # Then the page runs no script and cannot be framed
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "<script" not in page.text


@pytest.mark.parametrize("time_zone", ["Europe/Stockholm", "America/New_York"])
def test_the_link_page_tells_times_in_the_organisations_time_zone(
    svc: Services, web: Web, ticket_id: str, clock: FrozenClock, time_zone: str
) -> None:
    # Given an organisation in a time zone, and an answer sent by link
    assert web.as_user("admin").put("/api/admin/settings", {"time_zone": time_zone}).status == 200
    token = answer_by_link(svc, web, ticket_id)

    # When the customer opens the link
    page = web.anonymous().get(f"/portal/t/{token}")

    # Then each message's time is the local one, with the zone's name (CET, EST...), and the
    # instant is machine-readable
    local = clock.now.astimezone(ZoneInfo(time_zone))
    assert local.utcoffset() and local.tzname() in {"CET", "CEST", "EST", "EDT"}
    assert f"{local:%Y-%m-%d %H:%M} {local.tzname()}</time>" in page.text, page.text
    assert f'datetime="{clock.now:%Y-%m-%dT%H:%M}' in page.text
    assert " UTC<" not in page.text


def test_the_link_page_tells_until_when_a_dormant_ticket_waits(
    svc: Services, web: Web, ticket_id: str, clock: FrozenClock
) -> None:
    # Given an answer sent by link, and the ticket then set dormant until a date
    token = answer_by_link(svc, web, ticket_id)
    wake = (clock.now + timedelta(days=10)).replace(hour=7, minute=0, second=0)
    set_dormant = web.as_user("admin").request(
        "PATCH",
        f"/api/tickets/{ticket_id}",
        {"status": "dormant_until", "dormant_until": wake.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    assert set_dormant.status == 200, set_dormant.raw

    # When the customer opens the link
    page = web.anonymous().get(f"/portal/t/{token}")

    # Then she sees until when, in the organisation's time (Stockholm by default)
    local = wake.astimezone(ZoneInfo("Europe/Stockholm"))
    assert f'<strong data-testid="until">{local:%Y-%m-%d %H:%M} {local.tzname()}</strong>' in (
        page.text
    ), page.text
