"""The SMS sender in AWS: End User Messaging SMS (``pinpoint-sms-voice-v2``) SendTextMessage.

The origination identity (a phone number, pool or sender id; its ARN or id) and the
configuration set (whose event destination publishes delivery receipts to SNS) come from
the stack's parameters through config.py. ``Context`` (our reference: "<ticket>|<event>" for a
reply) travels with the message into every delivery event, for the logs; receipts find the
message by the provider's id (services/sms/receipts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.services.ports import OutgoingSms, SmsSender


class EndUserMessagingSms(SmsSender):
    def __init__(
        self,
        client: Callable[[], Any],
        *,
        origination_identity: str = "",
        configuration_set: str = "",
        message_type: str = "TRANSACTIONAL",
    ) -> None:
        self._make_client = client  # made on first use: most invocations send no text
        self._client: Any = None
        self._origination = origination_identity
        self._configuration_set = configuration_set
        self._message_type = message_type

    def send(self, sms: OutgoingSms) -> str:
        if self._client is None:
            self._client = self._make_client()
        kwargs: dict[str, Any] = {
            "DestinationPhoneNumber": sms.to,
            "MessageBody": sms.text,
            "MessageType": self._message_type,
        }
        if sms.reference:
            kwargs["Context"] = {"reference": sms.reference[:800]}
        origination = sms.origination or self._origination
        if origination:
            kwargs["OriginationIdentity"] = origination
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        return str(self._client.send_text_message(**kwargs)["MessageId"])
