"""The BlobStore contract (issue 14 added ``delete``), on S3 (moto), a local folder and the
in-memory fake: a deleted file is gone, other files stay, deleting twice is no error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.blobs_local import LocalBlobStore
from chalicelib.adapters.blobs_s3 import S3BlobStore
from chalicelib.adapters.memory_mail import InMemoryBlobStore
from chalicelib.domain.errors import NotFoundError
from chalicelib.services.ports import BlobStore

REGION = "eu-north-1"


@pytest.fixture(params=["s3", "local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "s3":
        with mock_aws():
            client = boto3.client("s3", region_name=REGION)
            client.create_bucket(
                Bucket="blobs", CreateBucketConfiguration={"LocationConstraint": REGION}
            )
            yield S3BlobStore(client, "blobs")
        return
    if request.param == "local":
        yield LocalBlobStore(str(tmp_path / "blobs"))
        return
    yield InMemoryBlobStore()


def test_a_deleted_file_is_gone_and_the_others_stay(store: BlobStore) -> None:
    store.put("inbound/one", b"raw mail", "message/rfc822")
    store.put("attachments/e1/0", b"%PDF", "application/pdf")

    store.delete("inbound/one")

    assert not store.exists("inbound/one")
    with pytest.raises(NotFoundError):
        store.get("inbound/one")
    assert store.get("attachments/e1/0") == b"%PDF"


def test_deleting_a_missing_file_twice_is_no_error(store: BlobStore) -> None:
    store.put("attachments/e2/0", b"x")
    store.delete("attachments/e2/0")
    store.delete("attachments/e2/0")
    store.delete("never/there")
    assert not store.exists("attachments/e2/0")
