"""SMS over HTTP and SNS (issue 13): replies by text, refusals as JSON, the local dev routes,
and the two SNS Lambdas (received texts, delivery receipts)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from chalice.test import Client

import app
from chalicelib import bootstrap
from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.adapters.sms_outbox import LocalSmsOutbox
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from chalicelib.services.sms import intake
from tests.api.apiclient import Api, assert_error

CUSTOMER = "+46701234567"


def _text(body: str, message_id: str) -> dict[str, str]:
    return {
        "originationNumber": "0701234567",
        "destinationNumber": "+46766861234",
        "messageBody": body,
        "inboundMessageId": message_id,
    }


@pytest.fixture
def sms_ticket(svc: Services, api: Api) -> str:
    return str(intake.receive(svc, _text("Routern blinkar rött", "in-1")).ticket_id)


def test_an_agent_replies_by_sms_and_the_history_shows_the_parts(
    api: Api, svc: Services, sms_ticket: str
) -> None:
    reply = api.as_user("admin").post(
        f"/api/tickets/{sms_ticket}/replies",
        {"channel": "sms", "text": "Hej! Tekniker kommer i morgon mellan 8 och 12. " * 4},
    )

    assert reply.status == 201, reply.body
    assert reply.body["data"]["parts"] == 2
    assert reply.body["data"]["to"] == [CUSTOMER]
    assert isinstance(svc.sms, RecordingSmsSender) and len(svc.sms.sent) == 1
    ticket = api.as_user("admin").get(f"/api/tickets/{sms_ticket}").body
    sent = [e for e in ticket["events"] if e["type"] == "message_out"]
    assert sent[0]["data"]["channel"] == "sms" and sent[0]["data"]["parts"] == 2


def test_a_reply_to_a_number_that_said_stop_is_refused_with_a_clear_json_error(
    api: Api, svc: Services, sms_ticket: str
) -> None:
    intake.receive(svc, _text("Stopp", "in-2"))

    reply = api.as_user("admin").post(
        f"/api/tickets/{sms_ticket}/replies", {"channel": "sms", "text": "Hej"}
    )

    assert_error(reply, 409, "sms_opted_out")
    assert "STOP" in reply.body["message"]
    assert isinstance(svc.sms, RecordingSmsSender) and svc.sms.sent == []


def test_the_contact_card_shows_the_mobile_number_and_the_opt_out(
    api: Api, svc: Services, sms_ticket: str
) -> None:
    contact_id = svc.tickets.get(sms_ticket).contact_id
    intake.receive(svc, _text("STOP", "in-3"))

    card = api.as_user("admin").get(f"/api/contacts/{contact_id}").body

    assert card["mobile"] == CUSTOMER
    assert card["sms_opted_out"] == [CUSTOMER]


def test_a_reply_over_the_spend_cap_is_refused_with_429(
    api: Api, svc: Services, sms_ticket: str
) -> None:
    admin = api.as_user("admin")
    settings = admin.get("/api/admin/settings").body
    saved = admin.put(
        "/api/admin/settings",
        {**settings, "sms_monthly_spend_cap": 0.05, "sms_price_per_part": 0.06},
    )
    assert saved.status == 200, saved.body

    reply = admin.post(f"/api/tickets/{sms_ticket}/replies", {"channel": "sms", "text": "Hej"})

    assert_error(reply, 429, "sms_spend_cap")


def test_an_admin_lists_sms_numbers_on_a_response_point(api: Api) -> None:
    admin = api.as_user("admin")
    rp = admin.get("/api/admin/response-points/it-support").body
    saved = admin.put(
        "/api/admin/response-points/it-support", {**rp, "sms_numbers": ["+46 76 686 99 99"]}
    )
    assert saved.status == 200, saved.body
    assert admin.get("/api/admin/response-points/it-support").body["sms_numbers"] == [
        "+46766869999"
    ]
    refused = admin.put("/api/admin/response-points/it-support", {**rp, "sms_numbers": ["0766"]})
    assert_error(refused, 422)


# --- the local stack's dev routes ------------------------------------------------


@pytest.fixture
def outbox(svc: Services, tmp_path: Path) -> LocalSmsOutbox:
    svc.sms = LocalSmsOutbox(str(tmp_path / "sms-outbox"))
    return svc.sms


def test_a_dev_text_opens_a_ticket_and_the_reply_lands_in_the_outbox_in_parts(
    api: Api, outbox: LocalSmsOutbox
) -> None:
    admin = api.as_user("admin")
    received = admin.post(
        "/api/dev/sms", {"from": "070-123 45 67", "to": "+46766861234", "text": "Hjälp!"}
    )
    assert received.status == 201, received.body
    assert received.body["outcome"] == "created"

    text = "Vi återkommer så snart vi vet mer om avbrottet i ert område. " * 3
    sent = admin.post(
        f"/api/tickets/{received.body['ticket_id']}/replies", {"channel": "sms", "text": text}
    )
    assert sent.status == 201, sent.body

    listed = admin.get("/api/dev/sms-outbox").body
    assert listed["total"] == 1
    assert listed["items"][0]["to"] == CUSTOMER
    assert len(listed["items"][0]["parts"]) == 2
    assert "".join(listed["items"][0]["parts"]) == text.strip()
    files = list(outbox.folder.glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["encoding"] == "GSM-7"


def test_dev_routes_exist_only_in_the_local_stack(api: Api) -> None:
    admin = api.as_user("admin")  # the test services send through a recording fake
    assert_error(admin.post("/api/dev/sms", {"from": "0701234567", "to": "+46766861234",
                                             "text": "x"}), 422, "not_local")  # fmt: skip
    assert_error(admin.get("/api/dev/sms-outbox"), 422, "not_local")


@pytest.mark.parametrize(
    "body",
    [{"from": "hello", "to": "+46766861234", "text": "x"}, {"from": "0701234567", "text": ""},
     {"from": "0701234567", "to": "+46766861234", "text": "x", "extra": 1}],
    ids=["bad-number", "empty-text", "unknown-field"],
)  # fmt: skip
def test_a_bad_dev_text_is_refused_and_nothing_is_filed(
    api: Api, svc: Services, outbox: LocalSmsOutbox, body: dict[str, object]
) -> None:
    reply = api.as_user("admin").post("/api/dev/sms", body)
    assert 400 <= reply.status < 500 and reply.error
    assert svc.contacts.list().items == []


# --- the SNS Lambdas -------------------------------------------------------------


@pytest.fixture
def lambdas(svc: Services, people: dict[str, User]) -> Iterator[Client]:
    bootstrap.use(svc)
    try:
        with Client(app.app) as client:
            yield client
    finally:
        bootstrap.use(None)


def test_the_inbound_sms_lambda_files_a_text_once_however_often_sns_delivers_it(
    lambdas: Client, svc: Services
) -> None:
    event = lambdas.events.generate_sns_event(message=json.dumps(_text("Hej", "sns-1")))
    lambdas.lambda_.invoke("inbound_sms", event)
    lambdas.lambda_.invoke("inbound_sms", event)

    [contact] = svc.contacts.list().items
    assert contact.phones == [CUSTOMER]
    ticket_id = svc.lookups.get("thread#sms:kundtjanst:+46701234567")
    assert ticket_id is not None
    assert len([e for e in svc.tickets.events(ticket_id) if e.type == "message_in"]) == 1


def test_a_broken_sns_message_is_logged_not_retried(lambdas: Client, svc: Services) -> None:
    event = lambdas.events.generate_sns_event(message=json.dumps({"messageBody": "x"}))
    lambdas.lambda_.invoke("inbound_sms", event)  # no exception: Lambda would not retry
    assert svc.contacts.list().items == []


def test_the_events_lambda_records_a_delivery_receipt_on_the_message(
    lambdas: Client, svc: Services, api: Api, sms_ticket: str
) -> None:
    api.as_user("admin").post(f"/api/tickets/{sms_ticket}/replies", {"channel": "sms",
                                                                     "text": "Hej"})  # fmt: skip
    receipt = {"eventType": "TEXT_DELIVERED", "isFinal": True, "messageId": "sms-1",
               "messageStatus": "DELIVERED", "totalMessageParts": 1}  # fmt: skip
    lambdas.lambda_.invoke(
        "sms_events", lambdas.events.generate_sns_event(message=json.dumps(receipt))
    )

    statuses = [e for e in svc.tickets.events(sms_ticket) if e.type == "delivery_status"]
    assert [s.data["status"] for s in statuses] == ["DELIVERED"]
