"""Agent notifications over HTTP (S16): the badge count, the list, marking read, choices."""

from __future__ import annotations

from chalice.test import Client

import app
from chalicelib.adapters.dynamodb.stream import lambda_record
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.support import drain_stream


def test_the_badge_counts_unread_notices_until_they_are_read(api: Api, svc: Services) -> None:
    dispatcher, agent2 = api.as_user("dispatcher"), api.as_user("agent2")
    made = dispatcher.post("/api/tickets", {"title": "Ny skrivare", "agent_id": "agent2"})
    assert made.status == 201, made.body
    dispatcher.patch(f"/api/tickets/{made.body['id']}", {"priority": "high"})
    # Notices come from the TicketEvents stream, not from the request
    assert agent2.get("/api/me/notifications/count").body == {"unread": 0}
    drain_stream(svc)

    assert agent2.get("/api/me/notifications/count").body == {"unread": 2}
    listed = agent2.get("/api/me/notifications?unread=1").body
    assert [n["kind"] for n in listed["items"]] == ["changed", "assigned"]
    assert listed["items"][0]["number"] == made.body["number"] and listed["unread"] == 2
    assert agent2.post("/api/me/notifications/read", {"all": True}).body == {"marked": 2}
    assert agent2.get("/api/me/notifications/count").body == {"unread": 0}
    assert_error(agent2.post("/api/me/notifications/read", {}), 422)
    # Nobody else sees them
    assert api.as_user("agent1").get("/api/me/notifications").body["items"] == []


def test_an_agent_sets_what_they_are_notified_of(api: Api, svc: Services) -> None:
    agent2 = api.as_user("agent2")
    changed = agent2.patch("/api/me", {"notify": ["message"], "notify_email": False})
    assert changed.status == 200, changed.body
    assert (changed.body["notify"], changed.body["notify_email"]) == (["message"], False)
    assert_error(agent2.patch("/api/me", {"notify": ["everything"]}), 422)
    api.as_user("dispatcher").post("/api/tickets", {"title": "X", "agent_id": "agent2"})
    drain_stream(svc)
    assert agent2.get("/api/me/notifications/count").body == {"unread": 0}


def test_the_stream_lambda_turns_a_hand_over_into_the_agents_notice(
    api: Api, svc: Services
) -> None:
    """The consumer as Lambda runs it: Chalice's handler, invoked with a DynamoDB event."""
    made = api.as_user("dispatcher").post("/api/tickets", {"title": "Bläck", "agent_id": "agent1"})
    records = [
        lambda_record(s, f"{n:021d}")
        for n, s in enumerate(svc.tickets.take_stream(), start=1)  # type: ignore[attr-defined]
    ]
    with Client(app.app) as client:
        for _ in range(2):  # delivered twice: one notice
            answer = client.lambda_.invoke("ticket_events", {"Records": records})
            assert answer.payload == {"batchItemFailures": []}

    listed = api.as_user("agent1").get("/api/me/notifications").body
    assert [(n["kind"], n["number"], n["title"]) for n in listed["items"]] == [
        ("assigned", made.body["number"], "Bläck")
    ]
