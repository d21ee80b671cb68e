"""Notices to browsers through API Gateway's WebSocket management API (PostToConnection).

The endpoint is the WebSocket API's stage URL over https (SERVIT_LIVE_ENDPOINT, set by the
template); the client is made on first use and kept for the container."""

from __future__ import annotations

from typing import Any

from chalicelib.services.live.ports import GoneConnectionError, LivePusher


class ApiGatewayPusher(LivePusher):
    def __init__(self, endpoint: str, region: str, client: Any = None) -> None:
        self._endpoint = endpoint
        self._region = region
        self._client = client

    def _api(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client(
                "apigatewaymanagementapi", endpoint_url=self._endpoint, region_name=self._region
            )
        return self._client

    def post(self, connection_id: str, data: bytes) -> None:
        api = self._api()
        try:
            api.post_to_connection(ConnectionId=connection_id, Data=data)
        except api.exceptions.GoneException as error:
            raise GoneConnectionError(connection_id) from error
