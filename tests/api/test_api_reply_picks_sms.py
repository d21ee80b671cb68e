"""Issue 15 on the SMS channel: a text reply picks the ticket and may set the status in the
same save; a ticket someone else holds is refused before any text goes out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.services.context import Services
from chalicelib.services.sms import intake
from tests.api.apiclient import Api, assert_error
from tests.api.test_api_sms import _text


@pytest.fixture
def sms_ticket(svc: Services, api: Api) -> str:
    return str(intake.receive(svc, _text("Routern blinkar rött", "in-picks-1")).ticket_id)


def test_a_text_reply_picks_the_ticket_and_sets_the_status_in_one_save(
    api: Api, svc: Services, sms_ticket: str
) -> None:
    admin = api.as_user("admin")
    before = admin.get(f"/api/tickets/{sms_ticket}").body

    reply = admin.post(
        f"/api/tickets/{sms_ticket}/replies",
        {"channel": "sms", "text": "Starta om routern.", "status": "resolved"},
    )

    assert reply.status == 201, reply.body
    after = admin.get(f"/api/tickets/{sms_ticket}").body
    assert (after["status"], after["agent_id"]) == ("resolved", "admin")
    assert after["version"] == before["version"] + 1


def test_a_text_reply_on_a_held_ticket_is_409_and_no_text_is_sent(
    api: Api, svc: Services, sms_ticket: str
) -> None:
    # Given agent1 holds the ticket
    ticket = svc.tickets.get(sms_ticket)
    ticket.pick("agent1", svc.clock(), timedelta(minutes=30))
    svc.tickets.save(ticket)

    reply = api.as_user("admin").post(
        f"/api/tickets/{sms_ticket}/replies", {"channel": "sms", "text": "Hej"}
    )

    assert_error(reply, 409, "locked")
    assert isinstance(svc.sms, RecordingSmsSender) and svc.sms.sent == []
