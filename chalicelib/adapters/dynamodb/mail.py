"""DynamoDB lookups and the mail log."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from chalicelib.adapters.dynamodb.models import LookupModel, MailLogModel
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.timefmt import iso, parse_iso
from chalicelib.services.ports import LookupRepository, MailLogRepository

MAX_DAYS = 92


class DynamoLookupRepository(LookupRepository):
    def get(self, key: str) -> str | None:
        try:
            return str(LookupModel.get(key, consistent_read=True).target)
        except DoesNotExist:
            return None

    def get_many(self, keys: list[str]) -> dict[str, str]:
        unique = list(dict.fromkeys(keys))[:100]  # BatchGetItem reads at most 100 keys
        if not unique:
            return {}
        return {
            str(i.key): str(i.target) for i in LookupModel.batch_get(unique, consistent_read=True)
        }

    def put(self, key: str, target: str) -> None:
        LookupModel(key, target=target).save()

    def claim(self, key: str, target: str) -> bool:
        try:
            LookupModel(key, target=target).save(condition=LookupModel.key.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def release(self, key: str, target: str) -> None:
        try:
            LookupModel(key).delete(condition=LookupModel.target == target)
        except DeleteError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise


def _to_model(entry: MailLogEntry) -> MailLogModel:
    return MailLogModel(
        entry.id,
        received_at=iso(entry.received_at),
        raw_key=entry.raw_key,
        outcome=entry.outcome.value,
        sender=entry.sender or None,
        recipients=entry.recipients or None,
        envelope_sender=entry.envelope_sender or None,
        subject=entry.subject or None,
        message_id=entry.message_id or None,
        ticket_id=entry.ticket_id,
        event_id=entry.event_id,
        reason=entry.reason or None,
        threading_rule=entry.threading_rule or None,
        replayed_at=iso(entry.replayed_at) if entry.replayed_at else None,
        day=iso(entry.received_at)[:10],
        quarantine="open" if entry.in_quarantine else None,
    )


def _from_model(item: MailLogModel) -> MailLogEntry:
    return MailLogEntry(
        id=item.entry_id,
        received_at=parse_iso(item.received_at),
        raw_key=item.raw_key,
        outcome=Outcome(item.outcome),
        sender=item.sender or "",
        recipients=[str(r) for r in item.recipients or []],
        envelope_sender=item.envelope_sender or "",
        subject=item.subject or "",
        message_id=item.message_id or "",
        ticket_id=item.ticket_id,
        event_id=item.event_id,
        reason=item.reason or "",
        threading_rule=item.threading_rule or "",
        replayed_at=parse_iso(item.replayed_at) if item.replayed_at else None,
    )


class DynamoMailLogRepository(MailLogRepository):
    def put(self, entry: MailLogEntry) -> None:
        _to_model(entry).save()

    def get(self, entry_id: str) -> MailLogEntry:
        try:
            return _from_model(MailLogModel.get(entry_id, consistent_read=True))
        except DoesNotExist:
            raise NotFoundError(f"no mail log entry {entry_id!r}") from None

    def by_message_id(self, message_id: str) -> list[MailLogEntry]:
        return [_from_model(i) for i in MailLogModel.by_message.query(message_id, limit=100)]

    def by_sender(
        self, sender: str, since: datetime, until: datetime, limit: int = 100
    ) -> list[MailLogEntry]:
        condition = MailLogModel.received_at.between(iso(since), iso(until))
        results = MailLogModel.by_sender.query(
            sender.lower(), range_key_condition=condition, scan_index_forward=False, limit=limit
        )
        return [_from_model(i) for i in results]

    def between(self, since: datetime, until: datetime, limit: int = 100) -> list[MailLogEntry]:
        if until < since or until - since > timedelta(days=MAX_DAYS):
            raise ValidationError(f"a time range of at most {MAX_DAYS} days, please")
        found: list[MailLogEntry] = []
        day = until.date()
        # One Query per day partition, newest day first, until the page is full.
        while day >= since.date() and len(found) < limit:
            condition = MailLogModel.received_at.between(iso(since), iso(until))
            results = MailLogModel.by_day.query(
                day.isoformat(), range_key_condition=condition, scan_index_forward=False,
                limit=limit - len(found),
            )  # fmt: skip
            found += [_from_model(i) for i in results]
            day -= timedelta(days=1)
        return found

    def quarantined(self, limit: int = 100) -> list[MailLogEntry]:
        results = MailLogModel.in_quarantine.query("open", scan_index_forward=False, limit=limit)
        return [_from_model(i) for i in results]
