"""Issue 15: a reply picks the ticket, or asks when someone else holds it, and "Send and set
status" writes the reply and the status in one save (POST /api/tickets/{id}/replies)."""

from __future__ import annotations

import pytest

from chalicelib.services.context import Services
from tests.api.mail.conftest import Web
from tests.unit.mail.flows import deliver, mail_file


@pytest.fixture
def ticket_id(svc: Services, web: Web) -> str:
    """A new ticket in it-support's pool (every agent sees it) from the customer's mail."""
    raw = mail_file("customer_request.eml", to="it@example.com")
    return deliver(svc, raw, ["it@example.com"]).ticket_id or ""


def sent(svc: Services) -> list:  # type: ignore[type-arg]
    return list(svc.mailer.sent)  # type: ignore[attr-defined]


def reply(web: Web, user: str, ticket_id: str, **body: object):  # type: ignore[no-untyped-def]
    return web.as_user(user).post(
        f"/api/tickets/{ticket_id}/replies", {"text": "Vi tittar på det.", **body}
    )


def test_replying_on_a_pool_ticket_picks_it_in_the_same_save(web: Web, ticket_id: str) -> None:
    # Given a new ticket nobody holds, at version v
    before = web.as_user("agent3").get(f"/api/tickets/{ticket_id}").json
    assert (before["status"], before["agent_id"], before["lock"]) == ("new", None, None)

    # When agent3 answers it
    answer = reply(web, "agent3", ticket_id)

    # Then the ticket is theirs, locked to them and out of the pool, in one more version
    assert answer.status == 201, answer.raw
    after = web.as_user("agent3").get(f"/api/tickets/{ticket_id}").json
    assert (after["status"], after["agent_id"], after["lock"]["by"]) == ("open", "agent3", "agent3")
    assert after["version"] == before["version"] + 1
    types = [e["type"] for e in after["events"]]
    assert types[-3:] == ["message_out", "status_changed", "picked"]


@pytest.mark.parametrize("status", ["open", "with_contact", "resolved", "closed"])
def test_send_and_set_status_sets_it_with_the_reply(web: Web, ticket_id: str, status: str) -> None:
    answer = reply(web, "agent3", ticket_id, status=status)

    assert answer.status == 201, answer.raw
    after = web.as_user("agent3").get(f"/api/tickets/{ticket_id}").json
    assert after["status"] == status
    assert after["agent_id"] == "agent3"
    assert "message_out" in [e["type"] for e in after["events"]]


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        ("dormant_until", "invalid_status", "needs a date"),
        ("waiting", "invalid_status", "must be one of"),
        ("new", "invalid_status", "must be one of"),
        (3, "invalid_status", "must be one of"),
    ],
    ids=["needs-a-date", "unknown", "new-is-a-start", "not-a-string"],
)
def test_a_bad_status_is_refused_with_400_and_nothing_is_sent(
    svc: Services, web: Web, ticket_id: str, status: object, code: str, words: str
) -> None:
    answer = reply(web, "agent3", ticket_id, status=status)

    assert answer.status == 400, answer.raw
    assert answer.json["error"] == code and words in answer.json["message"]
    assert sent(svc) == []
    after = web.as_user("agent3").get(f"/api/tickets/{ticket_id}").json
    assert (after["status"], after["agent_id"]) == ("new", None)


def test_asking_the_customer_and_another_status_at_once_is_400(
    svc: Services, web: Web, ticket_id: str
) -> None:
    answer = reply(web, "agent3", ticket_id, ask_customer=True, status="resolved")

    assert answer.status == 400 and answer.json["error"] == "invalid_status"
    assert sent(svc) == []


def test_a_status_the_ticket_cannot_move_to_is_422_and_nothing_is_sent(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given a resolved ticket (resolved moves only to closed, or reopens)
    assert reply(web, "agent3", ticket_id, status="resolved").status == 201
    sent_before = len(sent(svc))

    answer = reply(web, "agent3", ticket_id, status="with_contact")

    assert answer.status == 422 and answer.json["error"] == "invalid_transition"
    assert len(sent(svc)) == sent_before


def test_a_ticket_someone_else_holds_is_409_locked_and_nothing_is_sent(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given agent1 holds the ticket
    assert web.as_user("agent1").post(f"/api/tickets/{ticket_id}/pick").status == 200

    # When agent3 replies, even saying they would take it over (they may not)
    plain = reply(web, "agent3", ticket_id)
    forced = reply(web, "agent3", ticket_id, take_over=True)

    # Then both are refused, nothing goes out, and agent1 keeps the ticket
    for answer in (plain, forced):
        assert answer.status == 409 and answer.json["error"] == "locked", answer.raw
        assert "agent1" in answer.json["message"]
    assert sent(svc) == []
    after = web.as_user("agent1").get(f"/api/tickets/{ticket_id}").json
    assert (after["agent_id"], after["lock"]["by"]) == ("agent1", "agent1")


def test_an_admin_is_asked_first_then_takes_the_ticket_over_and_sends(
    svc: Services, web: Web, ticket_id: str
) -> None:
    # Given agent1 holds the ticket
    assert web.as_user("agent1").post(f"/api/tickets/{ticket_id}/pick").status == 200

    # When the admin replies without saying they take it over, they are refused (409 locked)
    asked = reply(web, "admin", ticket_id)
    assert asked.status == 409 and asked.json["error"] == "locked"
    assert sent(svc) == []

    # When they agree to take it over
    taken = reply(web, "admin", ticket_id, take_over=True, status="with_contact")

    # Then the reply goes, and the ticket is theirs, locked to them, with the status set
    assert taken.status == 201, taken.raw
    assert len(sent(svc)) == 1
    after = web.as_user("admin").get(f"/api/tickets/{ticket_id}").json
    assert (after["agent_id"], after["lock"]["by"], after["status"]) == (
        "admin",
        "admin",
        "with_contact",
    )


def test_a_reply_on_a_colleagues_unlocked_ticket_leaves_it_with_them(
    web: Web, ticket_id: str
) -> None:
    # Given agent1 picked the ticket and released the lock: theirs, but nobody holds it
    web.as_user("agent1").post(f"/api/tickets/{ticket_id}/pick")
    web.as_user("agent1").post(f"/api/tickets/{ticket_id}/release")

    answer = reply(web, "agent3", ticket_id)

    assert answer.status == 201, answer.raw
    after = web.as_user("agent3").get(f"/api/tickets/{ticket_id}").json
    assert (after["agent_id"], after["lock"]) == ("agent1", None)


def test_a_note_may_set_the_status_in_the_same_save(web: Web, ticket_id: str) -> None:
    agent = web.as_user("agent3")
    before = agent.get(f"/api/tickets/{ticket_id}").json

    saved = agent.post(
        f"/api/tickets/{ticket_id}/notes", {"text": "Väntar på leverantören.", "status": "open"}
    )
    refused = agent.post(
        f"/api/tickets/{ticket_id}/notes", {"text": "Sov.", "status": "dormant_until"}
    )

    assert saved.status == 201, saved.raw
    assert refused.status == 400 and refused.json["error"] == "invalid_status"
    after = agent.get(f"/api/tickets/{ticket_id}").json
    assert after["status"] == "open"
    assert after["version"] == before["version"] + 1
    assert [e["type"] for e in after["events"]][-2:] == ["note", "status_changed"]
