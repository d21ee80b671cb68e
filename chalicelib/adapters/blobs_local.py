"""Blob store in a local folder (the local stack's stand-in for S3)."""

from __future__ import annotations

import os
from pathlib import Path

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.services.ports import BlobStore


class LocalBlobStore(BlobStore):
    def __init__(self, root: str) -> None:
        self._root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        # Keys come from our code, but never let one climb out of the folder.
        if self._root not in path.parents:
            raise ValidationError(f"bad blob key {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a reader never sees half a file

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"no stored file {key!r}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
