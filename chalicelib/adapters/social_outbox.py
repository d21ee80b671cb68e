"""The local stack's social sender: each reply lands as a JSON file in an outbox folder
(``.data/social-outbox/``), as sent mail does in ``.data/outbox/``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from chalicelib.services.ports import OutgoingSocial, SocialSender


class LocalSocialOutbox(SocialSender):
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, message: OutgoingSocial) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        number = len(list(self.folder.glob("*.json"))) + 1
        name = f"{number:06d}-{message.platform}.json"
        (self.folder / name).write_text(
            json.dumps(asdict(message), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        return f"local-{message.platform}-{number}"
