"""Agent notifications (S16): an agent is told of new messages, assignments and changes on
their tickets — in the UI and by e-mail — as they choose, and never of their own doing."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from chalicelib.domain.organisation import User
from chalicelib.services import assignment, auth, mail_threading, notifications, tickets
from chalicelib.services.context import Services
from tests.unit.mail.flows import deliver, mail_file, quote_reply, sent

pytestmark = pytest.mark.usefixtures("people")


def kinds(svc: Services, user_id: str) -> list[str]:
    page = svc.notifications.for_user(user_id, limit=100)
    return [n.kind.value for n in reversed(page.items)]


def mailed_to(svc: Services, address: str) -> list[str]:
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
    from chalicelib.services.outbound import send_reply

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
    assert svc.notifications.unread_count("agent2") == 1


def test_reading_notifications_clears_the_badge(svc: Services, people: dict[str, User]) -> None:
    for title in ("A", "B", "C"):
        tickets.create_ticket(svc, people["dispatcher"], {"title": title, "agent_id": "agent2"})
    agent2 = people["agent2"]
    page, unread = notifications.my_notifications(
        svc, agent2, unread_only=True, limit=10, cursor=None
    )
    assert unread == 3 and [n.title for n in page.items] == ["C", "B", "A"]
    assert notifications.mark_read(svc, agent2, {"ids": [page.items[0].id]}) == 1
    assert notifications.unread_count(svc, agent2) == 2
    assert notifications.mark_read(svc, agent2, {"all": True}) == 2
    assert notifications.unread_count(svc, agent2) == 0


def test_a_failing_mailer_does_not_undo_the_change_it_reports(
    svc: Services, people: dict[str, User]
) -> None:
    svc.mailer.fail_with = OSError("smtp down")  # type: ignore[attr-defined]
    ticket = tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "agent_id": "agent2"})
    assert svc.tickets.get(ticket.id).agent_id == "agent2"
