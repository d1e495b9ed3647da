"""Where jobs keep the files they make: the one place that writes and reads them, so
that they can move to shared object storage by changing these two functions.

A stored path is relative (`<job id>/<random>/<name>`) under JOB_FILES_DIR; every
machine that serves downloads must see the same folder (a shared volume) until then.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from app.utils.downloads import filename_part


def _root() -> Path:
    return Path(current_app.config["JOB_FILES_DIR"])


def save(job_id: int, name: str, data: bytes) -> str:
    """Store `data` as the file `name` of job `job_id`; return its stored path. Written
    to a temporary file first and renamed, so nobody ever reads half a file."""
    stem, dot, extension = name.rpartition(".")
    safe = f"{filename_part(stem, 'result')}.{filename_part(extension, 'bin')}" if dot else filename_part(name, "result")
    relative = f"{job_id}/{secrets.token_hex(8)}/{safe}"
    path = _root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return relative


def open_file(stored_path: str) -> BinaryIO | None:
    """The stored file, open for reading, or None if it is gone (or the path leaves the folder)."""
    root = _root().resolve()
    path = (root / stored_path).resolve()
    if not stored_path or root not in path.parents or not path.is_file():
        return None
    return path.open("rb")
