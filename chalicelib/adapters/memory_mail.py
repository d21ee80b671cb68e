"""In-memory lookups, mail log, blob store and mailer: fakes for unit tests."""

from __future__ import annotations

import copy
import threading
from datetime import datetime

from chalicelib.adapters.memory_paging import page
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.mail_log import MailLogEntry
from chalicelib.domain.notifications import Notification
from chalicelib.services.ports import (
    BlobStore,
    LookupRepository,
    Mailer,
    MailLogRepository,
    NotificationRepository,
    OutgoingMail,
    Page,
)


class InMemoryLookupRepository(LookupRepository):
    """Shared with InMemoryTicketRepository, which claims keys inside its "transactions"."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}
        self.lock = threading.RLock()

    def get(self, key: str) -> str | None:
        return self.items.get(key)

    def get_many(self, keys: list[str]) -> dict[str, str]:
        return {k: self.items[k] for k in keys if k in self.items}

    def put(self, key: str, target: str) -> None:
        self.items[key] = target

    def claim(self, key: str, target: str) -> bool:
        with self.lock:
            if key in self.items:
                return False
            self.items[key] = target
            return True

    def release(self, key: str, target: str) -> None:
        with self.lock:
            if self.items.get(key) == target:
                del self.items[key]

    def check_free(self, claims: dict[str, str]) -> None:
        taken = [k for k in claims if k in self.items]
        if taken:
            raise ConflictError(f"already taken: {taken}", code="stale")


class InMemoryMailLogRepository(MailLogRepository):
    def __init__(self) -> None:
        self._entries: dict[str, MailLogEntry] = {}

    def put(self, entry: MailLogEntry) -> None:
        self._entries[entry.id] = copy.deepcopy(entry)

    def get(self, entry_id: str) -> MailLogEntry:
        if entry_id not in self._entries:
            raise NotFoundError(f"no mail log entry {entry_id!r}")
        return copy.deepcopy(self._entries[entry_id])

    def _newest(self, entries: list[MailLogEntry], limit: int) -> list[MailLogEntry]:
        ordered = sorted(entries, key=lambda e: (e.received_at, e.id), reverse=True)
        return [copy.deepcopy(e) for e in ordered[:limit]]

    def by_message_id(self, message_id: str) -> list[MailLogEntry]:
        return self._newest([e for e in self._entries.values() if e.message_id == message_id], 100)

    def by_sender(
        self, sender: str, since: datetime, until: datetime, limit: int = 100
    ) -> list[MailLogEntry]:
        found = [
            e for e in self._entries.values()
            if e.sender == sender.lower() and since <= e.received_at <= until
        ]  # fmt: skip
        return self._newest(found, limit)

    def between(self, since: datetime, until: datetime, limit: int = 100) -> list[MailLogEntry]:
        return self._newest(
            [e for e in self._entries.values() if since <= e.received_at <= until], limit
        )

    def quarantined(self, limit: int = 100) -> list[MailLogEntry]:
        return self._newest([e for e in self._entries.values() if e.in_quarantine], limit)


class InMemoryBlobStore(BlobStore):
    def __init__(self) -> None:
        self.blobs: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.blobs[key] = (bytes(data), content_type)

    def get(self, key: str) -> bytes:
        if key not in self.blobs:
            raise NotFoundError(f"no stored file {key!r}")
        return self.blobs[key][0]

    def exists(self, key: str) -> bool:
        return key in self.blobs

    def delete(self, key: str) -> None:
        self.blobs.pop(key, None)


class RecordingMailer(Mailer):
    """Keeps what was sent, for tests to read; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []
        self.fail_with: Exception | None = None

    def send(self, mail: OutgoingMail) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(mail)
        return f"recorded-{len(self.sent)}"


class InMemoryNotificationRepository(NotificationRepository):
    def __init__(self) -> None:
        self._items: dict[tuple[str, str], Notification] = {}
        self._mailed: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def add(self, notification: Notification) -> bool:
        with self._lock:
            key = (notification.user_id, notification.id)
            if key in self._items:
                return False
            self._items[key] = copy.deepcopy(notification)
            return True

    def claim_mail(self, user_id: str, notification_id: str) -> bool:
        with self._lock:
            key = (user_id, notification_id)
            if key not in self._items or key in self._mailed:
                return False
            self._mailed.add(key)
            return True

    def release_mail(self, user_id: str, notification_id: str) -> None:
        with self._lock:
            self._mailed.discard((user_id, notification_id))

    def _of(self, user_id: str, unread_only: bool) -> list[Notification]:
        found = [
            n for (u, _), n in self._items.items() if u == user_id and not (unread_only and n.read)
        ]
        return sorted(found, key=lambda n: n.id, reverse=True)

    def for_user(
        self, user_id: str, *, unread_only: bool = False, limit: int = 50, cursor: str | None = None
    ) -> Page[Notification]:
        return page([copy.deepcopy(n) for n in self._of(user_id, unread_only)], limit, cursor)

    def unread_count(self, user_id: str) -> int:
        return len(self._of(user_id, True))

    def mark_read(self, user_id: str, ids: list[str] | None = None) -> int:
        with self._lock:
            chosen = [n for n in self._of(user_id, True) if ids is None or n.id in ids]
            for notification in chosen:
                self._items[(user_id, notification.id)].read = True
            return len(chosen)
