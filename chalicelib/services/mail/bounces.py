"""Delivery status notifications (bounces) at intake (S5, S8): the address is marked, the
report joins the ticket of the message it returns."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.services.context import Services
from chalicelib.services.mail import threading as mail_threading
from chalicelib.services.mail.events import record_inbound


def file_delivery_report(
    svc: Services,
    msg: InboundMessage,
    entry: MailLogEntry,
    ticket_id: str | None,
    own: mail_threading.OwnKeys,
    now: datetime,
) -> MailLogEntry:
    """A DSN: a permanent failure marks the address as bouncing (no more automatic mail to
    it); the report joins the ticket of the mail it returns, once however often delivered."""
    assert msg.dsn is not None
    if msg.dsn.permanent and msg.dsn.final_recipient:
        # Automatic mail to this address stops (outbound checks the bounce key).
        svc.lookups.put(
            # Some servers write the address as ``rfc822; <user@example.org>``.
            mail_threading.bounce_key(msg.dsn.final_recipient.strip().strip("<>")),
            f"{msg.dsn.status} {msg.dsn.diagnostic or ''}".strip()[:500],
        )
    if ticket_id is None:
        return replace(
            entry, outcome=Outcome.IGNORED, reason="delivery report for a message we do not know"
        )
    claims = own.claims(ticket_id)
    for attempt in range(3):
        ticket = svc.tickets.get(ticket_id)
        event_id = new_ulid(now)
        record_inbound(svc, msg, entry, ticket, event_id, own.message_id, "bounce", "email", now)
        try:
            svc.tickets.save(ticket, claims=claims)
            return replace(
                entry,
                outcome=Outcome.APPENDED,
                ticket_id=ticket.id,
                event_id=event_id,
                threading_rule="bounce",
                reason=f"delivery failed ({msg.dsn.status})"
                if msg.dsn.permanent
                else f"delivery delayed ({msg.dsn.status})",
            )
        except ConflictError:
            found = svc.lookups.get_many([*own.keys(), own.copy()])
            if own.delivered_before(found) is not None or attempt == 2:
                return replace(entry, outcome=Outcome.IGNORED, reason="duplicate delivery report")
    raise AssertionError("unreachable")
