"""Helpers for the mail-flow tests: raw mails from files, delivery into intake, sent mail.

Shared by tests/unit/mail and tests/api/mail. The mails live in
tests/fixtures/mail_flows/; ``$name`` placeholders are filled from DEFAULTS
and the test's own values.
"""

from __future__ import annotations

import hashlib
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from string import Template
from typing import Any, cast

from chalicelib.adapters.memory import InMemoryTicketRepository
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.mail_log import MailLogEntry
from chalicelib.domain.records import to_record
from chalicelib.services import directory
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake
from tests.support import drain_stream

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mail_flows"

DEFAULTS = {
    "sender": "anna.andersson@kund.example.se",
    "sender_name": "Anna Andersson",
    "to": "kundtjanst@example.com",
    "subject": "Skrivaren skriver tomma sidor",
    "message_id": "request-1@kund.example.se",
    "in_reply_to": "",
    "references": "",
    "reply_text": "Ja, det hjälpte inte. Nu blinkar en röd lampa.",
    "robot_header": "X-Mailer: Kundens e-post 1.0",
    "loop_header": "X-Mailer: ServIT",
    "recipient": "anna.andersson@kund.example.se",
    "original_id": "unknown@servit.test",
    "action": "failed",
    "status": "5.1.1",
    "diagnostic": "550 5.1.1 <anna.andersson@kund.example.se>: Recipient address rejected",
}


def mail_file(name: str, **values: str) -> bytes:
    """The raw mail in ``fixtures/mail_flows/<name>``, placeholders filled, CRLF line ends."""
    path = FIXTURES / name
    if path.suffix != ".eml":
        return path.read_bytes()
    filled = {
        **DEFAULTS,
        "return_path": f"<{values.get('sender', DEFAULTS['sender'])}>",
        "final_recipient": f"rfc822; {values.get('recipient', DEFAULTS['recipient'])}",
    }
    filled.update(values)
    text = Template(path.read_text(encoding="utf-8")).substitute(filled)
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def store_raw(svc: Services, raw: bytes, key: str | None = None) -> str:
    """Store the raw mail as SES would (S3 object); the key names one delivery."""
    key = key or f"inbound/{hashlib.sha256(raw).hexdigest()[:24]}"
    svc.blobs.put(key, raw, "message/rfc822")
    return key


def deliver(
    svc: Services, raw: bytes, recipients: list[str] | None = None, *, key: str | None = None
) -> MailLogEntry:
    """One delivery: stored first, then handed to intake with the envelope recipients; then,
    on the in-memory fakes, the TicketEvents stream is delivered to its consumer, as in AWS
    and the local stack (acknowledgements of new tickets and agents' notices go out there)."""
    entry = mail_intake.ingest(
        svc, store_raw(svc, raw, key), recipients or ["kundtjanst@example.com"]
    )
    if isinstance(svc.tickets, InMemoryTicketRepository):
        drain_stream(svc)
    return entry


def events_of(svc: Services, ticket_id: str, *types: EventType) -> list[TicketEvent]:
    wanted = {str(t) for t in types}
    return [e for e in svc.tickets.events(ticket_id) if not wanted or e.type in wanted]


def inbound(svc: Services, ticket_id: str) -> list[TicketEvent]:
    return events_of(svc, ticket_id, EventType.MESSAGE_IN)


def parsed(raw: bytes) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(raw, policy=policy.default))


def sent(svc: Services) -> list[Any]:
    """What the recording mailer sent, oldest first (OutgoingMail: sender, recipients, raw)."""
    return list(svc.mailer.sent)  # type: ignore[attr-defined]


def configure_rp(svc: Services, rp_id: str, **changes: Any) -> None:
    """Change a response point's settings as an admin would (S11, S16)."""
    record = to_record(directory.response_point(svc, rp_id))
    record.update(changes)
    svc.config.put(directory.RESPONSE_POINT, rp_id, record)


def quote_reply(
    svc: Services,
    sent_raw: bytes,
    *,
    text: str = "Tack, nu fungerar det!",
    sender: str = DEFAULTS["sender"],
    message_id: str = "customer-answer@kund.example.se",
) -> bytes:
    """The customer's answer to a mail we sent, as their mail program writes it:
    to our Reply-To, Re: our subject, In-Reply-To and References to our Message-ID."""
    ours = parsed(sent_raw)
    our_id = str(ours["Message-ID"])
    refs = " ".join(filter(None, [str(ours.get("References", "") or ""), our_id]))
    return mail_file(
        "customer_reply.eml",
        sender=sender,
        to=str(ours["Reply-To"]),
        subject=f"Re: {ours['Subject']}",
        message_id=message_id,
        in_reply_to=our_id,
        references=refs,
        reply_text=text,
    )
