"""Filing an inbound message of a conversation channel (SMS, Messenger, X), S1, S5.

Mail threads by Message-IDs and subject tags (services/mail/threading.py); a text or a
direct message has none of that: what ties it to a ticket is the conversation it belongs to
(``thread_key``: "sms:<response point>:<phone>", "<platform>:<conversation>"). A Lookups
item per thread names the conversation's latest ticket; a message joins that ticket while it
is open, or closed within the response point's reopen window (reopening it), else it opens a
new ticket, matched and routed by the same rules as mail (``routing.decide`` / ``apply``).

Idempotent on ``message_key`` ("inbound:<channel>:<provider id>"): it is claimed in the
same transaction that writes the message into the history, so a delivery SNS or a webhook
repeats finds it and changes nothing.

Requests: an appended message costs one BatchGetItem (message key + thread), one GetItem
(the ticket) and one TransactWriteItems; a new ticket also the number counter (UpdateItem),
the routing rules and response points (Config, cached per container) and, when it replaces
an older ticket of the thread, one PutItem to point the thread at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.statuses import Channel, Status
from chalicelib.domain.ticket import MAX_DESCRIPTION, MAX_TITLE, Ticket
from chalicelib.services import directory, routing
from chalicelib.services.context import Services
from chalicelib.services.tickets import FIRST_TICKET_NUMBER, TICKET_NUMBER_COUNTER

logger = Logger(service="servit-conversations")

# An event item must stay well under DynamoDB's 400 KB (as mail's MAX_BODY_CHARS).
MAX_TEXT_CHARS = 60_000


@dataclass(frozen=True)
class FiledInbound:
    """Where the message went: ``outcome`` "created" (a new ticket), "appended" (joined the
    thread's ticket; ``reopened`` if it was closed) or "duplicate" (filed before: the ids are
    the earlier filing's)."""

    outcome: str
    ticket_id: str
    event_id: str | None
    reopened: bool = False


def message_lookup_key(message_key: str) -> str:
    return f"inbound#{message_key}"


def thread_lookup_key(thread_key: str) -> str:
    return f"thread#{thread_key}"


def thread_ticket(svc: Services, thread_key: str) -> str | None:
    """The latest ticket of a conversation (agents' replies find the thread's ticket)."""
    return svc.lookups.get(thread_lookup_key(thread_key))


def system_actor(channel: Channel) -> str:
    return f"system:{channel.value}"


def file_inbound(
    svc: Services,
    msg: InboundMessage,
    *,
    channel: Channel,
    contact_id: str,
    response_point: ResponsePoint,
    message_key: str,
    thread_key: str | None,
    reopen_window: bool = True,
    extra: Mapping[str, Any] | None = None,
    organisation_id: str | None = None,
) -> FiledInbound:
    """File one received message (see the module's doc). ``reopen_window``: a closed
    ticket within the response point's reopen window takes the message (False: only open
    tickets do). ``extra`` goes into the message's history event (e.g. the sender's phone)."""
    keys = [message_lookup_key(message_key)]
    if thread_key:
        keys.append(thread_lookup_key(thread_key))
    found = svc.lookups.get_many(keys)
    for attempt in range(3):
        if (earlier := _filed_before(found, message_key)) is not None:
            return earlier
        now = svc.clock()
        ticket = _joinable(svc, found, thread_key, now, reopen_window)
        try:
            if ticket is not None:
                return _append(svc, msg, ticket, channel, message_key, now, extra)
            return _new_ticket(
                svc, msg, channel, contact_id, response_point, message_key, thread_key,
                found, now, extra, organisation_id,
            )  # fmt: skip
        except ConflictError:
            # The ticket changed a moment ago, the same message is being filed right now, or
            # another message of the thread opened a ticket first: read again and retry.
            if attempt == 2:
                raise
            found = svc.lookups.get_many(keys)
    raise AssertionError("unreachable")


def _filed_before(found: dict[str, str], message_key: str) -> FiledInbound | None:
    target = found.get(message_lookup_key(message_key))
    if target is None:
        return None
    ticket_id, _, event_id = target.partition("|")
    return FiledInbound("duplicate", ticket_id, event_id or None)


def _joinable(
    svc: Services,
    found: dict[str, str],
    thread_key: str | None,
    now: datetime,
    reopen_window: bool,
) -> Ticket | None:
    ticket_id = found.get(thread_lookup_key(thread_key)) if thread_key else None
    if not ticket_id:
        return None
    try:
        ticket = svc.tickets.get(ticket_id)
    except NotFoundError:
        return None
    if ticket.is_open:
        return ticket
    if reopen_window and within_reopen_window(svc, ticket, now):
        return ticket
    return None


def within_reopen_window(svc: Services, ticket: Ticket, now: datetime) -> bool:
    """A resolved ticket always reopens; a closed one within its response point's window."""
    if ticket.status is Status.RESOLVED or ticket.closed_at is None:
        return True
    days = directory.response_point(svc, ticket.response_point_id).reopen_window_days
    return now - ticket.closed_at <= timedelta(days=days)


def _append(
    svc: Services,
    msg: InboundMessage,
    ticket: Ticket,
    channel: Channel,
    message_key: str,
    now: datetime,
    extra: Mapping[str, Any] | None,
) -> FiledInbound:
    actor = system_actor(channel)
    reopened = False
    if not ticket.is_open:
        ticket.reopen(actor, now, reason=f"message by {channel.value} from {msg.from_name}")
        reopened = True
    elif ticket.status is Status.WITH_CONTACT:
        ticket.change_status(Status.OPEN, actor, now)  # the customer answered
    event = record_message_in(ticket, msg, channel, now, "thread", extra)
    claims = {message_lookup_key(message_key): f"{ticket.id}|{event.event_id}"}
    svc.tickets.save(ticket, claims=claims)
    return FiledInbound("appended", ticket.id, event.event_id, reopened)


def _new_ticket(
    svc: Services,
    msg: InboundMessage,
    channel: Channel,
    contact_id: str,
    rp: ResponsePoint,
    message_key: str,
    thread_key: str | None,
    found: dict[str, str],
    now: datetime,
    extra: Mapping[str, Any] | None,
    organisation_id: str | None = None,
) -> FiledInbound:
    actor = system_actor(channel)
    ticket = Ticket.open_new(
        actor=actor,
        id=new_ulid(now),
        number=svc.config.next_number(TICKET_NUMBER_COUNTER, FIRST_TICKET_NUMBER),
        title=(msg.subject.strip() or f"({channel.value})")[:MAX_TITLE],
        description=(msg.stripped_text or msg.text)[:MAX_DESCRIPTION],
        response_point_id=rp.id,
        contact_id=contact_id,
        organisation_id=organisation_id,
        channel=channel,
        created_at=now,
        updated_at=now,
    )
    # Matching rules and routing (S2, S3): for every new ticket, whatever the channel.
    decision = routing.decide(svc, routing.sample_of(msg, [], channel.value), rp)
    keep = [name for name in ("title", "description") if getattr(ticket, name)]
    routing.apply(svc, ticket, decision, actor, now, keep=keep)
    event = record_message_in(ticket, msg, channel, now, "new", extra)
    claims = {message_lookup_key(message_key): f"{ticket.id}|{event.event_id}"}
    previous = found.get(thread_lookup_key(thread_key)) if thread_key else None
    if thread_key and previous is None:
        # The thread's first ticket: its key is claimed with it (a second message of the
        # thread racing this one fails its claim, reads again and joins this ticket).
        claims[thread_lookup_key(thread_key)] = ticket.id
    svc.tickets.add(ticket, claims=claims)
    if thread_key and previous is not None:
        # The older ticket is past its reopen window: the thread goes on in the new one.
        svc.lookups.put(thread_lookup_key(thread_key), ticket.id)
    logger.info(
        "conversation ticket opened",
        extra={"ticket_id": ticket.id, "channel": channel.value, "follows": previous},
    )
    return FiledInbound("created", ticket.id, event.event_id)


def record_message_in(
    ticket: Ticket,
    msg: InboundMessage,
    channel: Channel,
    now: datetime,
    rule: str,
    extra: Mapping[str, Any] | None = None,
) -> TicketEvent:
    """The message in the history, in the shape mail's ``message_in`` has (the UI shows
    both alike): no HTML and no attachments on these channels."""
    text = msg.text[:MAX_TEXT_CHARS]
    data: dict[str, Any] = {
        "channel": channel.value,
        "from": msg.from_addr,
        "from_name": msg.from_name,
        "to": list(msg.to),
        "cc": [],
        "reply_to": [],
        "subject": msg.subject,
        "date": msg.date.isoformat() if msg.date else None,
        "message_id": msg.message_id,
        "in_reply_to": msg.in_reply_to,
        "references": [],
        "text": text,
        "html": "",
        "stripped_text": (msg.stripped_text or msg.text)[:MAX_TEXT_CHARS],
        "body_truncated": len(msg.text) > MAX_TEXT_CHARS,
        "attachments": [],
        "raw_key": "",
        "threading_rule": rule,
        "auto_reply": msg.auto_reply,
        "auto_reply_reasons": list(msg.auto_reply_reasons),
        "is_bulk": msg.is_bulk,
        "bounce": None,
        "problems": list(msg.problems),
        "size": msg.size,
        **(extra or {}),
    }
    return ticket.record_message(
        EventType.MESSAGE_IN,
        data,
        actor=msg.from_addr or system_actor(channel),
        now=now,
        event_id=new_ulid(now),
    )


__all__ = ["FiledInbound", "file_inbound", "thread_ticket", "within_reopen_window"]
