"""DynamoDB side of GDPR work (issue 14, services/gdpr/store.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb.codec import plain
from chalicelib.adapters.dynamodb.models import NotificationModel, TicketEventModel, TicketModel
from chalicelib.services.gdpr.store import HistoryStore

_CLOSED = "closed#"


class DynamoHistoryStore(HistoryStore):
    def rewrite_event(
        self, ticket_id: str, sort_key: str, data: dict[str, Any], actor: str
    ) -> None:
        item = TicketEventModel.get(ticket_id, sort_key, consistent_read=True)
        # UpdateItem of data and actor only: the stream sees a MODIFY, which nothing consumes.
        item.update(
            actions=[
                TicketEventModel.data.set(plain(data) or {}),
                TicketEventModel.actor.set(actor),
            ]
        )

    def delete_ticket(self, ticket_id: str) -> int:
        deleted = 0
        with TicketEventModel.batch_write() as batch:
            for item in TicketEventModel.query(ticket_id, consistent_read=True):
                batch.delete(item)
                deleted += 1
        # Deleting a missing item succeeds: a repeated run passes here again.
        TicketModel(ticket_id).delete()
        deleted += 1
        return deleted

    def delete_notifications(self, user_id: str, ticket_ids: set[str]) -> int:
        deleted = 0
        with NotificationModel.batch_write() as batch:
            for item in NotificationModel.query(user_id):
                if item.ticket_id in ticket_ids:
                    batch.delete(item)
                    deleted += 1
        return deleted

    def closed_before(self, rp_id: str, before: str, *, limit: int, skip_title: str) -> list[str]:
        found: list[str] = []
        for item in TicketModel.by_rp_status.query(
            rp_id,
            range_key_condition=TicketModel.status_updated.between(_CLOSED, _CLOSED + before),
            filter_condition=TicketModel.title != skip_title,
            scan_index_forward=True,
            page_size=max(limit, 25),
        ):
            if item.status_updated < _CLOSED + before:
                found.append(item.ticket_id)
            if len(found) >= limit:
                break
        return found

    def count_closed_before(self, rp_id: str, before: str, *, skip_title: str) -> int:
        return int(
            TicketModel.by_rp_status.count(
                rp_id,
                range_key_condition=TicketModel.status_updated.between(_CLOSED, _CLOSED + before),
                filter_condition=TicketModel.title != skip_title,
            )
        )
