"""One contract for the notification store, on the in-memory fake and DynamoDB Local."""

from __future__ import annotations

from chalicelib.domain.ids import new_ulid
from chalicelib.domain.notifications import NoticeKind, Notification
from chalicelib.services.context import Services
from tests.support import FrozenClock


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
