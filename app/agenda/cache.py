"""Rendered public agenda bodies, cached per publication, language and variant.

A body is named by the publication's `cache_token`, which changes with every
publication (and when `invalidate_public_cache` is called, e.g. after the event's
own settings change), and by a digest of the code that renders it, so a stale body
is never served, not even after an upgrade: each request reads the current token in the one query it needs
anyway to find the event. Bodies live in this process's memory and in the
`agenda_rendered` table, so one rendering serves every worker on every machine.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError

from app.agenda.models import Publication, RenderedPage
from app.events.models import Event
from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import as_utc, utcnow

# Bodies kept in memory: bounded by number and total size (a summit has hundreds of
# session and speaker pages besides the agenda and its feeds: some 16 MB for 300 sessions
# and 500 speakers in three languages). Every worker holds its own, next to the HTTP
# cache's copies (`httpcache`), so the bound is a worker's memory too; the least
# recently used bodies are read back from the table.
_MEMORY_ENTRIES = 4096
_MEMORY_BYTES = 16 * 1024 * 1024
_memory: OrderedDict[str, bytes] = OrderedDict()
_memory_bytes = [0]
_lock = threading.Lock()


class PublicState:
    """An event's id, whether it is public, and the identity of its current publication.

    Read with one small query on every public agenda request; the Event object
    itself is loaded only when a page has to be rendered.
    """

    def __init__(self, event_id: int, published: bool, publication_id: int | None, version: int | None,
                 token: str | None, changed_at: datetime | None, languages: list | str | None = None):
        self.event_id = event_id
        self.published = bool(published)
        self.publication_id = publication_id
        self.version = version
        self.token = token
        self.changed_at = as_utc(changed_at) if changed_at else None
        if isinstance(languages, str):  # SQLite hands the JSON column back as text
            languages = json.loads(languages)
        self.languages: list[str] = list(languages or ["en"])
        self._event: Event | None = None

    @property
    def default_language(self) -> str:
        """The event's own language: feeds asked for no language are written in it."""
        return self.languages[0]

    @property
    def event(self) -> Event:
        if self._event is None:
            self._event = db.session.get(Event, self.event_id)
        return self._event

    def key(self, kind: str, locale: str, variant: str = "") -> str:
        return f"{self.event_id}:{self.token}:{code_version()}:{kind}:{locale}:{variant}"

    def etag(self, kind: str, locale: str, variant: str = "") -> str:
        return hashlib.sha1(self.key(kind, locale, variant).encode()).hexdigest()[:24]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the application's code, templates and translations, read once per process.

    Part of every body's name: after an upgrade that changes how pages look (a
    template, a date format, a translation), bodies stored by the old release in
    the shared table are not served; the new release renders its own.
    """
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html", ".po", ".css", ".js") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


# Plain SQL: this runs on every public request, and building the statement with the
# expression language costs more than running it.
_STATE_SQL = text(
    "SELECT e.id, e.published, p.id AS publication_id, p.version, p.cache_token, p.refreshed_at, "
    "e.languages "
    "FROM events e LEFT OUTER JOIN agenda_publications p ON p.event_id = e.id AND p.version = "
    "(SELECT max(q.version) FROM agenda_publications q WHERE q.event_id = e.id) "
    "WHERE e.slug = :slug"
).columns(refreshed_at=UTCDateTime())


def public_state(slug: str) -> PublicState | None:
    """The event with `slug` and its latest publication's id, version and cache token (one query)."""
    row = db.session.execute(_STATE_SQL, {"slug": slug}).first()
    if row is None:
        return None
    return PublicState(*row)


# Bodies are stored in the table gzip-compressed at the fastest level: the agenda's 320 KB
# go in as about 20 KB. Stored as they are, PostgreSQL compressed them itself, which made
# writing the row (in the request that rendered the page) take three times as long.
_PACK_LEVEL = 1
_PACK_MIN = 1024
_GZIP_MAGIC = b"\x1f\x8b"


def _packed(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=_PACK_LEVEL, mtime=0) if len(body) >= _PACK_MIN else body


def _unpacked(stored: bytes) -> bytes:
    """A stored body as rendered (no body of ours starts as gzip does: HTML, JSON, XML,
    iCalendar and PDF begin otherwise; rows of an earlier release are plain)."""
    return gzip.decompress(stored) if stored[:2] == _GZIP_MAGIC else stored


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
        body = _unpacked(row.body)
    else:
        wrote = True
        body = render()
        try:
            with db.session.begin_nested():
                db.session.add(RenderedPage(key=key, event_id=state.event_id, body=_packed(body),
                                            created_at=utcnow()))
        except IntegrityError:
            pass
    with _lock:
        old = _memory.pop(key, None)
        _memory_bytes[0] += len(body) - (len(old) if old is not None else 0)
        _memory[key] = body
        while len(_memory) > 1 and (len(_memory) > _MEMORY_ENTRIES or _memory_bytes[0] > _MEMORY_BYTES):
            _memory_bytes[0] -= len(_memory.popitem(last=False)[1])
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
        _memory_bytes[0] = 0


def on_event_changed(event: Event, **_changes) -> None:
    """The event's title, dates or zone show in every public body: render them again."""
    invalidate_public_cache(event)

