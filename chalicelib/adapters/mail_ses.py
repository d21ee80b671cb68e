"""The mailer in AWS: SES v2 SendEmail with the raw MIME we built.

SES does not support SMTPUTF8 (RFC 6531): a destination's local part must be 7-bit ASCII
and a non-ASCII domain must be sent in Punycode (SES API v2 reference, "Destination",
https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html; the same for
the raw message's headers, "Sending raw email using the Amazon SES API v2",
https://docs.aws.amazon.com/ses/latest/dg/send-email-raw.html). ``OutgoingMail`` already
holds the envelope in that form (IDNA domains) and refuses UTF-8 local parts, and
``mime_out`` writes the headers the same way, so nothing here needs converting.
"""

from __future__ import annotations

from typing import Any

from chalicelib.services.ports import Mailer, OutgoingMail


class SesMailer(Mailer):
    def __init__(self, client: Any, configuration_set: str | None = None) -> None:
        self._client = client
        self._configuration_set = configuration_set

    def send(self, mail: OutgoingMail) -> str:
        kwargs: dict[str, Any] = {
            # With raw content the Destination is the envelope: To, Cc and Bcc alike.
            "FromEmailAddress": mail.sender,
            "Destination": {"ToAddresses": list(mail.recipients)},
            "Content": {"Raw": {"Data": mail.raw}},
        }
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        return str(self._client.send_email(**kwargs)["MessageId"])
