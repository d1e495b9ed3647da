"""Files every machine sees: uploads kept under generated keys in one storage, a local
directory (the default) or an S3-compatible bucket (app/utils/storage_s3.py).

`STORAGE_URL` chooses: unset, the local UPLOAD_DIR; `file:///srv/kurultai/uploads`, another
directory; `s3://bucket/prefix`, a bucket (with `S3_ENDPOINT_URL`, `S3_REGION` and the
usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Several machines behind one address
share a bucket, so a photo sent through one is seen through all.

A key is a relative path of generated names ("speakers/photos/<hex>.jpg"), never a
name a person sent: `check_key` refuses `..`, absolute keys and odd characters. The
local backend keeps a key at <root>/<key>, where the files always were, so an existing
upload directory keeps working as it is. Files are still served by the application,
behind the same permission checks (`send`).
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app, request, send_file
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session
from werkzeug.wsgi import wrap_file

EXTENSION = "storage"
CHUNK = 256 * 1024
MAX_KEY = 512
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")

class StorageError(Exception):
    """The storage cannot be reached or used (a bucket missing, credentials refused, a full disk)."""


class BadKey(ValueError):
    """A key that is not one of ours: absolute, with `..`, empty parts or odd characters."""


def check_key(key: str) -> str:
    """The key itself when it is a plain relative path of safe names; BadKey otherwise."""
    if not isinstance(key, str) or len(key) > MAX_KEY or not _KEY.match(key):
        raise BadKey(f"not a storage key: {key!r}")
    return key


@dataclass(frozen=True)
class Stored:
    """One file in a listing."""
    key: str
    size: int
    modified: datetime


class Storage(ABC):
    """What the application asks of a place that keeps files."""

    kind: str = ""

    @abstractmethod
    def save(self, key: str, data: bytes | BinaryIO) -> None:
        """Write `data` (bytes or a binary stream, read to its end) under `key`, replacing any file there."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """The file as a binary stream (close it); FileNotFoundError when there is none.
        The stream has a `size` attribute when the backend knows it up front."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; nothing happens when there is none."""

    @abstractmethod
    def size(self, key: str) -> int | None:
        """Its size in bytes; None when there is no such file."""

    @abstractmethod
    def listing(self, prefix: str = "") -> Iterator[Stored]:
        """Every file whose key starts with `prefix` (a folder such as "photos/kept/", or "")."""

    @abstractmethod
    def check(self) -> None:
        """Raise StorageError unless files can be kept and read here now."""

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def read(self, key: str) -> bytes | None:
        """The whole file, for small ones (photos); None when there is none."""
        try:
            with self.open(key) as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def local_path(self, key: str) -> Path | None:
        """The file on this machine's disk, when it is kept on one."""
        return None

    def download_url(self, key: str, *, seconds: int, mimetype: str, disposition: str) -> str | None:
        """A short-lived link straight to the file, where the backend can give one."""
        return None

    def describe(self) -> str:
        return self.kind


class LocalStorage(Storage):
    """A directory on this machine (or a network share every machine mounts)."""

    kind = "local"

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def describe(self) -> str:
        return f"local directory {self.root}"

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, key: str, data: bytes | BinaryIO) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target under a hidden name, then renamed: a reader never sees half a file.
        temp = path.parent / f".{secrets.token_hex(8)}.tmp"
        try:
            with temp.open("wb") as out:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, CHUNK)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int | None:
        path = self._path(key)
        try:
            return path.stat().st_size if path.is_file() else None
        except OSError:
            return None

    def listing(self, prefix: str = "") -> Iterator[Stored]:
        folder, _, start = prefix.rpartition("/")
        base = self._path(folder) if folder else self.root
        if not base.is_dir():
            return
        for directory, subdirs, files in os.walk(base):
            subdirs.sort()
            for name in sorted(files):
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix) or not _KEY.match(key):
                    continue  # another prefix, or a half-written hidden file
                try:
                    stat = path.stat()
                except OSError:
                    continue
                yield Stored(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"{self.root} cannot be created: {exc}") from exc
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageError(f"{self.root} is not writable")

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None


def from_config(config) -> Storage:
    """The storage that the settings describe; ValueError for a STORAGE_URL not understood."""
    url = (config.get("STORAGE_URL") or "").strip()
    if not url:
        return LocalStorage(Path(config["UPLOAD_DIR"]))
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path:
            raise ValueError(f"STORAGE_URL {url!r}: write a local directory as file:///absolute/path")
        return LocalStorage(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"STORAGE_URL {url!r}: name the bucket, as in s3://bucket/prefix")
        prefix = unquote(parts.path).strip("/")
        if prefix:
            check_key(prefix)
        # Here, not at the top: only an installation that keeps its files in a bucket loads
        # boto3 (a third of a second at every start).
        from app.utils import storage_s3

        return storage_s3.S3Storage(parts.netloc, prefix, endpoint_url=config.get("S3_ENDPOINT_URL") or None,
                                    region=config.get("S3_REGION") or None)
    raise ValueError(f"STORAGE_URL {url!r}: use file:///path or s3://bucket/prefix")


def init_app(app: Flask) -> None:
    """Called by the app factory: a STORAGE_URL that is not understood stops the start."""
    app.extensions[EXTENSION] = from_config(app.config)
    for name, hook in (("after_commit", _delete_committed), ("after_transaction_end", _forget_uncommitted)):
        if not sa_event.contains(Session, name, hook):
            sa_event.listen(Session, name, hook)


# --- Deletions that follow the transaction ----------------------------------------------
# A record that stops naming a file (a person erased, a photo replaced) may still be
# rolled back: its file goes only when that change commits.

_DELETE_AFTER_COMMIT = "storage_delete_after_commit"


def delete_after_commit(session, key: str) -> None:
    """Delete the file at `key` once `session` commits; a rollback keeps it."""
    session.info.setdefault(_DELETE_AFTER_COMMIT, []).append(check_key(key))


def _delete_committed(session) -> None:
    keys = session.info.pop(_DELETE_AFTER_COMMIT, [])
    if keys:
        storage = current()
        for key in keys:
            storage.delete(key)


def _forget_uncommitted(session, transaction) -> None:
    # The outermost transaction ended without a commit (a commit has deleted them already).
    if transaction.parent is None:
        session.info.pop(_DELETE_AFTER_COMMIT, None)


def current() -> Storage:
    return current_app.extensions[EXTENSION]


def send(key: str | None, *, mimetype: str, max_age: int = 0) -> Response | None:
    """A response streaming the stored file; None when there is no such file (the view 404s)."""
    if not key:
        return None
    storage = current()
    path = storage.local_path(key)
    if path is not None:
        return send_file(path, mimetype=mimetype, max_age=max_age)
    try:
        handle = storage.open(key)
    except FileNotFoundError:
        return None
    response = Response(wrap_file(request.environ, handle, CHUNK), mimetype=mimetype, direct_passthrough=True)
    size = getattr(handle, "size", None)
    if size is not None:
        response.content_length = size
    response.cache_control.max_age = max_age
    response.cache_control.public = False
    return response


def copy_tree(source: Storage, target: Storage, *, skip_prefixes: tuple[str, ...] = ()) -> dict[str, int]:
    """Copy every file of `source` into `target` under the same key. Files already there
    with the same size are left alone, so running it again copies only what is new."""
    present = {item.key: item.size for item in target.listing("")}
    counts = {"copied": 0, "skipped": 0}
    for item in source.listing(""):
        if item.key.startswith(skip_prefixes):
            continue
        if present.get(item.key) == item.size:
            counts["skipped"] += 1
            continue
        with source.open(item.key) as handle:
            target.save(item.key, handle)
        counts["copied"] += 1
    return counts
