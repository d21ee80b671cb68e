"""List rows say "unread" (issue 15): never opened by this user, or changed since they last
opened it; the markers of a page's rows are read in one batch."""

from __future__ import annotations

import pytest

from chalicelib.adapters.live_memory import MemoryReadMarkers
from chalicelib.services.context import Services
from tests.api.apiclient import Api

LIST = "/api/ui/inboxes/group:kt-first/tickets"


@pytest.fixture
def markers(svc: Services) -> MemoryReadMarkers:
    svc.read_markers = MemoryReadMarkers()
    return svc.read_markers


def rows(client: Api, path: str = LIST) -> dict[str, dict[str, object]]:
    reply = client.get(path)
    assert reply.status == 200, reply.body
    return {str(t["id"]): t for t in reply.body["items"]}


def test_a_row_is_unread_until_opened_and_again_after_someone_else_changes_it(
    api: Api, markers: MemoryReadMarkers
) -> None:
    # Given two tickets in agent1's group
    dispatcher = api.as_user("dispatcher")
    first = dispatcher.post("/api/tickets", {"title": "Skrivaren", "group_id": "kt-first"}).body
    second = dispatcher.post("/api/tickets", {"title": "Nätet", "group_id": "kt-first"}).body
    agent = api.as_user("agent1")
    assert {i: r["unread"] for i, r in rows(agent).items()} == {first["id"]: True,
                                                                 second["id"]: True}  # fmt: skip

    # When agent1 opens the first
    assert agent.get(f"/api/tickets/{first['id']}").status == 200

    # Then only the second stays bold, for agent1 (not for agent2, who opened nothing)
    assert {i: r["unread"] for i, r in rows(agent).items()} == {first["id"]: False,
                                                                 second["id"]: True}  # fmt: skip
    assert all(r["unread"] for r in rows(api.as_user("agent2")).values())

    # When the dispatcher adds a note to the first, it is bold again for agent1
    assert dispatcher.post(f"/api/tickets/{first['id']}/notes", {"text": "Ringt"}).status == 201
    assert rows(agent)[first["id"]]["unread"] is True


def test_a_list_page_reads_its_rows_markers_in_one_batch(
    api: Api, markers: MemoryReadMarkers
) -> None:
    dispatcher = api.as_user("dispatcher")
    for n in range(5):
        dispatcher.post("/api/tickets", {"title": f"Ärende {n}", "group_id": "kt-first"})
    before = markers.batches
    for path in (LIST, "/api/inboxes/group:kt-first/tickets", "/api/tickets?group=kt-first"):
        assert len(rows(api.as_user("agent1"), path)) == 5
    assert markers.batches - before == 3  # one per page, not one per row


def test_rows_say_whether_the_customer_replied(api: Api, markers: MemoryReadMarkers) -> None:
    made = api.as_user("dispatcher").post("/api/tickets", {"title": "X", "group_id": "kt-first"})
    assert rows(api.as_user("agent1"))[made.body["id"]]["customer_replied"] is False


def test_a_bulk_change_keeps_the_rows_the_user_had_read_read(
    api: Api, markers: MemoryReadMarkers
) -> None:
    # Given two pool tickets, of which the dispatcher has opened only the first
    dispatcher = api.as_user("dispatcher")
    first = dispatcher.post("/api/tickets", {"title": "Läst", "group_id": "kt-first"}).body
    second = dispatcher.post("/api/tickets", {"title": "Oläst", "group_id": "kt-first"}).body
    assert dispatcher.get(f"/api/tickets/{first['id']}").status == 200
    agent = api.as_user("agent1")
    assert agent.get(f"/api/tickets/{first['id']}").status == 200

    # When the dispatcher raises both to high priority from the list
    done = dispatcher.post(
        "/api/tickets/bulk", {"ids": [first["id"], second["id"]], "changes": {"priority": "high"}}
    )
    assert done.status == 200 and done.body["done"] == 2, done.body

    # Then their own change leaves the read row read and the unread row bold
    seen = {i: r["unread"] for i, r in rows(dispatcher).items()}
    assert seen == {first["id"]: False, second["id"]: True}
    # And for agent1, who had opened the first before the change, the change is news
    assert rows(agent)[first["id"]]["unread"] is True
