"""Issue 10: portal links are bound to the address they were mailed to and to the ticket's
link generation, die when the ticket is closed past its reopen window, can be revoked by an
admin; portal replies are size-capped (413) and rate-limited per link (429)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from chalicelib.domain import portal_token
from chalicelib.services.context import Services
from tests.api.mail.conftest import Answer, Web
from tests.api.mail.test_api_mail_portal import answer_by_link, multipart
from tests.support import FrozenClock
from tests.unit.mail.flows import configure_rp, deliver, inbound, mail_file

TITLE = "Skrivaren på plan 3"
ATTACKER = "mallory@evil.example"


@pytest.fixture
def ticket_id(svc: Services, web: Web) -> str:
    """A ticket at kundtjanst, which notifies customers by link."""
    configure_rp(svc, "kundtjanst", notification_mode="link", reopen_window_days=14)
    entry = deliver(svc, mail_file("customer_request.eml", subject=TITLE))
    return entry.ticket_id or ""


def contact_of(svc: Services, ticket_id: str) -> str:
    return svc.tickets.get(ticket_id).contact_id or ""


def opens(web: Web, token: str) -> bool:
    page = web.anonymous().get(f"/portal/t/{token}")
    if page.status == 200:
        assert TITLE in page.text
        return True
    assert page.status == 404, page.raw
    assert TITLE not in page.text and "<form" not in page.text
    return False


def post_text(web: Web, token: str, text: str = "Hej igen") -> Answer:
    return web.anonymous().post(
        f"/portal/t/{token}/reply",
        raw=f"text={text}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


# --- bound to the address ----------------------------------------------------------------


def test_a_link_mailed_to_an_address_an_attacker_set_dies_when_the_address_is_put_back(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given someone pointed the contact's address at themselves and a reply went out
    contact_id = contact_of(svc, ticket_id)
    original = web.as_user("admin").get(f"/api/contacts/{contact_id}").json["emails"]
    changed = web.as_user("admin").request(
        "PATCH", f"/api/contacts/{contact_id}", {"emails": [ATTACKER]}
    )
    assert changed.status == 200, changed.raw
    # (an agent who did not spot the attack confirms the "address changed" warning)
    token = answer_by_link(svc, web, ticket_id, confirm_address_change=True)
    assert svc.mailer.sent[-1].recipients == (ATTACKER,)
    assert opens(web, token)

    # When the address is put back
    restored = web.as_user("admin").request(
        "PATCH", f"/api/contacts/{contact_id}", {"emails": original}
    )
    assert restored.status == 200, restored.raw

    # Then the attacker's link no longer opens the ticket, nor takes a reply
    assert not opens(web, token)
    assert post_text(web, token).status == 404
    assert len(inbound(svc, ticket_id)) == 1


def test_a_link_issued_before_an_address_change_is_refused_after_it(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given a link mailed to the customer
    token = answer_by_link(svc, web, ticket_id)
    assert opens(web, token)

    # When the contact's addresses change (here: one is added)
    contact_id = contact_of(svc, ticket_id)
    emails = svc.contacts.get(contact_id).emails
    changed = web.as_user("admin").request(
        "PATCH", f"/api/contacts/{contact_id}", {"emails": [*emails, "ny@kund.example.se"]}
    )
    assert changed.status == 200, changed.raw

    # Then the old link is refused, and the next mail carries one that works
    assert not opens(web, token)
    assert opens(web, answer_by_link(svc, web, ticket_id, confirm_address_change=True))


def test_a_first_format_link_bound_to_no_address_is_refused(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given a correctly signed link of the old format: ticket|contact|expiry
    body = f"{ticket_id}|{contact_of(svc, ticket_id)}|{int(svc.clock().timestamp()) + 86400}"
    signature = hmac.new(svc.mail.secret, b"portal:" + body.encode(), hashlib.sha256).digest()
    token = f"{portal_token._b64(body.encode())}.{portal_token._b64(signature[:18])}"
    # (still recognised as ours, for the loop guard)
    assert portal_token.verify(token, svc.mail.secret, svc.clock()).legacy

    # Then the portal refuses it
    assert not opens(web, token)


# --- revoked by an admin -----------------------------------------------------------------


def test_an_admin_revokes_every_link_of_a_ticket(svc: Services, web: Web, ticket_id: str) -> None:
    # Given two links mailed for the ticket
    first, second = answer_by_link(svc, web, ticket_id), answer_by_link(svc, web, ticket_id)
    assert opens(web, first) and opens(web, second)

    # When an admin revokes the ticket's links
    revoked = web.as_user("admin").post(f"/api/admin/tickets/{ticket_id}/portal-links/revoke")

    # Then both are refused, the history says who did it, and new mail carries a working link
    assert revoked.status == 200, revoked.raw
    assert revoked.json == {"ticket_id": ticket_id, "portal_generation": 1}
    assert not opens(web, first) and not opens(web, second)
    events = web.as_user("admin").get(f"/api/tickets/{ticket_id}").json["events"]
    revokes = [e for e in events if e["type"] == "portal_links_revoked"]
    assert [(e["actor"], e["data"]["generation"]) for e in revokes] == [("admin", 1)]
    assert opens(web, answer_by_link(svc, web, ticket_id))


@pytest.mark.parametrize("who", ["agent1", "dispatcher"])
def test_only_an_admin_may_revoke(svc: Services, web: Web, ticket_id: str, who: str) -> None:
    token = answer_by_link(svc, web, ticket_id)

    refused = web.as_user(who).post(f"/api/admin/tickets/{ticket_id}/portal-links/revoke")

    assert refused.status == 403, refused.raw
    assert opens(web, token)


def test_revoking_a_missing_ticket_is_404(web: Web, ticket_id: str) -> None:
    answer = web.as_user("admin").post("/api/admin/tickets/01NOSUCHTICKET/portal-links/revoke")

    assert answer.status == 404


# --- closed past the reopen window -------------------------------------------------------


def test_a_link_dies_when_its_ticket_is_closed_past_the_reopen_window(
    svc: Services, web: Web, clock: FrozenClock, ticket_id: str
) -> None:
    # Given a link, and the ticket closed
    token = answer_by_link(svc, web, ticket_id)
    closed = web.as_user("admin").request(
        "PATCH", f"/api/tickets/{ticket_id}", {"status": "closed"}
    )
    assert closed.status == 200, closed.raw

    # Then within the 14-day reopen window it still opens
    clock.advance(days=13)
    assert opens(web, token)

    # And past it, it is refused, also for a reply
    clock.advance(days=2)
    assert not opens(web, token)
    assert post_text(web, token).status == 404
    assert svc.tickets.get(ticket_id).status.value == "closed"


# --- size and rate -----------------------------------------------------------------------


def test_a_21_mb_upload_gets_413_and_a_plain_page(svc: Services, web: Web, ticket_id: str) -> None:
    token = answer_by_link(svc, web, ticket_id)
    body, content_type = multipart("Här är loggen", [("logg.bin", "application/octet-stream",
                                                        b"\0" * (21 * 1024 * 1024))])  # fmt: skip

    posted = web.anonymous().post(
        f"/portal/t/{token}/reply", raw=body, headers={"Content-Type": content_type}
    )

    assert posted.status == 413, posted.raw[:500]
    assert posted.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "20 MB" in posted.text and "Traceback" not in posted.text
    assert len(inbound(svc, ticket_id)) == 1


def test_the_sixth_portal_reply_in_ten_minutes_gets_429(
    svc: Services, web: Web, clock: FrozenClock, ticket_id: str
) -> None:
    # Given a link, and the clock at the start of a ten-minute window
    token = answer_by_link(svc, web, ticket_id)
    now = clock()
    clock.advance(seconds=(10 - now.minute % 10) * 60 - now.second)

    # When the customer (or a script with her link) posts six times in a row
    answers = [post_text(web, token, f"nummer+{n}").status for n in range(6)]

    # Then five are taken and the sixth is refused with a friendly page
    assert answers == [303] * 5 + [429]
    refused = post_text(web, token)
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "600"
    assert "Vänta några minuter" in refused.text and "Traceback" not in refused.text
    assert len(inbound(svc, ticket_id)) == 1 + 5

    # And in the next window she may write again
    clock.advance(minutes=10)
    assert post_text(web, token).status == 303


def test_the_limit_is_per_link(svc: Services, web: Web, clock: FrozenClock, ticket_id: str) -> None:
    # Given two links (mailed a second apart: two different tokens), and the clock at the
    # start of a ten-minute window
    first = answer_by_link(svc, web, ticket_id)
    clock.advance(seconds=1)
    second = answer_by_link(svc, web, ticket_id)
    assert first != second
    now = clock()
    clock.advance(seconds=(10 - now.minute % 10) * 60 - now.second)

    # When the first has used up its five replies
    for n in range(5):
        assert post_text(web, first, f"a{n}").status == 303
    assert post_text(web, first, "a5").status == 429

    # Then the second still has its own
    assert post_text(web, second, "b").status == 303
