"""One contract for the notification store, on the in-memory fake and DynamoDB Local."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from chalicelib.domain.ids import new_ulid
from chalicelib.domain.notifications import NoticeKind, Notification
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.support import FrozenClock, seed_helpdesk


@pytest.fixture
def people(any_services: Services) -> dict[str, User]:
    return seed_helpdesk(any_services)


def notice(svc: Services, user_id: str, number: int) -> Notification:
    now = svc.clock()
    return Notification(new_ulid(now), user_id, now, NoticeKind.CHANGED, f"t{number}", number,
                        f"Ärende {number}", "agent1", ["note"])  # fmt: skip


def test_notifications_list_newest_first_page_by_page_per_user(
    any_services: Services, clock: FrozenClock
) -> None:
    for n in range(5):
        any_services.notifications.add(notice(any_services, "agent2", n))
        clock.advance(seconds=1)
    any_services.notifications.add(notice(any_services, "agent3", 99))
    first = any_services.notifications.for_user("agent2", limit=3)
    rest = any_services.notifications.for_user("agent2", limit=3, cursor=first.cursor)
    assert [n.number for n in first.items + rest.items] == [4, 3, 2, 1, 0]
    assert rest.cursor is None
    assert first.items[0].title == "Ärende 4" and first.items[0].events == ["note"]


def test_unread_count_and_marking_read(any_services: Services, clock: FrozenClock) -> None:
    made = []
    for n in range(4):
        made.append(notice(any_services, "agent2", n))
        any_services.notifications.add(made[-1])
        clock.advance(seconds=1)
    store = any_services.notifications
    assert store.unread_count("agent2") == 4
    assert store.mark_read("agent2", [made[0].id, "no-such-id"]) == 1
    assert store.mark_read("agent2", [made[0].id]) == 0  # twice is nothing
    assert store.unread_count("agent2") == 3
    assert [n.number for n in store.for_user("agent2", unread_only=True).items] == [3, 2, 1]
    assert store.mark_read("agent2") == 3
    assert store.unread_count("agent2") == 0
    assert all(n.read for n in store.for_user("agent2").items)


def test_a_notice_is_stored_once_and_its_mail_claimed_once(
    any_services: Services, clock: FrozenClock
) -> None:
    store = any_services.notifications
    made = notice(any_services, "agent2", 7)
    assert store.claim_mail("agent2", made.id) is False  # nothing stored to claim yet
    assert store.add(made) is True
    assert store.add(made) is False  # a redelivered change writes nothing twice
    assert store.mark_read("agent2", [made.id]) == 1
    assert store.add(made) is False and store.unread_count("agent2") == 0  # stays read
    assert store.claim_mail("agent2", made.id) is True
    assert store.claim_mail("agent2", made.id) is False  # mailed once
    store.release_mail("agent2", made.id)  # the send failed: a retry may mail it
    assert store.claim_mail("agent2", made.id) is True
    assert store.claim_mail("agent3", made.id) is False  # only the user's own notice


def test_the_events_of_one_change_are_read_back_with_their_change(
    any_services: Services, people: dict[str, User]
) -> None:
    from chalicelib.services import tickets

    made = tickets.create_ticket(any_services, people["dispatcher"], {"title": "X"})
    tickets.update_ticket(
        any_services, people["dispatcher"], made.id, {"agent_id": "agent2", "priority": "high"}
    )
    second = any_services.tickets.change_events(made.id, 2)
    assert len(second) >= 2
    assert {(s.change, s.size, s.owner) for s in second} == {(2, len(second), "agent2")}
    assert {s.event.type for s in second} >= {"assigned", "priority_changed"}
    (created,) = any_services.tickets.change_events(made.id, 1)
    assert (created.event.type, created.owner) == ("created", None)
    assert any_services.tickets.change_events(made.id, 3) == []


@pytest.mark.dynamodb
def test_the_local_poller_feeds_dynamodb_locals_stream_to_the_consumer(
    dynamo_services: Services, dynamodb_endpoint: str
) -> None:
    """The local stack's stream poller on DynamoDB Local's real stream: a hand-over made
    through the real repository reaches the agent as one notice and, once the mailer works
    again, one mail (the failed change is delivered again from the stream)."""
    from chalicelib.adapters.dynamodb.models import TicketEventModel
    from chalicelib.services import assignment, tickets
    from local.stream_poller import StreamPoller

    svc = dynamo_services
    people = seed_helpdesk(svc)
    mailer = svc.mailer
    mailer.fail_with = OSError("smtp down")  # type: ignore[attr-defined]
    table = TicketEventModel.Meta.table_name
    poller = StreamPoller(svc, dynamodb_endpoint, table, interval=0.1, retry_pause=0.5)
    poller.start()

    def mails() -> list[object]:
        return [m for m in mailer.sent if "agent2@example.com" in m.recipients]  # type: ignore[attr-defined]

    def wait(condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 20
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert condition()

    try:
        made = tickets.create_ticket(svc, people["dispatcher"], {"title": "Strömmen"})
        assignment.assign_tickets(
            svc, people["dispatcher"], {"ticket_ids": [made.id], "agent_id": "agent2"}
        )
        wait(lambda: svc.notifications.unread_count("agent2") == 1)
        time.sleep(1.2)  # redelivered at least once while the mailer fails
        assert mails() == [] and poller.batches >= 2
        mailer.fail_with = None  # type: ignore[attr-defined]
        wait(lambda: len(mails()) == 1)
        time.sleep(0.5)  # and nothing more arrives
    finally:
        poller.stop()
    (only,) = svc.notifications.for_user("agent2").items
    assert (only.kind.value, only.number, only.title) == ("assigned", made.number, "Strömmen")
    assert len(mails()) == 1
