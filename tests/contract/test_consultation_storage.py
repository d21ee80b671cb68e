"""Consultations (S6) stored on their ticket read back as written, on the fake and on
DynamoDB Local; and what each step of one consultation costs in DynamoDB requests there
(the figures in docs/performance.md, "External consultation")."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from bench.counting import RequestCounter
from chalicelib.adapters.dynamodb.models import ALL_MODELS
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import Status
from chalicelib.services import tickets
from chalicelib.services.consultation import flow as consultation_flow
from chalicelib.services.consultation import use_cases as consultations
from chalicelib.services.context import Services
from tests.support import FrozenClock, seed_helpdesk


def _asking(svc: Services, **body: Any) -> tuple[User, str, str]:
    agent = seed_helpdesk(svc)["agent1"]
    ticket = tickets.create_ticket(
        svc, agent, {"title": f"Fråga {uuid.uuid4().hex[:6]}", "agent_id": agent.id,
                     "group_id": "kt-first"},
    )  # fmt: skip
    asked = consultations.ask(
        svc, agent, ticket.id, {"to": "lev@lev.example", "text": "Leveransdag?", **body}
    )
    return agent, ticket.id, asked.id


def test_a_consultation_reads_back_as_written(any_services: Services) -> None:
    _, ticket_id, consultation_id = _asking(any_services, remind_after_hours=0.01, reminders=3)

    ticket = any_services.tickets.get(ticket_id)

    [c] = ticket.consultations
    assert (c.id, c.seq, c.to, c.remind_after_hours, c.reminders) == (
        consultation_id, 1, "lev@lev.example", 0.01, 3,
    )  # fmt: skip
    assert c.is_open and ticket.status is Status.WITH_EXTERNAL
    assert (c.deadline - c.asked_at).total_seconds() == 36


def test_each_step_costs_a_few_requests_on_dynamodb(
    dynamo_services: Services, clock: FrozenClock
) -> None:
    svc = dynamo_services
    seed_helpdesk(svc)
    counter = RequestCounter()
    counter.attach_models(ALL_MODELS)

    def cost(action: Callable[[], Any]) -> dict[str, int]:
        before = counter.usage()
        action()
        return counter.usage().minus(before).by_operation()

    agent, ticket_id, consultation_id = _asking(svc, reminders=1)  # warms the config cache
    asked = cost(lambda: consultations.ask(svc, agent, ticket_id, {"to": "x@lev.example",
                                                                    "text": "Och?"}))  # fmt: skip
    stored = svc.tickets.change_events(ticket_id, svc.tickets.get(ticket_id).version)
    arm = cost(lambda: consultation_flow.arm(svc, stored))  # StartExecution only
    step = {"ticket_id": ticket_id, "consultation_id": consultation_id, "round": 0}
    wait = cost(lambda: consultation_flow.wait(svc, {**step, "token": "t0"}))
    clock.advance(hours=24)
    remind = cost(lambda: consultation_flow.timeout(svc, step))
    clock.advance(hours=24)
    hand_back = cost(lambda: consultation_flow.timeout(svc, {**step, "round": 1}))
    listed = cost(lambda: consultations.open_list(svc, agent, {}))
    second = svc.tickets.get(ticket_id).consultations[1].id
    consultation_flow.wait(svc, {**step, "consultation_id": second, "token": "t1"})
    consultations.cancel(svc, agent, ticket_id, second, {})
    ended = svc.tickets.change_events(ticket_id, svc.tickets.get(ticket_id).version)
    complete = cost(lambda: consultation_flow.arm(svc, ended))  # + SendTaskSuccess

    print({"ask": asked, "arm": arm, "wait": wait, "remind": remind, "hand_back": hand_back,
           "list": listed, "complete": complete})  # fmt: skip
    assert arm == {}
    assert complete == {"GetItem": 1}
    assert wait == {"GetItem": 1, "TransactWriteItems": 1}
    assert remind["TransactWriteItems"] == 1 and remind["Query"] == 1
    assert hand_back["TransactWriteItems"] == 1 and "Query" not in hand_back
    assert listed["Query"] == 1  # and the response point, once per container (visibility)
    assert svc.tickets.get(ticket_id).status is Status.OPEN  # both ended
