"""DynamoNotificationRepository: one partition per user, newest first; unread ones also in
the sparse ``unread`` index (docs/architecture.md, A12-A14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.adapters.dynamodb.models import NotificationModel
from chalicelib.adapters.dynamodb.paging import decode_cursor, first_page
from chalicelib.domain.notifications import NoticeKind, Notification
from chalicelib.domain.timefmt import iso, parse_iso
from chalicelib.services.ports import NotificationRepository, Page

KEEP = timedelta(days=90)


class DynamoNotificationRepository(NotificationRepository):
    def add(self, notification: Notification) -> bool:
        item = NotificationModel(
            notification.user_id,
            notification.id,
            at=iso(notification.at),
            kind=notification.kind.value,
            ticket_id=notification.ticket_id,
            number=notification.number,
            title=notification.title,
            actor=notification.actor,
            events=list(notification.events) or None,
            unread_user=None if notification.read else notification.user_id,
            expires_at=int((notification.at + KEEP).timestamp()),
        )
        try:
            # The id is the same each time one change is processed: a retry writes nothing.
            item.save(condition=NotificationModel.notification_id.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def claim_mail(self, user_id: str, notification_id: str) -> bool:
        try:
            NotificationModel(user_id, notification_id).update(
                actions=[NotificationModel.mailed_at.set(iso(datetime.now(UTC)))],
                condition=NotificationModel.notification_id.exists()
                & NotificationModel.mailed_at.does_not_exist(),
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def release_mail(self, user_id: str, notification_id: str) -> None:
        try:
            NotificationModel(user_id, notification_id).update(
                actions=[NotificationModel.mailed_at.remove()],
                condition=NotificationModel.notification_id.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def for_user(
        self, user_id: str, *, unread_only: bool = False, limit: int = 50, cursor: str | None = None
    ) -> Page[Notification]:
        source = NotificationModel.unread if unread_only else NotificationModel
        results = source.query(
            user_id,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor),
        )
        items, next_cursor = first_page(results, cursor)
        return Page([_notification(NotificationModel.from_raw_data(i)) for i in items], next_cursor)

    def unread_count(self, user_id: str) -> int:
        return int(NotificationModel.unread.count(user_id))

    def mark_read(self, user_id: str, ids: list[str] | None = None) -> int:
        if ids is None:
            ids = [str(item.notification_id) for item in NotificationModel.unread.query(user_id)]
        done = 0
        for notification_id in ids:
            try:
                # Only an existing unread notification: marking twice, or a made-up id, is no-op.
                NotificationModel(user_id, notification_id).update(
                    actions=[NotificationModel.unread_user.remove()],
                    condition=NotificationModel.unread_user.exists(),
                )
                done += 1
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
        return done


def _notification(item: NotificationModel) -> Notification:
    return Notification(
        id=item.notification_id,
        user_id=item.user_id,
        at=parse_iso(item.at),
        kind=NoticeKind(item.kind),
        ticket_id=item.ticket_id,
        number=int(item.number),
        title=item.title,
        actor=item.actor,
        events=[str(e) for e in item.events or []],
        read=item.unread_user is None,
    )
