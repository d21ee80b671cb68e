"""What a firing trigger does outside the ticket (S7): SMS and e-mail alarms, and notices
to agents. Each send is claimed in Lookups before it goes (keyed by the firing and the
recipient), and the claim given back if the send fails: a firing retried from the stream
sends only what did not go the first time.

The ticket's own actions (set priority, set group) are in ``firing``: they are written
with the firing's history record, in one conditional save.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
from chalicelib.domain.organisation import User
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.triggers import ActionType, Trigger, describe
from chalicelib.services import directory, notifications
from chalicelib.services.context import Services
from chalicelib.services.mail.threading import bounce_key
from chalicelib.services.ports import OutgoingMail, OutgoingSms
from chalicelib.services.rendering import render

logger = Logger(service="servit-triggers")

MAX_SMS_TEXT = 300  # two concatenated GSM-7 parts, about; an alarm says little


@dataclass(frozen=True)
class Firing:
    """One trigger firing on one event of a ticket: what the actions need to know."""

    key: str  # the Lookups claim naming the firing: "trigger:<id>:<event id>"
    trigger: Trigger
    ticket: Ticket
    reasons: tuple[dict[str, str], ...]
    language: str  # the response point's: sv or en
    at: datetime  # when the event it fired on happened: stable ids are made from it

    @property
    def why(self) -> str:
        return describe(self.reasons, self.language)


def run_outside(svc: Services, firing: Firing) -> list[dict[str, Any]]:
    """Every SMS, e-mail and notify action of the trigger; returns what each did. Raises
    what should be retried from the stream (a sender down)."""
    outcomes = []
    for n, action in enumerate(firing.trigger.actions):
        kind = action["type"]
        if kind == ActionType.SMS:
            outcomes.append(_sms(svc, firing, n, action["to"]))
        elif kind == ActionType.EMAIL:
            outcomes.append(_email(svc, firing, n, action["to"]))
        elif kind == ActionType.NOTIFY:
            outcomes.append(_notify(svc, firing, action))
    return outcomes


def _claimed_send(svc: Services, key: str, target: str, send: Any) -> bool:
    """Send once: False when an earlier delivery of the change sent it already."""
    if not svc.lookups.claim(key, target):
        return False
    try:
        send()
    except Exception:
        svc.lookups.release(key, target)  # the retry from the stream sends it
        raise
    return True


def sms_text(firing: Firing) -> str:
    t = firing.ticket
    label = "Larm" if firing.language == "sv" else "Alarm"
    text = f"ServIT {label}: {firing.trigger.name}. #{t.number} {t.title}. {firing.why}"
    return text if len(text) <= MAX_SMS_TEXT else text[: MAX_SMS_TEXT - 1] + "…"


def _sms(svc: Services, firing: Firing, n: int, numbers: list[str]) -> dict[str, Any]:
    if svc.sms is None:
        logger.warning("SMS alarm not sent: SMS is not set up", extra={"firing": firing.key})
        return {"type": "sms", "to": numbers, "outcome": "not_set_up"}
    sender = svc.sms
    text = sms_text(firing)
    for number in numbers:
        message = OutgoingSms(to=number, text=text, reference=f"{firing.key}#{n}")
        _claimed_send(svc, f"{firing.key}#{n}#{number}", firing.ticket.id,
                      lambda m=message: sender.send(m))  # fmt: skip
    return {"type": "sms", "to": numbers, "outcome": "sent"}


def _email(svc: Services, firing: Firing, n: int, addresses: list[str]) -> dict[str, Any]:
    # Automatic mail: never to an address that bounces (S16).
    to = [a for a in addresses if svc.lookups.get(bounce_key(a)) is None]
    if not to:
        return {"type": "email", "to": addresses, "outcome": "bounces"}
    mail = _alarm_mail(svc, firing, n, to)
    raw = to_bytes(build_message(mail))
    outgoing = OutgoingMail(mail.from_addr, tuple(to), raw, mail.message_id.strip("<>"))
    _claimed_send(svc, f"{firing.key}#{n}", firing.ticket.id, lambda: svc.mailer.send(outgoing))
    return {"type": "email", "to": to, "outcome": "sent"}


def _alarm_mail(svc: Services, firing: Firing, n: int, to: list[str]) -> OutboundMail:
    t = firing.ticket
    label = "Larm" if firing.language == "sv" else "Alarm"
    text = render(
        f"mail/trigger_alarm_{firing.language}.txt.j2",
        trigger=firing.trigger.name,
        number=t.number,
        title=t.title,
        why=firing.why,
        link=f"{svc.mail.portal_base_url}/#/ticket/{t.id}",  # the agent UI's route
    )
    return OutboundMail(
        from_addr=f"servit@{svc.mail.message_id_domain}",
        from_name="ServIT",
        to=tuple(to),
        subject=f"[#{t.number}] {label}: {firing.trigger.name}: {t.title}",
        text=text,
        # The same id on every delivery of the change: a resend is one mail to the receiver.
        message_id=make_message_id(
            svc.mail.message_id_domain, stable_ulid(firing.at, f"{firing.key}#{n}").lower()
        ),
        date=svc.clock(),
        # Automatic, and ours: a mailbox that answers, or one of our own inbound addresses
        # on the list, cannot make a ticket that fires the trigger again (no loop).
        auto_submitted=True,
        loop_header=svc.mail.message_id_domain,
    )


def _notify(svc: Services, firing: Firing, action: dict[str, Any]) -> dict[str, Any]:
    users = _people(svc, action)
    # One id per firing (a ULID of the event's time): a retry tells nobody twice.
    notice_id = stable_ulid(firing.at, firing.key)
    for user in users:
        notifications.tell_alarm(
            svc, user, firing.ticket, notice_id, at=firing.at, actor=firing.trigger.actor,
            trigger=firing.trigger.name, why=firing.why,
        )  # fmt: skip
    target: dict[str, Any] = {k: action[k] for k in ("group_id", "agent_id") if k in action}
    return {"type": "notify", **target, "users": [u.id for u in users], "outcome": "sent"}


def _people(svc: Services, action: dict[str, Any]) -> list[User]:
    if action.get("agent_id"):
        try:
            agent = directory.user(svc, action["agent_id"])
        except NotFoundError:
            return []
        return [agent] if agent.active else []
    group = action.get("group_id")
    return [u for u in directory.users(svc) if u.active and group in u.groups]
