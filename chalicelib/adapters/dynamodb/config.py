"""DynamoConfigRepository: settings items (kind, id) and atomic counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters.dynamodb.codec import plain
from chalicelib.adapters.dynamodb.models import ConfigModel
from chalicelib.domain.errors import ConflictError
from chalicelib.services.ports import ConfigRepository

COUNTER_KIND = "counter"


class DynamoConfigRepository(ConfigRepository):
    def get(self, kind: str, item_id: str) -> dict[str, Any] | None:
        try:
            item = ConfigModel.get(kind, item_id, consistent_read=True)
        except DoesNotExist:
            return None
        return _record(item)

    def list(self, kind: str) -> list[dict[str, Any]]:
        return [_record(item) for item in ConfigModel.query(kind, consistent_read=True)]

    def put(self, kind: str, item_id: str, record: dict[str, Any], *, create: bool = False) -> None:
        item = ConfigModel(kind, item_id, record=plain(record))
        # With `create`, refuse to overwrite an existing item (uniqueness of ids).
        condition = ConfigModel.id.does_not_exist() if create else None
        try:
            item.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConflictError(f"{kind} {item_id!r} exists already", code="exists") from None
            raise

    def delete(self, kind: str, item_id: str) -> None:
        ConfigModel(kind, item_id).delete()

    def next_number(
        self, counter: str, start: int, *, expires_at: datetime | None = None, step: int = 1
    ) -> int:
        item = ConfigModel(COUNTER_KIND, counter)
        # ADD is atomic: concurrent callers get distinct numbers. The stored value
        # counts from 0, so the first number handed out is `start`.
        actions: list[Any] = [ConfigModel.value.add(step)]
        if expires_at is not None:
            actions.append(ConfigModel.expires_at.set(int(expires_at.timestamp())))
        item.update(actions=actions)
        return int(item.value) + start - 1


def _record(item: ConfigModel) -> dict[str, Any]:
    from chalicelib.adapters.dynamodb.codec import plain_numbers

    return dict(plain_numbers(item.record.as_dict())) if item.record is not None else {}
