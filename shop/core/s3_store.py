"""A Store in an S3-compatible bucket (SeaweedFS, MinIO, Ceph, Alibaba OSS, Tencent COS, AWS) through boto3."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shop.core.storage import StorageError, StoredFile, content_type, valid_name

log = logging.getLogger(__name__)

MISSING = {"404", "NoSuchKey", "NotFound"}


def s3_client(config: dict[str, Any]) -> Any:
    """A boto3 S3 client from the STORAGE_S3_* settings; unset keys fall back to boto3's own (AWS_* variables,
    instance roles)."""
    settings = Config(
        s3={"addressing_style": config.get("STORAGE_S3_ADDRESSING_STYLE") or "path"},
        connect_timeout=config.get("STORAGE_S3_TIMEOUT", 10), read_timeout=config.get("STORAGE_S3_TIMEOUT", 10),
        retries={"max_attempts": 3, "mode": "standard"},
        # Newer botocore adds CRC checksums to every upload; not every S3-compatible store accepts them.
        request_checksum_calculation="when_required", response_checksum_validation="when_required",
    )
    return boto3.session.Session().client(
        "s3", endpoint_url=config.get("STORAGE_S3_ENDPOINT_URL") or None,
        region_name=config.get("STORAGE_S3_REGION") or "us-east-1",
        aws_access_key_id=config.get("STORAGE_S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("STORAGE_S3_SECRET_ACCESS_KEY") or None, config=settings)


class S3Store:
    """Objects `prefix/<name>` in one bucket."""

    def __init__(self, client: Any, bucket: str, prefix: str):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, name: str) -> str:
        if not valid_name(name):
            raise ValueError(f"not a stored file name: {name!r}")
        return f"{self.prefix}/{name}"

    def _fail(self, action: str, name: str, exc: Exception) -> StorageError:
        return StorageError(f"could not {action} {name!r} in {self.describe()}: {exc}")

    def put(self, name: str, data: bytes) -> None:
        """See Store.put (an S3 PUT is all or nothing)."""
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data,
                                   ContentType=content_type(name))
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("store", name, exc) from exc

    def get(self, name: str) -> bytes | None:
        """See Store.get."""
        stored = self.open(name)
        return None if stored is None else b"".join(stored.chunks())

    def open(self, name: str) -> StoredFile | None:
        """See Store.open."""
        if not valid_name(name):
            return None
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise self._fail("read", name, exc) from exc
        except BotoCoreError as exc:
            raise self._fail("read", name, exc) from exc
        return StoredFile(answer["Body"], int(answer["ContentLength"]), answer["LastModified"],
                          str(answer.get("ETag", "")).strip('"'))

    def exists(self, name: str) -> bool:
        """See Store.exists."""
        if not valid_name(name):
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if _missing(exc):
                return False
            raise self._fail("look for", name, exc) from exc
        except BotoCoreError as exc:
            raise self._fail("look for", name, exc) from exc
        return True

    def delete(self, *names: str) -> None:
        """See Store.delete (S3 answers a delete of a missing key with success)."""
        for name in names:
            if not valid_name(name):
                continue
            try:
                self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
            except (BotoCoreError, ClientError) as exc:
                raise self._fail("delete", name, exc) from exc

    def names(self) -> Iterator[str]:
        """See Store.names."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=f"{self.prefix}/")
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(self.prefix) + 1:]
                    if valid_name(name):
                        yield name
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("list", "*", exc) from exc

    def describe(self) -> str:
        """See Store.describe."""
        return f"s3://{self.bucket}/{self.prefix}"


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in MISSING
