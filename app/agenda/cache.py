"""Rendered public agenda bodies, cached per publication, language and variant.

A body is named by the publication's `cache_token`, which changes with every
publication (and when `invalidate_public_cache` is called), so a stale body is
never served: each request reads the current token in the one query it needs
anyway to find the event. Bodies live in this process's memory and in the
`agenda_rendered` table, so one rendering serves every worker on every machine.
"""
from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError

from app.agenda.models import Publication, RenderedPage
from app.events.models import Event
from app.extensions import db
from app.utils.time import as_utc, utcnow

_MEMORY_ENTRIES = 48
_memory: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class PublicState:
    """The event and the identity of its current publication, read in one query."""

    event: Event
    publication_id: int | None
    version: int | None
    token: str | None
    changed_at: datetime | None

    def key(self, kind: str, locale: str, variant: str = "") -> str:
        return f"{self.event.id}:{self.token}:{kind}:{locale}:{variant}"

    def etag(self, kind: str, locale: str, variant: str = "") -> str:
        return hashlib.sha1(self.key(kind, locale, variant).encode()).hexdigest()[:24]


def public_state(slug: str) -> PublicState | None:
    """The event with `slug` and its latest publication's id, version and cache token (one query)."""
    latest = (select(func.max(Publication.version)).where(Publication.event_id == Event.id)
              .correlate(Event).scalar_subquery())
    row = db.session.execute(
        select(Event, Publication.id, Publication.version, Publication.cache_token, Publication.refreshed_at)
        .outerjoin(Publication, and_(Publication.event_id == Event.id, Publication.version == latest))
        .where(Event.slug == slug)).first()
    if row is None:
        return None
    event, pub_id, version, token, changed_at = row
    return PublicState(event=event, publication_id=pub_id, version=version, token=token,
                       changed_at=as_utc(changed_at) if changed_at else None)


def cached_body(state: PublicState, key: str, render: Callable[[], bytes]) -> tuple[bytes, bool]:
    """The body stored under `key` and whether it was rendered now (then the caller commits).

    Adds a row to the database session when it renders. Two workers rendering
    at once both succeed: the second insert is dropped.
    """
    with _lock:
        body = _memory.get(key)
        if body is not None:
            _memory.move_to_end(key)
            return body, False
    row = db.session.get(RenderedPage, key)
    wrote = False
    if row is not None:
        body = row.body
    else:
        wrote = True
        body = render()
        try:
            with db.session.begin_nested():
                db.session.add(RenderedPage(key=key, event_id=state.event.id, body=body, created_at=utcnow()))
        except IntegrityError:
            pass
    with _lock:
        _memory[key] = body
        while len(_memory) > _MEMORY_ENTRIES:
            _memory.popitem(last=False)
    return body, wrote


def invalidate_public_cache(event: Event) -> None:
    """Make every public agenda body of `event` render afresh (e.g. after a speaker confirms).

    Gives the current publication a new cache token and drops stored bodies;
    flushes, the caller commits.
    """
    publication = db.session.scalar(select(Publication).where(Publication.event_id == event.id)
                                    .order_by(Publication.version.desc()).limit(1))
    if publication is not None:
        publication.cache_token = uuid.uuid4().hex
        publication.refreshed_at = utcnow()
    db.session.execute(delete(RenderedPage).where(RenderedPage.event_id == event.id))
    db.session.flush()


def clear_memory() -> None:
    """Forget this process's bodies (tests start from an empty database)."""
    with _lock:
        _memory.clear()
