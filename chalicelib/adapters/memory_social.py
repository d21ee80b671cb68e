"""The recording fake of the social sender, for tests."""

from __future__ import annotations

from chalicelib.services.ports import OutgoingSocial, SocialSender


class RecordingSocialSender(SocialSender):
    """Keeps what was sent, for tests to read; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[OutgoingSocial] = []
        self.fail_with: Exception | None = None

    def send(self, message: OutgoingSocial) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)
        return f"{message.platform}-sent-{len(self.sent)}"
