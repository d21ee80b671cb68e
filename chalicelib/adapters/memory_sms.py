"""A recording SMS sender for tests: keeps what was sent; can be told to fail."""

from __future__ import annotations

from chalicelib.services.ports import OutgoingSms, SmsSender


class RecordingSmsSender(SmsSender):
    def __init__(self) -> None:
        self.sent: list[OutgoingSms] = []
        self.fail_with: Exception | None = None

    def send(self, sms: OutgoingSms) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(sms)
        return f"sms-{len(self.sent)}"
