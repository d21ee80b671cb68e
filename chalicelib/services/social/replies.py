"""An agent answers on Messenger or X from the ticket (S1).

``POST /api/tickets/{id}/replies`` with ``"channel": "facebook"`` or ``"x"``: the reply
goes to the person and page/account of the ticket's latest message on that platform (the
ids are on its history event), through ``svc.social`` (Graph API / X API), and is recorded
as a ``message_out`` event. The platform's refusal (Messenger's 24-hour window, a person
who blocked us) reaches the agent as a 422 and nothing is recorded."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import ConflictError, UnavailableError, ValidationError
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import User
from chalicelib.domain.social import MAX_REPLY_CHARS, PLATFORMS
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import inputs, metrics, reply_picks
from chalicelib.services.context import Services
from chalicelib.services.ports import OutgoingSocial
from chalicelib.services.ticket_access import writable_ticket

logger = Logger(service="servit-social")

REPLY_KEYS = {"channel", "text", "ask_customer", *reply_picks.KEYS}


def is_social_reply(body: Any) -> bool:
    return isinstance(body, dict) and body.get("channel") in PLATFORMS


def send_reply(svc: Services, actor: User, ticket_id: str, body: Any) -> TicketEvent:
    data = inputs.require_object(body)
    inputs.only_keys(data, REPLY_KEYS)
    platform = str(data.get("channel"))
    if platform not in PLATFORMS:
        raise ValidationError("channel must be facebook or x here")
    text = (inputs.text(data, "text", max_len=MAX_REPLY_CHARS[platform]) or "").strip()
    if not text:
        raise ValidationError("a reply needs text")
    ask = data.get("ask_customer", False)
    if not isinstance(ask, bool):
        raise ValidationError("ask_customer must be true or false")
    ticket = writable_ticket(svc, actor, ticket_id, None)
    after = reply_picks.plan_reply(svc, actor, ticket, data, ask=ask)  # issue 15
    account, recipient = conversation_of(svc, ticket, platform)
    if svc.social is None:
        raise UnavailableError("replies on social channels are not set up here")
    now = svc.clock()
    event_id = new_ulid(now)
    provider_id = svc.social.send(
        OutgoingSocial(platform, account, recipient, text, reference=event_id)
    )
    event_data = {
        "channel": platform,
        "from": "",
        "from_name": actor.name,
        "to": [f"{platform}:{recipient}"],
        "cc": [],
        "bcc": [],
        "subject": "",
        "text": text,
        "html": "",
        "attachments": [],
        "social_account": account,
        "social_recipient": recipient,
        "provider_id": provider_id,
        "automatic": False,
        "asked_customer": ask,
        "agent": actor.id,
    }
    event = _record(svc, ticket, event_data, actor.id, event_id, ask, after)
    metrics.count(metrics.REPLIES_SENT)
    logger.info("social reply sent", extra={"ticket_id": ticket.id, "platform": platform})
    return event


def conversation_of(svc: Services, ticket: Ticket, platform: str) -> tuple[str, str]:
    """(our page or account, the person) of the ticket's latest message on ``platform``."""
    for event in reversed(svc.tickets.events(ticket.id)):
        if event.type != EventType.MESSAGE_IN or event.data.get("channel") != platform:
            continue
        account, sender = event.data.get("social_account"), event.data.get("social_sender")
        if isinstance(account, str) and isinstance(sender, str) and account and sender:
            return account, sender
    raise ValidationError(
        f"this ticket has no {platform} conversation to answer", code="no_conversation"
    )


def _record(
    svc: Services,
    ticket: Ticket,
    data: dict[str, Any],
    actor: str,
    event_id: str,
    ask: bool,
    after: reply_picks.AfterSent,
) -> TicketEvent:
    """The reply is out: record it, retrying on a concurrent change so the history keeps it."""
    now = svc.clock()
    for attempt in range(5):
        event = ticket.record_message(
            EventType.MESSAGE_OUT, data, actor=actor, now=now, event_id=event_id
        )
        if ask and ticket.is_open and ticket.status is not Status.WITH_CONTACT:
            ticket.change_status(Status.WITH_CONTACT, actor, now)
        after(ticket, now)  # the pick and the status, in the reply's save
        try:
            svc.tickets.save(ticket)
            return event
        except ConflictError:
            if attempt == 4:
                raise
            ticket = svc.tickets.get(ticket.id)
    raise AssertionError("unreachable")
