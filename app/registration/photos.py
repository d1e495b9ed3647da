"""Badge photos: checked by content, re-encoded, stored outside the web root.

The uploaded bytes are never stored as they came: `app.utils.images.process_photo`
checks and re-encodes them, and what is kept is that fresh JPEG, under a random
name in UPLOAD_DIR/photos.
"""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db

_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")


def photo_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "photos"


def save_photo(jpeg: bytes) -> str:
    """Write the processed photo under a generated name and return the name."""
    directory = photo_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (directory / name).write_bytes(jpeg)
    return name


# --- Files follow the transaction ---------------------------------------------------
# A photo is named when the registration changes and written only when that change
# commits; an old photo is deleted only then. A rolled-back request leaves no file.

_PENDING = "registration_photo_files"


def _pending() -> list:
    return db.session.info.setdefault(_PENDING, [])


def save_photo_on_commit(jpeg: bytes) -> str:
    """The name the processed photo will have; the file is written when the session commits."""
    name = f"{secrets.token_hex(16)}.jpg"
    _pending().append((name, jpeg))
    return name


def delete_photo_on_commit(name: str) -> None:
    """Delete a stored photo once the change that replaced it commits."""
    _pending().append((name, None))


def _apply_pending(session) -> None:
    for name, jpeg in session.info.pop(_PENDING, []):
        if jpeg is None:
            delete_photo(name)
        else:
            directory = photo_dir()
            directory.mkdir(parents=True, exist_ok=True)
            (directory / name).write_bytes(jpeg)


def _drop_pending(session, transaction) -> None:
    # The outermost transaction ended without a commit (a commit has applied them).
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def connect_session_hooks() -> None:
    """Called by the wiring: photo files follow the commit (idempotent)."""
    for name, hook in (("after_commit", _apply_pending), ("after_transaction_end", _drop_pending)):
        if not sa_event.contains(Session, name, hook):
            sa_event.listen(Session, name, hook)


def photo_path(name: str) -> Path | None:
    """The file of a stored photo; None for anything that is not one of our names."""
    if not name or not _NAME.match(name):
        return None
    path = photo_dir() / name
    return path if path.is_file() else None


def delete_photo(name: str) -> None:
    path = photo_path(name)
    if path is not None:
        path.unlink(missing_ok=True)


# --- A photo kept while the rest of the form is corrected ----------------------------

KEEP_SECONDS = 24 * 3600
MAX_KEPT = 200  # about 250 MB at most, however many forms are abandoned


def _kept_dir() -> Path:
    return photo_dir() / "kept"


def _prune_kept(directory: Path) -> None:
    """Drop kept photos older than KEEP_SECONDS, and the oldest beyond MAX_KEPT."""
    cutoff = time.time() - KEEP_SECONDS
    files = []
    for path in directory.glob("*.jpg"):
        try:
            files.append((path.stat().st_mtime, path))
        except OSError:
            continue
    files.sort(reverse=True)
    for n, (mtime, path) in enumerate(files):
        if mtime < cutoff or n >= MAX_KEPT:
            path.unlink(missing_ok=True)


def keep_photo(jpeg: bytes, name: str | None = None) -> str:
    """Hold a processed photo for a form that came back with errors elsewhere; return its name.

    `name`, the one this browser already holds, is written over, so sending the form
    again and again keeps one file. Old files are pruned on the way.
    """
    directory = _kept_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _prune_kept(directory)
    if not name or not _NAME.match(name):
        name = f"{secrets.token_hex(16)}.jpg"
    (directory / name).write_bytes(jpeg)
    return name


def kept_photo(name: str | None) -> bytes | None:
    """The bytes of a kept photo; None when the name is not one of ours or it has gone."""
    if not name or not _NAME.match(name):
        return None
    try:
        return (_kept_dir() / name).read_bytes()
    except OSError:
        return None


def forget_kept_photo(name: str | None) -> None:
    if name and _NAME.match(name):
        (_kept_dir() / name).unlink(missing_ok=True)
