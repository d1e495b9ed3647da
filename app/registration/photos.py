"""Badge photos: checked by content, re-encoded, kept in the storage every machine sees.

The uploaded bytes are never stored as they came: `app.utils.images.process_photo`
checks and re-encodes them, and what is kept is that fresh JPEG, under a random
name, at the key photos/<name> of the storage (app/utils/storage.py): UPLOAD_DIR/photos
with the local backend, as always.
"""
from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db
from app.utils import storage

_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")
PREFIX = "photos/"
KEPT_PREFIX = "photos/kept/"


def photo_key(name: str | None) -> str | None:
    """The storage key of a stored photo; None for anything that is not one of our names."""
    return PREFIX + name if name and _NAME.match(name) else None


def save_photo(jpeg: bytes) -> str:
    """Write the processed photo under a generated name and return the name."""
    name = f"{secrets.token_hex(16)}.jpg"
    storage.current().save(PREFIX + name, jpeg)
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
            storage.current().save(PREFIX + name, jpeg)


def _drop_pending(session, transaction) -> None:
    # The outermost transaction ended without a commit (a commit has applied them).
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def connect_session_hooks() -> None:
    """Called by the wiring: photo files follow the commit (idempotent)."""
    for name, hook in (("after_commit", _apply_pending), ("after_transaction_end", _drop_pending)):
        if not sa_event.contains(Session, name, hook):
            sa_event.listen(Session, name, hook)


def photo_bytes(name: str | None) -> bytes | None:
    """The stored photo; None when the name is not one of ours or the file has gone."""
    key = photo_key(name)
    return storage.current().read(key) if key else None


def delete_photo(name: str) -> None:
    key = photo_key(name)
    if key is not None:
        storage.current().delete(key)


# --- A photo kept while the rest of the form is corrected ----------------------------

KEEP_SECONDS = 24 * 3600
MAX_KEPT = 200  # about 250 MB at most, however many forms are abandoned


def _prune_kept() -> None:
    """Drop kept photos older than KEEP_SECONDS, and the oldest beyond MAX_KEPT."""
    files = sorted(((item.modified, item.key) for item in storage.current().listing(KEPT_PREFIX)
                    if _NAME.match(item.key[len(KEPT_PREFIX):])), reverse=True)
    # The files' own clock, not the application's: a storage writes real times.
    cutoff = datetime.now(UTC) - timedelta(seconds=KEEP_SECONDS)
    for n, (modified, key) in enumerate(files):
        if modified < cutoff or n >= MAX_KEPT:
            storage.current().delete(key)


def keep_photo(jpeg: bytes, name: str | None = None) -> str:
    """Hold a processed photo for a form that came back with errors elsewhere; return its name.

    `name`, the one this browser already holds, is written over, so sending the form
    again and again keeps one file. Old files are pruned on the way. They are in the
    shared storage: the corrected form may well reach another machine.
    """
    _prune_kept()
    if not name or not _NAME.match(name):
        name = f"{secrets.token_hex(16)}.jpg"
    storage.current().save(KEPT_PREFIX + name, jpeg)
    return name


def kept_photo(name: str | None) -> bytes | None:
    """The bytes of a kept photo; None when the name is not one of ours or it has gone."""
    if not name or not _NAME.match(name):
        return None
    return storage.current().read(KEPT_PREFIX + name)


def has_kept_photo(name: str | None) -> bool:
    return bool(name and _NAME.match(name) and storage.current().exists(KEPT_PREFIX + name))


def forget_kept_photo(name: str | None) -> None:
    if name and _NAME.match(name):
        storage.current().delete(KEPT_PREFIX + name)
