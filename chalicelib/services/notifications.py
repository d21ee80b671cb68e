"""Agent notifications (S16): after a change to a ticket, its owner (or the agent it was
handed to) is told — stored for the badge, and by e-mail — as each user chooses.

Called right after the change is stored (``saved``/``added`` wrap the repository), so
a failed write notifies nobody; a failure here never undoes the change it reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels.mime_out import OutboundMail, build_message, make_message_id, to_bytes
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.notifications import NoticeKind, Notification, recipients
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, inputs, mail_threading
from chalicelib.services.context import Services
from chalicelib.services.ports import OutgoingMail, Page
from chalicelib.services.rendering import language_of, render

logger = Logger(service="servit-notify")


def saved(svc: Services, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
    """``svc.tickets.save`` and then notify: use where a change may concern another agent."""
    events = list(ticket.pending_events)
    svc.tickets.save(ticket, claims=claims)
    ticket_changed(svc, ticket, events)


def added(svc: Services, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
    events = list(ticket.pending_events)
    svc.tickets.add(ticket, claims=claims)
    ticket_changed(svc, ticket, events)


def ticket_changed(svc: Services, ticket: Ticket, events: list[TicketEvent]) -> None:
    try:
        for user_id, (kind, types) in recipients(ticket, events).items():
            _tell(svc, user_id, kind, types, ticket, events[-1])
    except Exception:  # a notice must never undo (or fail) the change it reports
        logger.exception("notification failed", extra={"ticket_id": ticket.id})


def _tell(
    svc: Services,
    user_id: str,
    kind: NoticeKind,
    types: list[str],
    ticket: Ticket,
    last: TicketEvent,
) -> None:
    try:
        user = directory.user(svc, user_id)
    except NotFoundError:
        return
    if not user.active or kind.value not in user.notify:
        return
    now = svc.clock()
    notice = Notification(
        id=new_ulid(now),
        user_id=user.id,
        at=now,
        kind=kind,
        ticket_id=ticket.id,
        number=ticket.number,
        title=ticket.title,
        actor=last.actor,
        events=list(dict.fromkeys(types)),
    )
    svc.notifications.add(notice)
    if user.notify_email:
        _mail(svc, user, notice)


def _mail(svc: Services, user: User, notice: Notification) -> None:
    # Automatic mail: never to an address that bounces (S16, as for customers).
    if svc.lookups.get(mail_threading.bounce_key(user.email)) is not None:
        logger.info("notice not mailed: address bounces", extra={"user": user.id})
        return
    language = language_of(user.language.value)
    subjects = {
        ("sv", "assigned"): "Lagt på dig", ("sv", "message"): "Nytt meddelande",
        ("sv", "changed"): "Ändrat", ("en", "assigned"): "Handed to you",
        ("en", "message"): "New message", ("en", "changed"): "Changed",
    }  # fmt: skip
    text = render(
        f"mail/agent_notice_{language}.txt.j2",
        agent=user.name,
        kind=notice.kind.value,
        number=notice.number,
        title=notice.title,
        actor=notice.actor,
        changes=", ".join(notice.events),
        link=f"{svc.mail.portal_base_url}/#/tickets/{notice.ticket_id}",
    )
    sender = f"servit@{svc.mail.message_id_domain}"
    mail = OutboundMail(
        from_addr=sender,
        from_name="ServIT",
        to=(user.email,),
        subject=f"[#{notice.number}] {subjects[(language, notice.kind.value)]}: {notice.title}",
        text=text,
        message_id=make_message_id(svc.mail.message_id_domain, new_ulid(notice.at).lower()),
        date=notice.at,
        auto_submitted=True,
        loop_header=svc.mail.message_id_domain,
    )
    raw = to_bytes(build_message(mail))
    svc.mailer.send(OutgoingMail(sender, (user.email,), raw, mail.message_id.strip("<>")))


# --- the agent's own notifications (GET /api/me/notifications) ----------------------


def my_notifications(
    svc: Services, actor: User, *, unread_only: bool, limit: int, cursor: str | None
) -> tuple[Page[Notification], int]:
    page = svc.notifications.for_user(actor.id, unread_only=unread_only, limit=limit, cursor=cursor)
    return page, svc.notifications.unread_count(actor.id)


def unread_count(svc: Services, actor: User) -> int:
    return svc.notifications.unread_count(actor.id)


def mark_read(svc: Services, actor: User, body: Any) -> int:
    data = inputs.require_object(body)
    inputs.only_keys(data, {"ids", "all"})
    if data.get("all") is True:
        return svc.notifications.mark_read(actor.id)
    ids = inputs.string_list(data, "ids", max_items=100, max_len=40)
    if not ids:
        from chalicelib.domain.errors import ValidationError

        raise ValidationError('give "ids" or "all": true')
    return svc.notifications.mark_read(actor.id, ids)
