"""Where jobs keep the files they make: the configured file storage (app/utils/storage.py),
under `jobs/<job id>/<random>/<name>`, so a file written by the worker on one machine is
downloaded through any web machine (a shared bucket, or the local upload directory
under `make run`). The one place that writes and reads them."""
from __future__ import annotations

import secrets
from typing import BinaryIO

from app.utils import storage
from app.utils.downloads import filename_part

PREFIX = "jobs"


def save(job_id: int, name: str, data: bytes) -> str:
    """Store `data` as the file `name` of job `job_id`; return its storage key. Both
    backends write a whole file or none (a temporary file renamed; one S3 PUT)."""
    stem, dot, extension = name.rpartition(".")
    safe = f"{filename_part(stem, 'result')}.{filename_part(extension, 'bin')}" if dot else filename_part(name, "result")
    key = storage.check_key(f"{PREFIX}/{int(job_id)}/{secrets.token_hex(8)}/{safe}")
    storage.current().save(key, data)
    return key


def open_file(stored_path: str) -> BinaryIO | None:
    """The stored file, open for reading, or None if it is gone or the key is not a job's."""
    if not stored_path or not stored_path.startswith(PREFIX + "/"):
        return None
    try:
        return storage.current().open(storage.check_key(stored_path))
    except (FileNotFoundError, storage.BadKey):
        return None


def delete(stored_path: str) -> None:
    """Delete a job's stored file (nothing happens when it is gone or not a job's)."""
    if not stored_path or not stored_path.startswith(PREFIX + "/"):
        return
    try:
        storage.current().delete(storage.check_key(stored_path))
    except storage.BadKey:
        return
