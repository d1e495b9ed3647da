"""Idempotency-Key on POST: the first answer is stored, a repeat with the same body
replays it, a repeat with another body is refused. A unique constraint on (token,
key) makes two concurrent first requests safe: one claims the key, the other waits
its turn (409 while the first is running)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.api.models import IdempotencyKey
from app.extensions import db
from app.utils.time import utcnow

KEEP_FOR = timedelta(hours=24)


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(token_id: int, key: str, digest: str) -> tuple[str, IdempotencyKey | None]:
    """('new', row) when this request owns the key now (committed), ('replay', row)
    for a finished earlier answer, ('mismatch', row) for another body under the key,
    ('busy', row) while the first request is still running."""
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEEP_FOR))
    row = IdempotencyKey(token_id=token_id, key=key, request_hash=digest)
    db.session.add(row)
    try:
        db.session.commit()
        return "new", row
    except IntegrityError:
        db.session.rollback()
    existing = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.token_id == token_id,
                                                              IdempotencyKey.key == key))
    if existing is None:  # deleted meanwhile (expired or failed): the caller may try again
        return "busy", None
    if existing.request_hash != digest:
        return "mismatch", existing
    if existing.status_code is None:
        return "busy", existing
    return "replay", existing


def store(row_id: int, status: int, body: str) -> None:
    row = db.session.get(IdempotencyKey, row_id)
    if row is not None:
        row.status_code, row.response_body = status, body
        db.session.commit()


def release(row_id: int) -> None:
    """The request failed: the key is free again for a retry."""
    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))
    db.session.commit()
