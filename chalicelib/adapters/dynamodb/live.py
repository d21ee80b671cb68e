"""Live connections and read markers in DynamoDB (table Live, models.LiveModel).

Per connection: one item per audience (pk "aud#<audience>", sk the connection id), so the
fan-out of a change is one Query per audience of its ticket, and one item "conn#<id>" naming
the audiences, so $disconnect (or a post that found it gone) deletes exactly those. Every
item expires (TTL) after API Gateway's longest connection, 2 hours, plus a margin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb.models import LiveModel
from chalicelib.services.live.ports import LiveConnection, LiveConnections, ReadMarkers

MAX_CONNECTION_SECONDS = 2 * 3600  # API Gateway's limit on a WebSocket connection
TTL_MARGIN_SECONDS = 600


def _audience_key(audience: str) -> str:
    return f"aud#{audience}"


def _connection_key(connection_id: str) -> str:
    return f"conn#{connection_id}"


class DynamoLiveConnections(LiveConnections):
    def add(self, connection: LiveConnection) -> None:
        expires = connection.connected_at + MAX_CONNECTION_SECONDS + TTL_MARGIN_SECONDS
        with LiveModel.batch_write() as batch:
            batch.save(
                LiveModel(
                    _connection_key(connection.connection_id),
                    "conn",
                    user_id=connection.user_id,
                    audiences=list(connection.audiences),
                    expires_at=expires,
                )
            )
            for audience in connection.audiences:
                batch.save(
                    LiveModel(
                        _audience_key(audience),
                        connection.connection_id,
                        user_id=connection.user_id,
                        expires_at=expires,
                    )
                )

    def remove(self, connection_id: str) -> None:
        try:
            item = LiveModel.get(_connection_key(connection_id), "conn", consistent_read=True)
        except DoesNotExist:
            return
        with LiveModel.batch_write() as batch:
            for audience in item.audiences or []:
                batch.delete(LiveModel(_audience_key(str(audience)), connection_id))
            batch.delete(item)

    def in_audiences(self, audiences: list[str]) -> set[str]:
        found: set[str] = set()
        for audience in dict.fromkeys(audiences):
            found.update(
                str(item.sk)
                for item in LiveModel.query(_audience_key(audience), attributes_to_get=["sk"])
            )
        return found


READ_MARKER_SECONDS = 365 * 24 * 3600  # a ticket not opened for a year shows unread again


def _reader_key(user_id: str) -> str:
    return f"read#{user_id}"


class DynamoReadMarkers(ReadMarkers):
    """Items pk "read#<user>", sk the ticket id, with the version last opened."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    def seen(self, user_id: str, ticket_id: str, version: int) -> None:
        expires = int(self._clock().timestamp()) + READ_MARKER_SECONDS
        try:
            LiveModel(_reader_key(user_id), ticket_id).update(
                actions=[LiveModel.version.set(version), LiveModel.expires_at.set(expires)],
                # Never back: two tabs opening versions 4 and 5 in any order leave 5.
                condition=LiveModel.version.does_not_exist() | (LiveModel.version < version),
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def versions(self, user_id: str, ticket_ids: list[str]) -> dict[str, int]:
        keys = [(_reader_key(user_id), t) for t in dict.fromkeys(ticket_ids)][:100]
        if not keys:
            return {}
        # One BatchGetItem (pynamodb retries unprocessed keys); eventually consistent: a
        # marker written a moment ago may show the row bold once more.
        return {
            str(item.sk): int(item.version)
            for item in LiveModel.batch_get(keys, attributes_to_get=["pk", "sk", "version"])
            if item.version is not None
        }
