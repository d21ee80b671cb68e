"""The automatic acknowledgement of a new ticket (issue 11): intake only notes, in the ticket's
own transaction, that one is due; the TicketEvents stream consumer sends it, exactly once
however often the stream delivers the change, and records it in the history."""

from __future__ import annotations

import pytest

from chalicelib.domain.events import EventType
from chalicelib.domain.mail_log import Outcome
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from chalicelib.services.mail import outbound
from chalicelib.services.mail import threading as mail_threading
from tests.support import drain_stream
from tests.unit.mail.flows import configure_rp, events_of, mail_file, parsed, sent, store_raw

CUSTOMER = "anna.andersson@kund.example.se"

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(autouse=True)
def acknowledging(svc: Services, people: dict[str, User]) -> None:
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)


def ingest_only(svc: Services, raw: bytes) -> str:
    """Intake alone (the inbound-mail Lambda), no stream consumer yet: the new ticket's id."""
    entry = mail_intake.ingest(svc, store_raw(svc, raw), ["kundtjanst@example.com"])
    assert entry.outcome is Outcome.CREATED
    return entry.ticket_id or ""


def acknowledgements(svc: Services, ticket_id: str) -> list[dict[str, object]]:
    return [e.data for e in events_of(svc, ticket_id, EventType.MESSAGE_OUT)]


def test_intake_sends_nothing_and_notes_the_acknowledgement_on_the_created_event(
    svc: Services,
) -> None:
    ticket_id = ingest_only(svc, mail_file("customer_request.eml"))

    assert sent(svc) == []  # the inbound-mail function sends no mail
    [created] = events_of(svc, ticket_id, EventType.CREATED)
    assert created.data[outbound.ACKNOWLEDGE] == {
        "to": CUSTOMER,
        "in_reply_to": "request-1@kund.example.se",
    }

    # When the stream consumer gets the change, the acknowledgement goes out and is recorded
    assert drain_stream(svc) == [{"batchItemFailures": []}]
    [mail] = sent(svc)
    assert mail.recipients == (CUSTOMER,)
    message = parsed(mail.raw)
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] == "<request-1@kund.example.se>"
    [recorded] = acknowledgements(svc, ticket_id)
    assert recorded["acknowledgement"] is True and recorded["automatic"] is True
    # Its Message-ID leads back to the ticket: a reply to it threads there
    our_id = str(message["Message-ID"]).strip("<>")
    assert recorded["message_id"] == our_id
    assert svc.lookups.get(mail_threading.msgid_key(our_id)) == ticket_id


def test_a_change_delivered_twice_or_again_later_acknowledges_once(svc: Services) -> None:
    ticket_id = ingest_only(svc, mail_file("customer_request.eml"))
    stored = svc.tickets.take_stream()  # type: ignore[attr-defined]
    svc.tickets.give_back(list(stored))  # type: ignore[attr-defined]

    answers = drain_stream(svc, times=2)
    svc.tickets.give_back(stored)  # type: ignore[attr-defined]
    answers += drain_stream(svc)  # e.g. the operator's redrive of the failure queue

    assert answers == [{"batchItemFailures": []}] * 3
    assert len(sent(svc)) == 1
    assert len(acknowledgements(svc, ticket_id)) == 1


def test_a_failing_send_is_retried_from_the_stream_and_then_sent_once(svc: Services) -> None:
    ticket_id = ingest_only(svc, mail_file("customer_request.eml"))
    svc.mailer.fail_with = RuntimeError("SES throttled")  # type: ignore[attr-defined]

    [answer] = drain_stream(svc)
    assert answer["batchItemFailures"], "the change is to be delivered again"
    assert sent(svc) == [] and acknowledgements(svc, ticket_id) == []

    svc.mailer.fail_with = None  # type: ignore[attr-defined]
    assert drain_stream(svc) == [{"batchItemFailures": []}]
    assert len(sent(svc)) == 1
    assert len(acknowledgements(svc, ticket_id)) == 1


def test_no_acknowledgement_if_the_response_point_stopped_wanting_them_meanwhile(
    svc: Services,
) -> None:
    ingest_only(svc, mail_file("customer_request.eml"))
    configure_rp(svc, "kundtjanst", auto_acknowledge=False)

    drain_stream(svc)

    assert sent(svc) == []


@pytest.mark.parametrize(
    "headers",
    ["Auto-Submitted: auto-replied", "Precedence: bulk", "List-Id: <list.kund.example.se>"],
)
def test_intake_notes_no_acknowledgement_for_robots_and_lists(svc: Services, headers: str) -> None:
    ticket_id = ingest_only(svc, mail_file("robot_header.eml", robot_header=headers))

    [created] = events_of(svc, ticket_id, EventType.CREATED)
    assert outbound.ACKNOWLEDGE not in created.data
    drain_stream(svc)
    assert sent(svc) == []
