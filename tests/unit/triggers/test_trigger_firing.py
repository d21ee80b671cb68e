"""Triggers on the TicketEvents stream (S7): a trigger that a change meets alarms once per
ticket and event — whatever the stream redelivers —, never on what its own actions wrote,
no more than its hourly cap, and every firing is in the ticket's history with why.

``drain_stream`` hands what the in-memory repository stored to the stream consumer's
Lambda handler, in Lambda's record shape (``times=2``: the same batch delivered twice)."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest

from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.organisation import User
from chalicelib.services import tickets
from chalicelib.services.context import Services
from chalicelib.services.ports import OutgoingSms, SmsSender
from chalicelib.services.triggers import admin
from tests.support import FrozenClock, drain_stream
from tests.unit.mail.flows import deliver, mail_file, sent

pytestmark = pytest.mark.usefixtures("people")

ON_CALL = "+46701234567"
BACKUP_PHONE = "+46709876543"


def save(svc: Services, people: dict[str, User], **trigger: Any) -> dict[str, Any]:
    body = {
        "id": "avbrott",
        "name": "Avbrott",
        "when": ["ticket_created", "message_in"],
        "conditions": {"keywords": ["avbrott"]},
        "actions": [{"type": "sms", "to": [ON_CALL]}],
        **trigger,
    }
    return admin.save_trigger(svc, people["admin"], None, body, create=True)


def firings(svc: Services, ticket_id: str) -> list[TicketEvent]:
    return [e for e in svc.tickets.events(ticket_id) if e.type == "trigger_fired"]


def test_a_mail_saying_avbrott_alarms_the_on_call_phone_once_with_why_in_the_history(
    svc: Services, people: dict[str, User], texts: RecordingSmsSender
) -> None:
    # Given a trigger on the keyword "avbrott" that texts the on-call phone
    save(svc, people)
    # When a customer mails about an outage, and the stream delivers the change twice
    entry = deliver(
        svc, mail_file("customer_request.eml", subject="AVBROTT i Malmö", message_id="a@k.se")
    )
    drain_stream(svc, times=2)
    drain_stream(svc)

    # Then the on-call phone got one text naming the ticket and the reason
    ticket = svc.tickets.get(entry.ticket_id or "")
    assert [m.to for m in texts.sent] == [ON_CALL]
    assert f"#{ticket.number}" in texts.sent[0].text
    assert "avbrott" in texts.sent[0].text
    # And the history says which trigger fired, on what, and why
    [fired] = firings(svc, ticket.id)
    assert fired.actor == "trigger:avbrott"
    assert fired.data["trigger_name"] == "Avbrott"
    assert fired.data["on"] == "ticket_created"
    assert {"condition": "keywords", "value": "avbrott", "where": "subject"} in fired.data[
        "reasons"
    ]
    assert fired.data["actions"] == [{"type": "sms", "to": [ON_CALL], "outcome": "sent"}]


def test_a_mail_without_the_keyword_alarms_nobody(
    svc: Services, people: dict[str, User], texts: RecordingSmsSender
) -> None:
    save(svc, people)
    entry = deliver(svc, mail_file("customer_request.eml", subject="Avbrottsfri drift?"))
    drain_stream(svc)
    assert texts.sent == []
    assert firings(svc, entry.ticket_id or "") == []


def test_a_disabled_trigger_does_not_fire(
    svc: Services, people: dict[str, User], texts: RecordingSmsSender
) -> None:
    save(svc, people, enabled=False)
    tickets.create_ticket(svc, people["agent1"], {"title": "Avbrott i Lund"})
    drain_stream(svc)
    assert texts.sent == []


def test_a_trigger_that_sets_the_priority_does_not_fire_on_its_own_change(
    svc: Services, people: dict[str, User], texts: RecordingSmsSender
) -> None:
    # Given a trigger that, on any priority change, makes the ticket high and texts
    save(
        svc,
        people,
        when=["priority_changed"],
        conditions={},
        actions=[{"type": "set_priority", "priority": "high"}, {"type": "sms", "to": [ON_CALL]}],
    )
    ticket = tickets.create_ticket(svc, people["agent1"], {"title": "Skrivaren"})
    # When an agent lowers the priority
    tickets.update_ticket(svc, people["agent1"], ticket.id, {"priority": "low"})
    for _ in range(4):
        drain_stream(svc)

    # Then the trigger fired once: it raised the priority, and its own raise did not fire it
    after = svc.tickets.get(ticket.id)
    assert after.priority.value == "high"
    assert len(firings(svc, ticket.id)) == 1
    assert len(texts.sent) == 1
    raised = [e for e in svc.tickets.events(ticket.id) if e.type == "priority_changed"][-1]
    assert raised.actor == "trigger:avbrott"
    assert raised.data["trigger_chain"] == ["avbrott"]


def test_the_hourly_cap_stops_the_alarms_and_says_so_in_the_history(
    svc: Services, people: dict[str, User], texts: RecordingSmsSender, clock: FrozenClock
) -> None:
    clock.now = clock.now.replace(minute=5)
    save(svc, people, hourly_cap=2)
    made = []
    for n in range(3):
        made.append(tickets.create_ticket(svc, people["agent1"], {"title": f"Avbrott {n}"}))
        drain_stream(svc)
    assert len(texts.sent) == 2
    [capped] = firings(svc, made[2].id)
    assert capped.data["capped"] is True and capped.data["hourly_cap"] == 2
    assert capped.data["actions"] == []

    # The next hour the trigger alarms again
    clock.advance(hours=1)
    tickets.create_ticket(svc, people["agent1"], {"title": "Avbrott igen"})
    drain_stream(svc)
    assert len(texts.sent) == 3


class FlakySms(SmsSender):
    """Refuses one number until told otherwise."""

    def __init__(self, refuse: str) -> None:
        self.refuse: str | None = refuse
        self.sent: list[OutgoingSms] = []

    def send(self, sms: OutgoingSms) -> str:
        if sms.to == self.refuse:
            raise ConnectionError("SMS service unreachable")
        self.sent.append(sms)
        return f"id-{len(self.sent)}"


def test_a_failed_alarm_is_retried_from_the_stream_without_texting_anyone_twice(
    svc: Services, people: dict[str, User]
) -> None:
    flaky = FlakySms(refuse=BACKUP_PHONE)
    svc.sms = flaky
    save(svc, people, actions=[{"type": "sms", "to": [ON_CALL, BACKUP_PHONE]}])
    ticket = tickets.create_ticket(svc, people["agent1"], {"title": "Avbrott"})

    answer = drain_stream(svc)[0]
    assert answer["batchItemFailures"]  # delivered again from this change
    assert [m.to for m in flaky.sent] == [ON_CALL]
    assert firings(svc, ticket.id) == []

    flaky.refuse = None
    drain_stream(svc)
    assert [m.to for m in flaky.sent] == [ON_CALL, BACKUP_PHONE]
    assert len(firings(svc, ticket.id)) == 1


def test_an_email_alarm_is_automatic_mail_that_cannot_loop(
    svc: Services, people: dict[str, User]
) -> None:
    # Given an e-mail alarm to the on-call mailbox and, by mistake, to our own inbound address
    save(
        svc,
        people,
        actions=[{"type": "email", "to": ["jour@example.org", "kundtjanst@example.com"]}],
    )
    ticket = tickets.create_ticket(
        svc, people["agent1"], {"title": "Larm", "description": "Totalt avbrott i Lund"}
    )
    drain_stream(svc, times=2)

    mails = [m for m in sent(svc) if "jour@example.org" in m.recipients]
    assert len(mails) == 1
    mail = message_from_bytes(mails[0].raw, policy=policy.default)
    assert mail["Subject"] == f"[#{ticket.number}] Larm: Avbrott: Larm"
    assert str(mail["Auto-Submitted"]).startswith("auto-")
    assert mail["X-ServIT-Loop"] == "servit.test"
    body = mail.get_body(("plain",))
    assert body is not None
    assert "nyckelordet ”avbrott” i texten" in body.get_content()

    # When the alarm comes back in through our own address
    returned = deliver(svc, mails[0].raw)
    assert returned.reason == "our own mail came back (loop guard)"
    for _ in range(3):
        drain_stream(svc)
    # Then it raises no new alarm
    assert len([m for m in sent(svc) if "jour@example.org" in m.recipients]) == 1


def test_a_notify_action_tells_every_agent_of_the_group_whatever_they_chose(
    svc: Services, people: dict[str, User]
) -> None:
    save(svc, people, actions=[{"type": "notify", "group_id": "kt-first"}])
    tickets.create_ticket(
        svc, people["agent3"], {"title": "Avbrott", "response_point_id": "it-support"}
    )
    drain_stream(svc, times=2)
    for user in ("agent1", "agent2", "dispatcher"):
        notices = svc.notifications.for_user(user, limit=10).items
        assert [n.kind.value for n in notices] == ["alarm"], user
    assert svc.notifications.for_user("agent3", limit=10).items == []


def test_set_group_moves_the_ticket_and_keeps_no_agent_outside_the_group(
    svc: Services, people: dict[str, User], texts: RecordingSmsSender
) -> None:
    save(
        svc,
        people,
        conditions={"keywords": ["avbrott"], "response_point_id": "kundtjanst"},
        actions=[{"type": "set_group", "group_id": "kt-second"}],
    )
    ticket = tickets.create_ticket(
        svc, people["agent1"], {"title": "Avbrott", "agent_id": "agent1"}
    )
    drain_stream(svc)
    after = svc.tickets.get(ticket.id)
    assert (after.group_id, after.agent_id) == ("kt-second", None)
    [fired] = firings(svc, ticket.id)
    assert fired.data["actions"] == [
        {"type": "set_group", "group_id": "kt-second", "outcome": "done"}
    ]
