"""The local stack's SMS sender: every sent text lands as a JSON file in the SMS outbox
(``.data/sms-outbox/``), with the parts it would go out as; ``GET /api/dev/sms-outbox``
lists them."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

from chalicelib.channels import sms as sms_rules
from chalicelib.services.ports import OutgoingSms, SmsSender


class LocalSmsOutbox(SmsSender):
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def send(self, sms: OutgoingSms) -> str:
        provider_id = str(uuid.uuid4())
        counted = sms_rules.count(sms.text)
        record = {
            "message_id": provider_id,
            "to": sms.to,
            "origination": sms.origination,
            "reference": sms.reference,
            "text": sms.text,
            "encoding": counted.encoding,
            "parts": sms_rules.split(sms.text),
        }
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            existing = len(list(self.folder.glob("*.json")))
            name = f"{existing + 1:06d}-{provider_id}.json"
            (self.folder / name).write_text(
                json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        return provider_id

    def items(self, limit: int = 50) -> tuple[list[dict[str, Any]], int]:
        """The latest ``limit`` texts, oldest first, and how many there are in all."""
        names = sorted(p.name for p in self.folder.glob("*.json")) if self.folder.exists() else []
        found = []
        for name in names[-limit:]:
            record = json.loads((self.folder / name).read_text(encoding="utf-8"))
            found.append({"name": name, **record})
        return found, len(names)
