"""Blob store on S3 (raw mails under inbound/, attachments, outbound copies)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import NotFoundError
from chalicelib.services.ports import BlobStore


class S3BlobStore(BlobStore):
    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=key)
        except self._client.exceptions.NoSuchKey:
            raise NotFoundError(f"no stored file {key!r}") from None
        return bytes(response["Body"].read())

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self._bucket, Key=key)
        except self._client.exceptions.ClientError:
            return False
        return True

    def delete(self, key: str) -> None:
        # S3 answers 204 whether or not the object was there.
        self._client.delete_object(Bucket=self._bucket, Key=key)
