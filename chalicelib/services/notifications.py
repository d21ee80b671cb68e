"""Agent notifications (S16): after a change to a ticket, its owner (or the agent it was
handed to) is told — stored for the badge, and by e-mail — as each user chooses.

Driven by the TicketEvents stream (``services/event_stream``): the events of one stored
change come here once the change is committed, so a failed write notifies nobody, and a
failure here (a mailer down) is retried from the stream without touching the change.
Redelivery is harmless: a notice's id is fixed per (user, ticket, change) and stored only
if new, and its mail is claimed on the stored notice before it is sent.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels.email.mime_out import (
    OutboundMail,
    build_message,
    make_message_id,
    to_bytes,
)
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.ids import stable_ulid
from chalicelib.domain.notifications import (
    NoticeKind,
    Notification,
    StoredEvent,
    named_actor,
    notice_id,
    preference_of,
    recipients,
)
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, inputs
from chalicelib.services.context import Services
from chalicelib.services.mail import threading as mail_threading
from chalicelib.services.ports import OutgoingMail, Page
from chalicelib.services.rendering import language_of, render

logger = Logger(service="servit-notify")


def change_stored(svc: Services, change: list[StoredEvent]) -> int:
    """Tell whoever should hear of one stored change (all its events, oldest first).
    Returns how many notices were stored now (0 when a retry finds them there).

    Reads nothing when nobody is to be told (most changes: an agent working their own
    ticket); else the ticket (number, title) once, and per recipient their user record.
    Raises what should be retried (a store or the mailer failing)."""
    if not change:
        return 0
    last = change[-1]
    ticket_id = last.event.ticket_id
    ticket: Ticket | None = None
    owner = last.owner
    if last.change is None:  # an item from before events named their change: today's owner
        ticket = _ticket(svc, ticket_id)
        if ticket is None:
            return 0
        owner = ticket.agent_id
    found = recipients(owner, [s.event for s in change])
    if not found:
        return 0
    ticket = ticket or _ticket(svc, ticket_id)
    if ticket is None:
        return 0
    stored = 0
    the_id = notice_id([s.event for s in change])
    author = named_actor([s.event for s in change])
    for user_id, (kind, types) in found.items():
        stored += _tell(svc, user_id, kind, types, ticket, last, the_id, author)
    return stored


def _ticket(svc: Services, ticket_id: str) -> Ticket | None:
    try:
        return svc.tickets.get(ticket_id)
    except NotFoundError:  # gone (retention): nothing to tell
        logger.info("notice skipped: the ticket is gone", extra={"ticket_id": ticket_id})
        return None


def _tell(
    svc: Services,
    user_id: str,
    kind: NoticeKind,
    types: list[str],
    ticket: Ticket,
    last: StoredEvent,
    the_id: str,
    author: str,
) -> int:
    try:
        user = directory.user(svc, user_id)
    except NotFoundError:
        return 0
    if not user.active or preference_of(kind) not in user.notify:
        return 0
    notice = Notification(
        id=the_id,
        user_id=user.id,
        at=last.event.at,
        kind=kind,
        ticket_id=ticket.id,
        number=ticket.number,
        title=ticket.title,
        actor=author,  # issue 15: the customer for a customer's mail, not "system:mail"
        events=list(dict.fromkeys(types)),
    )
    added = svc.notifications.add(notice)  # False: stored by an earlier delivery
    if user.notify_email:
        _mail(svc, user, notice)
    return int(added)


def tell_alarm(
    svc: Services,
    user: User,
    ticket: Ticket,
    notice_id: str,
    *,
    at: Any,
    actor: str,
    trigger: str,
    why: str,
) -> bool:
    """A trigger's notify action (S7): the alarm in the user's notifications, and by mail
    if they take notices by mail. An alarm the admin set up reaches the user whatever they
    chose to hear of. ``notice_id`` is fixed per firing: True if stored now."""
    notice = Notification(
        id=notice_id,
        user_id=user.id,
        at=at,
        kind=NoticeKind.ALARM,
        ticket_id=ticket.id,
        number=ticket.number,
        title=ticket.title,
        actor=actor,
        events=["trigger_fired"],
    )
    added = svc.notifications.add(notice)
    if user.notify_email:
        _mail(svc, user, notice, detail=f"{trigger}: {why}")
    return added


def _mail(svc: Services, user: User, notice: Notification, *, detail: str = "") -> None:
    # Automatic mail: never to an address that bounces (S16, as for customers).
    if svc.lookups.get(mail_threading.bounce_key(user.email)) is not None:
        logger.info("notice not mailed: address bounces", extra={"user": user.id})
        return
    language = language_of(user.language.value)
    subjects = {
        ("sv", "assigned"): "Lagt på dig", ("sv", "message"): "Nytt meddelande",
        ("sv", "changed"): "Ändrat", ("en", "assigned"): "Handed to you",
        ("en", "message"): "New message", ("en", "changed"): "Changed",
        ("sv", "follow_up"): "Dags att följa upp", ("en", "follow_up"): "Time to follow up",
        ("sv", "alarm"): "Larm", ("en", "alarm"): "Alarm",
    }  # fmt: skip
    text = render(
        f"mail/agent_notice_{language}.txt.j2",
        agent=user.name,
        kind=notice.kind.value,
        number=notice.number,
        title=notice.title,
        actor=notice.actor,
        changes=", ".join(notice.events),
        detail=detail,
        link=f"{svc.mail.portal_base_url}/#/ticket/{notice.ticket_id}",  # the UI route
    )
    sender = f"servit@{svc.mail.message_id_domain}"
    mail = OutboundMail(
        from_addr=sender,
        from_name="ServIT",
        to=(user.email,),
        subject=f"[#{notice.number}] {subjects[(language, notice.kind.value)]}: {notice.title}",
        text=text,
        message_id=make_message_id(
            svc.mail.message_id_domain,
            stable_ulid(notice.at, f"{notice.id}#{notice.user_id}").lower(),
        ),
        date=notice.at,
        auto_submitted=True,
        loop_header=svc.mail.message_id_domain,
    )
    raw = to_bytes(build_message(mail))
    # Claimed on the stored notice before sending: a redelivered change mails nobody twice.
    if not svc.notifications.claim_mail(user.id, notice.id):
        return
    try:
        svc.mailer.send(OutgoingMail(sender, (user.email,), raw, mail.message_id.strip("<>")))
    except Exception:
        svc.notifications.release_mail(user.id, notice.id)  # the retry from the stream sends it
        raise


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
