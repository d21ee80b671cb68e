"""Where a received mail belongs before threading: is it our own, which response
point owns its recipients, and may a reply still reopen a closed ticket."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory
from chalicelib.services.context import MailSettings, Services

# Big public mailbox providers: their many unrelated users must not share one cap.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        *("gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com"),
        *("hotmail.se", "live.se", "outlook.se", "yahoo.com", "yahoo.se", "ymail.com"),
        *("icloud.com", "me.com", "mac.com", "aol.com", "gmx.com", "gmx.net", "gmx.de"),
        *("web.de", "proton.me", "protonmail.com", "pm.me", "zoho.com", "mail.com"),
        *("yandex.ru", "yandex.com", "mail.ru", "qq.com", "163.com", "126.com", "naver.com"),
        *("telia.com", "bredband.net", "spray.se", "comhem.se", "tele2.se", "bahnhof.se"),
    }
)


def is_our_own(svc: Services, msg: InboundMessage, message_id: str) -> bool:
    domain = svc.mail.message_id_domain.lower()
    return message_id.lower().endswith("@" + domain) or bool(
        msg.loop_header and domain in msg.loop_header.lower()
    )


def response_point_for(svc: Services, recipients: list[str]) -> ResponsePoint:
    """The response point owning one of the addresses, else the default.

    Plus tags (our reply token, a sender's own) are taken off one by one and the
    closest match wins, so ``support+billing+t10001.<sig>@`` finds the response
    point of ``support+billing@`` even when another one owns ``support@``.
    """
    points = directory.response_points(svc)
    owners = {email: rp for rp in points for email in rp.emails}
    best: tuple[int, ResponsePoint] | None = None
    for address in recipients:
        for stripped, form in enumerate(address_forms(address)):
            if form in owners:
                if best is None or stripped < best[0]:
                    best = (stripped, owners[form])
                break
    if best is not None:
        return best[1]
    default = directory.settings(svc).default_response_point_id
    for rp in points:
        if rp.id == default:
            return rp
    if points:
        return points[0]
    raise ValidationError("no response point is set up to receive mail")


def address_forms(address: str) -> list[str]:
    """``a+b+c@d`` -> ``a+b+c@d``, ``a+b@d``, ``a@d``: fewer and fewer plus tags."""
    local, _, domain = address.strip().lower().rpartition("@")
    forms = [f"{local}@{domain}"]
    while "+" in local:
        local = local.rpartition("+")[0]
        forms.append(f"{local}@{domain}")
    return forms


def within_reopen_window(svc: Services, ticket: Ticket, now: datetime) -> bool:
    if ticket.status is Status.RESOLVED or ticket.closed_at is None:
        return True
    days = directory.response_point(svc, ticket.response_point_id).reopen_window_days
    return now - ticket.closed_at <= timedelta(days=days)


def automatic_mail_counters(
    mail: MailSettings, address: str, now: datetime
) -> list[tuple[str, int]]:
    """The hourly counters one automatic mail to ``address`` counts against, with caps:
    the mailbox with its plus tags folded (``bot+7@x`` is ``bot@x``), and its domain
    unless that is a public provider."""
    mailbox = address_forms(address)[-1]
    hour = f"{now:%Y%m%d%H}"
    counters = [(f"automail:{mailbox}:{hour}", mail.auto_mail_per_hour)]
    domain = mailbox.rpartition("@")[2]
    if domain not in PUBLIC_MAIL_DOMAINS:
        counters.append((f"automail-domain:{domain}:{hour}", mail.auto_mail_per_domain_per_hour))
    return counters
