"""External consultation over HTTP (S6): ask, list, answer for them, cancel; the open list of
an agent and a group; the saved external parties."""

from __future__ import annotations

from typing import Any

from chalicelib.services.context import Services
from tests.api.apiclient import Api
from tests.support import drain_stream


def _ticket(api: Api) -> str:
    made = api.as_user("agent1").post(
        "/api/tickets",
        {"title": "Fel på fakturan", "group_id": "kt-first", "agent_id": "agent1",
         "contact": {"email": "kund@example.se"}},
    )  # fmt: skip
    assert made.status == 201, made.body
    return str(made.body["id"])


def _ask(api: Api, ticket_id: str, **body: Any) -> Any:
    given = {"to": "ekonomi@lev.example", "text": "Stämmer beloppet?", **body}
    return api.as_user("agent1").post(f"/api/tickets/{ticket_id}/consultations", given)


def test_asking_answers_201_with_the_id_and_status_and_the_ticket_waits(api: Api) -> None:
    ticket_id = _ticket(api)

    asked = _ask(api, ticket_id, remind_after_hours=0.01, reminders=2)

    assert asked.status == 201, asked.body
    assert asked.body["status"] == "open" and asked.body["id"]
    assert asked.body["remind_after_hours"] == 0.01 and asked.body["reminders"] == 2
    assert "task_token" not in asked.body
    ticket = api.as_user("agent1").get(f"/api/tickets/{ticket_id}").body
    assert ticket["status"] == "with_external"
    assert "consultation_sent" in [e["type"] for e in ticket["events"]]
    listed = api.as_user("agent1").get(f"/api/tickets/{ticket_id}/consultations").body["items"]
    assert [c["id"] for c in listed] == [asked.body["id"]]


def test_answer_for_them_and_cancel_end_the_consultation(api: Api) -> None:
    ticket_id = _ticket(api)
    first = _ask(api, ticket_id).body["id"]
    second = _ask(api, ticket_id, to="lab@expert.example").body["id"]
    agent = api.as_user("agent1")

    answered = agent.post(
        f"/api/tickets/{ticket_id}/consultations/{first}/answer", {"text": "Ja, per telefon"}
    )
    still = agent.get(f"/api/tickets/{ticket_id}").body["status"]
    cancelled = agent.post(f"/api/tickets/{ticket_id}/consultations/{second}/cancel", {})
    again = agent.post(f"/api/tickets/{ticket_id}/consultations/{second}/cancel", {})

    assert answered.status == 200 and answered.body["type"] == "external_answer"
    assert still == "with_external"
    assert cancelled.status == 200
    assert again.status == 409 and again.error == "consultation_ended"
    assert agent.get(f"/api/tickets/{ticket_id}").body["status"] == "open"
    states = {c["id"]: c["status"] for c in agent.get(
        f"/api/tickets/{ticket_id}/consultations").body["items"]}  # fmt: skip
    assert states == {first: "answered", second: "cancelled"}


def test_the_open_list_per_agent_and_group(api: Api) -> None:
    ticket_id = _ticket(api)
    asked = _ask(api, ticket_id).body["id"]

    mine = api.as_user("agent1").get("/api/consultations").body["items"]
    group = api.as_user("agent2").get("/api/consultations?group_id=kt-first").body["items"]
    others = api.as_user("agent2").get("/api/consultations?agent_id=agent1")

    assert [(c["id"], c["ticket"]["id"]) for c in mine] == [(asked, ticket_id)]
    assert [c["id"] for c in group] == [asked]
    assert others.status == 404  # an agent lists their own, or a group's


def test_a_saved_external_party_is_chosen_by_id(api: Api, svc: Services) -> None:
    admin = api.as_user("admin")
    saved = admin.post(
        "/api/admin/external-parties",
        {"id": "tryckeriet", "name": "Tryckeriet AB", "email": "order@tryckeriet.example"},
    )
    assert saved.status == 201, saved.body
    parties = api.as_user("agent1").get("/api/external-parties").body["items"]
    ticket_id = _ticket(api)

    asked = _ask(api, ticket_id, to=None, party_id="tryckeriet")

    assert parties == [
        {"id": "tryckeriet", "name": "Tryckeriet AB", "email": "order@tryckeriet.example"}
    ]
    assert asked.status == 201, asked.body
    assert asked.body["to"] == "order@tryckeriet.example"
    assert asked.body["to_name"] == "Tryckeriet AB"
    assert admin.delete("/api/admin/external-parties/tryckeriet").status == 200


def test_bad_asks_are_422_and_send_nothing(api: Api, svc: Services) -> None:
    ticket_id = _ticket(api)
    before = len(svc.mailer.sent)  # type: ignore[attr-defined]

    replies = [
        _ask(api, ticket_id, remind_after_hours="soon"),
        _ask(api, ticket_id, remind_after_hours=0.001),
        _ask(api, ticket_id, reminders=True),
        _ask(api, ticket_id, text=" "),
        _ask(api, ticket_id, to=None),
        _ask(api, ticket_id, party_id="finns-inte", to=None),
        _ask(api, ticket_id, unknown=1),
    ]

    assert [r.status for r in replies] == [422] * 7
    assert len(svc.mailer.sent) == before  # type: ignore[attr-defined]
    drain_stream(svc)
