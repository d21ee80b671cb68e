"""Issue 15, list rows: "customer replied" is kept on the ticket as messages are recorded:
the last message is the customer's, after an agent's reply (automatic mails are no reply)."""

from __future__ import annotations

import pytest

from chalicelib.domain.events import EventType
from chalicelib.domain.ids import new_ulid
from tests.unit.domain.builders import NOW, build_ticket

IN, OUT = EventType.MESSAGE_IN, EventType.MESSAGE_OUT
AUTO = "auto"  # a message_out marked automatic (the acknowledgement of a new ticket)


@pytest.mark.parametrize(
    ("messages", "replied"),
    [
        ([IN], False),
        ([IN, AUTO], False),
        ([IN, AUTO, IN], False),
        ([IN, OUT], False),
        ([IN, OUT, IN], True),
        ([IN, OUT, IN, IN], True),
        ([IN, OUT, IN, OUT], False),
        ([IN, OUT, IN, AUTO], True),
    ],
    ids=[
        "request only",
        "acknowledged",
        "second mail before any reply",
        "answered",
        "customer answered the reply",
        "customer wrote twice",
        "answered again",
        "an automatic mail is no answer",
    ],
)
def test_customer_replied_follows_the_last_message(messages: list[object], replied: bool) -> None:
    ticket = build_ticket()
    for kind in messages:
        if kind == AUTO:
            ticket.record_message(OUT, {"automatic": True}, actor="system", now=NOW,
                                  event_id=new_ulid(NOW))  # fmt: skip
        else:
            actor = "kund@example.se" if kind == IN else "agent1"
            ticket.record_message(kind, {}, actor=actor, now=NOW, event_id=new_ulid(NOW))  # type: ignore[arg-type]
    assert ticket.customer_replied is replied
