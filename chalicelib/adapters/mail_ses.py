"""The mailer in AWS: SES v2 SendEmail with the raw MIME we built."""

from __future__ import annotations

from typing import Any

from chalicelib.services.ports import Mailer, OutgoingMail


class SesMailer(Mailer):
    def __init__(self, client: Any, configuration_set: str | None = None) -> None:
        self._client = client
        self._configuration_set = configuration_set

    def send(self, mail: OutgoingMail) -> str:
        kwargs: dict[str, Any] = {
            "FromEmailAddress": mail.sender,
            "Destination": {"ToAddresses": list(mail.recipients)},
            "Content": {"Raw": {"Data": mail.raw}},
        }
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        return str(self._client.send_email(**kwargs)["MessageId"])
