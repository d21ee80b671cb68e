"""Agent notifications (S16): an agent is told of new messages, assignments and changes on
their tickets — in the UI and by e-mail — as they choose, and never of their own doing.

Notices come from the TicketEvents stream: ``drain_stream`` hands what the in-memory
repository stored to the consumer's Lambda handler, in Lambda's record shape."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from chalicelib.domain.organisation import User
from chalicelib.services import assignment, auth, notifications, tickets
from chalicelib.services.context import Services
from chalicelib.services.mail import threading as mail_threading
from tests.support import drain_stream
from tests.unit.mail.flows import deliver, mail_file, quote_reply, sent

pytestmark = pytest.mark.usefixtures("people")


def kinds(svc: Services, user_id: str) -> list[str]:
    drain_stream(svc)
    page = svc.notifications.for_user(user_id, limit=100)
    return [n.kind.value for n in reversed(page.items)]


def mailed_to(svc: Services, address: str) -> list[str]:
    drain_stream(svc)
    found = []
    for mail in sent(svc):
        if address in mail.recipients:
            found.append(str(message_from_bytes(mail.raw, policy=policy.default)["Subject"]))
    return found


def test_an_agent_is_told_of_a_ticket_handed_to_them_and_of_changes_by_others(
    svc: Services, people: dict[str, User]
) -> None:
    # Given a ticket agent1 entered (their own), then handed to agent2 by the dispatcher
    ticket = tickets.create_ticket(svc, people["agent1"], {"title": "Skrivaren"})
    assert kinds(svc, "agent1") == []  # nothing for what you did yourself
    assignment.assign_tickets(
        svc, people["dispatcher"], {"ticket_ids": [ticket.id], "agent_id": "agent2"}
    )
    # When the dispatcher adds a note, and agent2 adds one
    tickets.add_note(svc, people["dispatcher"], ticket.id, {"text": "Ring kunden"})
    tickets.add_note(svc, people["agent2"], ticket.id, {"text": "Ringt"})

    # Then agent2 has heard of the hand-over and of the dispatcher's note, not of their own
    assert kinds(svc, "agent2") == ["assigned", "changed"]
    assert svc.notifications.unread_count("agent2") == 2
    assert mailed_to(svc, "agent2@example.com") == [
        f"[#{ticket.number}] Lagt på dig: Skrivaren",
        f"[#{ticket.number}] Ändrat: Skrivaren",
    ]


def test_a_customers_reply_tells_the_owner_of_a_new_message(
    svc: Services, people: dict[str, User]
) -> None:
    entry = deliver(svc, mail_file("customer_request.eml"))
    ticket_id = entry.ticket_id or ""
    assignment.assign_tickets(
        svc,
        people["dispatcher"],
        {"ticket_ids": [ticket_id], "agent_id": "agent1", "group_id": "kt-first"},
    )
    from chalicelib.services.mail.outbound import send_reply

    send_reply(svc, people["agent1"], ticket_id, {"text": "Har ni startat om?"})
    ours = [m.raw for m in sent(svc) if "anna.andersson@kund.example.se" in m.recipients][-1]

    deliver(svc, quote_reply(svc, ours))

    assert kinds(svc, "agent1") == ["assigned", "message"]
    assert mailed_to(svc, "agent1@example.com")[-1].startswith(
        f"[#{svc.tickets.get(ticket_id).number}] Nytt meddelande"
    )


def test_each_agent_chooses_what_they_hear_of_and_whether_by_mail(
    svc: Services, people: dict[str, User]
) -> None:
    auth.update_me(svc, people["agent2"], {"notify": ["assigned"], "notify_email": False})
    ticket = tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent2"})
    tickets.update_ticket(svc, people["dispatcher"], ticket.id, {"priority": "high"})

    assert kinds(svc, "agent2") == ["assigned"]  # the change is not among their choices
    assert mailed_to(svc, "agent2@example.com") == []  # shown in the UI only


def test_no_notice_mail_goes_to_a_bouncing_address_but_the_badge_still_counts(
    svc: Services, people: dict[str, User]
) -> None:
    svc.lookups.put(mail_threading.bounce_key("agent2@example.com"), "5.1.1")
    tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent2"})
    assert mailed_to(svc, "agent2@example.com") == []
    drain_stream(svc)
    assert svc.notifications.unread_count("agent2") == 1


def test_reading_notifications_clears_the_badge(svc: Services, people: dict[str, User]) -> None:
    for title in ("A", "B", "C"):
        tickets.create_ticket(svc, people["dispatcher"], {"title": title, "agent_id": "agent2"})
    drain_stream(svc)
    agent2 = people["agent2"]
    page, unread = notifications.my_notifications(
        svc, agent2, unread_only=True, limit=10, cursor=None
    )
    assert unread == 3 and [n.title for n in page.items] == ["C", "B", "A"]
    assert notifications.mark_read(svc, agent2, {"ids": [page.items[0].id]}) == 1
    assert notifications.unread_count(svc, agent2) == 2
    assert notifications.mark_read(svc, agent2, {"all": True}) == 2
    assert notifications.unread_count(svc, agent2) == 0


def test_a_failing_mailer_does_not_undo_the_change_and_the_mail_is_retried_from_the_stream(
    svc: Services, people: dict[str, User]
) -> None:
    svc.mailer.fail_with = OSError("smtp down")  # type: ignore[attr-defined]
    ticket = tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent2"})
    assert svc.tickets.get(ticket.id).agent_id == "agent2"

    (answer,) = drain_stream(svc)
    assert answer["batchItemFailures"], "the change is to be delivered again"
    assert svc.notifications.unread_count("agent2") == 1  # the badge counts it already
    assert mailed_to(svc, "agent2@example.com") == []  # still failing: retried, not lost

    svc.mailer.fail_with = None  # type: ignore[attr-defined]
    assert mailed_to(svc, "agent2@example.com") == [f"[#{ticket.number}] Lagt på dig: X"]
    assert mailed_to(svc, "agent2@example.com") == [f"[#{ticket.number}] Lagt på dig: X"]
    assert svc.notifications.unread_count("agent2") == 1


def test_a_batch_delivered_twice_notifies_and_mails_each_agent_once(
    svc: Services, people: dict[str, User]
) -> None:
    first = tickets.create_ticket(svc, people["dispatcher"], {"title": "A", "agent_id": "agent2"})
    second = tickets.create_ticket(svc, people["dispatcher"], {"title": "B", "agent_id": "agent1"})
    tickets.add_note(svc, people["dispatcher"], first.id, {"text": "Ring kunden"})

    answers = drain_stream(svc, times=2)

    assert [a["batchItemFailures"] for a in answers] == [[], []]
    assert kinds(svc, "agent2") == ["assigned", "changed"]
    assert kinds(svc, "agent1") == ["assigned"]
    assert mailed_to(svc, "agent2@example.com") == [
        f"[#{first.number}] Lagt på dig: A",
        f"[#{first.number}] Ändrat: A",
    ]
    assert len(mailed_to(svc, "agent1@example.com")) == 1
    (mail,) = [m for m in sent(svc) if "agent1@example.com" in m.recipients]
    body = message_from_bytes(mail.raw, policy=policy.default).get_body(("plain",))
    assert body is not None and f"/#/ticket/{second.id}" in body.get_content()  # the UI route


def test_the_owner_at_the_change_hears_of_it_even_if_the_ticket_moved_on_since(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent2"})
    tickets.add_note(svc, people["dispatcher"], ticket.id, {"text": "Ring kunden"})
    assignment.assign_tickets(
        svc, people["dispatcher"], {"ticket_ids": [ticket.id], "agent_id": "agent1"}
    )

    drain_stream(svc)  # the consumer runs after all three changes

    assert kinds(svc, "agent2") == ["assigned", "changed"]  # the note was on agent2's ticket
    assert kinds(svc, "agent1") == ["assigned"]


def test_one_change_split_over_two_batches_is_one_notice_of_its_weightiest_kind(
    svc: Services, people: dict[str, User]
) -> None:
    from chalicelib.adapters.dynamodb.stream import lambda_record
    from chalicelib.api import events

    ticket = tickets.create_ticket(svc, people["dispatcher"], {"title": "X"})
    svc.tickets.take_stream()  # type: ignore[attr-defined]
    tickets.update_ticket(
        svc, people["dispatcher"], ticket.id, {"agent_id": "agent2", "priority": "high"}
    )
    change = svc.tickets.take_stream()  # type: ignore[attr-defined]
    assert len(change) >= 2 and {s.change for s in change} == {ticket.version + 1}
    records = [lambda_record(s, f"{n:021d}") for n, s in enumerate(change, start=500)]

    # Lambda's batch boundary falls inside the change: each part alone tells the whole
    for part in (records[:1], records[1:]):
        assert events.handle(svc, {"Records": part}) == {"batchItemFailures": []}

    notices = svc.notifications.for_user("agent2").items
    assert [(n.kind.value, sorted(n.events)) for n in notices] == [
        ("assigned", sorted(s.event.type for s in change))
    ]
    assert len(mailed_to(svc, "agent2@example.com")) == 1


def test_records_that_are_not_new_events_are_skipped_and_the_rest_handled(
    svc: Services, people: dict[str, User]
) -> None:
    from chalicelib.adapters.dynamodb.stream import lambda_record
    from chalicelib.api import events

    tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent2"})
    (stored,) = svc.tickets.take_stream()  # type: ignore[attr-defined]
    removed = lambda_record(stored, "1", event_name="REMOVE")  # a TTL deletion
    garbage = {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "2", "NewImage": {"x": 1}}}
    not_a_record = "nonsense"
    good = lambda_record(stored, "3")

    answer = events.handle(svc, {"Records": [removed, garbage, not_a_record, good]})

    assert answer == {"batchItemFailures": []}
    assert kinds(svc, "agent2") == ["assigned"]


def test_an_agent_working_their_own_ticket_reads_nothing_to_decide_so(
    svc: Services, people: dict[str, User]
) -> None:
    ticket = tickets.create_ticket(svc, people["agent1"], {"title": "Mitt"})
    tickets.add_note(svc, people["agent1"], ticket.id, {"text": "Klart"})
    svc.stats = None  # statistics read the ticket for counters of their own (issue 14)
    svc.search_index = None  # and the search index a new ticket's title (issue 15)
    reads: list[str] = []
    real_get = svc.tickets.get
    svc.tickets.get = lambda ticket_id: reads.append(ticket_id) or real_get(ticket_id)  # type: ignore[method-assign]

    drain_stream(svc)

    assert reads == [] and kinds(svc, "agent1") == []
