"""The local stack's mailer: every sent mail lands as an .eml file in the outbox."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.services.ports import Mailer, OutgoingMail

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LocalOutbox(Mailer):
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, mail: OutgoingMail) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        existing = len(list(self.folder.glob("*.eml")))
        name = f"{existing + 1:06d}-{_UNSAFE.sub('_', mail.message_id)[:80]}.eml"
        envelope = (
            f"X-Envelope-From: {mail.sender}\r\nX-Envelope-To: {', '.join(mail.recipients)}\r\n"
        )
        (self.folder / name).write_bytes(envelope.encode() + mail.raw)
        return name
