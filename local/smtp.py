"""The local stack's mail intake: an SMTP server (aiosmtpd) on 127.0.0.1 that
accepts any recipient, stores the raw message in the blob folder first, and
hands it to the same intake service SES feeds in AWS."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from chalicelib.domain.ids import new_ulid
from chalicelib.services.context import Services
from chalicelib.services.mail import intake as mail_intake

log = logging.getLogger("servit.smtp")

# Above SES's 40 MB so that larger mail is accepted, kept, and flagged on its ticket.
DATA_SIZE_LIMIT = 64 * 1024 * 1024
# What the 220 greeting names; fixed, because aiosmtpd would otherwise look up the host's
# name (socket.getfqdn) for every connection, which takes seconds where DNS is slow.
SERVER_NAME = "servit-local"


class LongLinesSMTP(SMTP):
    """aiosmtpd's SMTP without its line limit.

    RFC 5321 § 4.5.3.1.6 caps a line at 1,000 octets with its CRLF, and aiosmtpd refuses
    DATA with a longer one ("500 Line too long"). Real mailers send such lines (HTML on
    one line), so the local intake takes any line the size limit allows. SES's receiving
    documentation states no line limit, only the 40 MB message size (its 1,000-character
    rule is for mail sent through it); see README, "The two commands".
    """

    line_length_limit = DATA_SIZE_LIMIT


class IntakeController(Controller):
    def factory(self) -> SMTP:
        return LongLinesSMTP(self.handler, **self.SMTP_kwargs)


class IntakeHandler:
    def __init__(self, svc: Services) -> None:
        self._svc = svc

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        key = f"inbound/{new_ulid(self._svc.clock())}"
        try:
            # Stored before anything else: from here on the message cannot be lost.
            self._svc.blobs.put(key, raw, "message/rfc822")
        except OSError:
            log.exception("could not store the message")
            return "451 4.3.0 Could not store the message, try again later"
        recipients = [str(r) for r in envelope.rcpt_tos]
        loop = asyncio.get_running_loop()
        sender = str(envelope.mail_from or "") or None  # MAIL FROM: the last sender fallback
        await loop.run_in_executor(
            None, partial(mail_intake.ingest, envelope_sender=sender), self._svc, key, recipients
        )
        return "250 2.0.0 Message accepted"


def start(svc: Services, host: str, port: int) -> Controller:
    controller = IntakeController(
        IntakeHandler(svc),
        hostname=host,
        port=port,
        server_hostname=SERVER_NAME,
        data_size_limit=DATA_SIZE_LIMIT,
        decode_data=False,
        ready_timeout=10,
    )
    controller.start()
    return controller


def stop(controller: Any) -> None:
    controller.stop()
