"""Files kept in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, a cloud's object
storage), through boto3. Credentials come the usual way: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY in the environment, a profile, or the machine's role."""
from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import BinaryIO

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from app.utils.storage import Storage, StorageError, Stored, check_key

_MISSING = {"404", "NoSuchKey", "NotFound"}
# A storage that does not answer should fail a request in seconds, not minutes.
_TIMEOUTS = {"connect_timeout": 5, "read_timeout": 30, "retries": {"max_attempts": 3, "mode": "standard"}}


_session = None
_session_lock = threading.Lock()


def _client(**options):
    """A new client from the process's one boto3 session: the session reads the service
    descriptions once, and making a client from it is cheap (but not thread-safe)."""
    global _session
    with _session_lock:
        if _session is None:
            _session = boto3.session.Session()
        return _session.client("s3", **options)


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _MISSING


class _Body(io.RawIOBase):
    """The body of a stored object as a plain binary stream."""

    def __init__(self, body):
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            chunk = self._body.read(len(buffer))
        except (BotoCoreError, OSError) as exc:
            raise StorageError(f"reading a stored file failed: {exc}") from exc
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class _Reader(io.BufferedReader):
    """A buffered stream over `_Body` that knows the object's size."""

    def __init__(self, body, size: int | None):
        super().__init__(_Body(body), buffer_size=256 * 1024)
        self.size = size


class S3Storage(Storage):
    kind = "s3"

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 region: str | None = None):
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.region = region
        self._client = None

    def describe(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"bucket s3://{self.bucket}/{self.prefix}{where}"

    @property
    def client(self):
        """Made at first use; boto3 clients are thread-safe."""
        if self._client is None:
            self._client = _client(endpoint_url=self.endpoint_url, region_name=self.region,
                                   config=BotoConfig(**_TIMEOUTS))
        return self._client

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def save(self, key: str, data: bytes | BinaryIO) -> None:
        name = self._name(key)
        try:
            if isinstance(data, (bytes, bytearray, memoryview)):
                self.client.put_object(Bucket=self.bucket, Key=name, Body=bytes(data))
            else:  # large files go up in parts
                self.client.upload_fileobj(data, self.bucket, name)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"saving {key} failed: {exc}") from exc

    def open(self, key: str) -> BinaryIO:
        name = self._name(key)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if _missing(exc):
                raise FileNotFoundError(key) from exc
            raise StorageError(f"reading {key} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"reading {key} failed: {exc}") from exc
        return _Reader(answer["Body"], answer.get("ContentLength"))

    def delete(self, key: str) -> None:
        name = self._name(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"deleting {key} failed: {exc}") from exc

    def size(self, key: str) -> int | None:
        name = self._name(key)
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=name)["ContentLength"])
        except ClientError as exc:
            if _missing(exc):
                return None
            raise StorageError(f"looking up {key} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"looking up {key} failed: {exc}") from exc

    def listing(self, prefix: str = "") -> Iterator[Stored]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        try:
            for page in pages:
                for item in page.get("Contents", ()):
                    yield Stored(item["Key"][len(self.prefix):], int(item["Size"]), item["LastModified"])
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"listing {prefix or 'the bucket'} failed: {exc}") from exc

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"{self.describe()} cannot be reached: {exc}") from exc

    def download_url(self, key: str, *, seconds: int, mimetype: str, disposition: str) -> str | None:
        name = self._name(key)
        try:
            return self.client.generate_presigned_url(
                "get_object", ExpiresIn=seconds,
                Params={"Bucket": self.bucket, "Key": name, "ResponseContentType": mimetype,
                        "ResponseContentDisposition": disposition, "ResponseCacheControl": "private, no-store"})
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"a link to {key} could not be made: {exc}") from exc
