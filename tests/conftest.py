"""Shared fixtures: an app on a real database (SQLite file by default, PostgreSQL
when TEST_DATABASE_URL is set), emptied after every test.

Tables are emptied rather than rolled back because the code under test commits
(views commit once per request) and the concurrency tests use several real
connections at once; both need data that is really in the database.
"""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text

from app import create_app
from app.extensions import db as _db
from config import TestingConfig
from tests.browser.support import browser  # noqa: F401 (fixture: the one Chromium of the test process)
from tests.databases import TEST_DATABASE_URL, normalise, scratch_database

TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"


def _compile_stale_catalogs() -> None:
    """Compile each messages.po whose .mo is missing or older, as `make` does, so a
    bare `pytest` run serves Russian and Kazakh pages too. Written to a temporary
    file and renamed, so parallel workers never read half a file."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, prefix=".messages-", suffix=".mo")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo_path)


class Client(FlaskClient):
    """A test client whose every request starts with an empty `flask.g`, as in production.

    Each test keeps one app context open (to use the database between requests) and
    Flask reuses it for the requests; without this, what one request caches in `g`
    (the logged-in user, the event, permission answers) would leak into the next, and
    a session ended on the server would still look logged in.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite in a temporary file, or TEST_DATABASE_URL. Under pytest-xdist each worker
    gets a PostgreSQL database of its own (<name>_gw0, ...), made for the run and dropped
    after it: workers sharing one would drop and empty each other's tables."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url = normalise(TEST_DATABASE_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        yield url
        return
    with scratch_database(url, worker) as scratch:
        yield scratch


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        INSTANCE_DIR = instance
        UPLOAD_DIR = instance / "uploads"

    _compile_stale_catalogs()
    if database_url.startswith("sqlite"):
        Config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    application = create_app(Config)
    application.test_client_class = Client
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _empty_tables():
    """Delete every row, children first, and start the ids again from 1 (as SQLite does
    once a table is empty). DELETE, not TRUNCATE, on PostgreSQL too: TRUNCATE gives each
    table new files, some 0.2 s a test for a few rows, minutes over the suite."""
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    if _db.engine.dialect.name == "postgresql":
        _db.session.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
            "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
    _db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs inside an app context on empty tables."""
    with app.app_context():
        yield
        _db.session.rollback()
        _db.session.remove()
        _empty_tables()
        # Responses kept in memory belong to the data just deleted.
        app.extensions["public_page_cache"].forget()
        from app.agenda import cache as agenda_cache

        agenda_cache.clear_memory()
        from app.agenda import services as agenda_services

        agenda_services.clear_read()
        from app.agenda.listing import clear_written

        clear_written()
        if app.config.get("RATELIMIT_ENABLED"):
            from app.extensions import limiter

            limiter.reset()


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """Build another app on the same test database with some settings changed
    (rate limits on, CSRF on, production cookies...): `make_app(RATELIMIT_ENABLED=True)`
    or `make_app(ProductionConfig, SECRET_KEY=...)`.

    Data made in the test must be committed before the other app can see it. The
    rate limiter is a single object shared by every app, so afterwards it is put
    back to the session app's settings (limits off).
    """
    from app.extensions import limiter

    built = []

    def build(base=TestingConfig, **settings):
        attrs = {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": tmp_path / "instance",
                 "UPLOAD_DIR": tmp_path / "instance" / "uploads",
                 "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                 # One test process serves: production may count rate limits in memory.
                 "RATELIMIT_ALLOW_MEMORY": True}
        attrs.update(settings)
        other = create_app(type(f"Test{base.__name__}", (base,), attrs))
        other.test_client_class = Client
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            _db.session.remove()
            _db.engine.dispose()
    limiter.init_app(app)


@pytest.fixture
def clock():
    """The application's clock (what `app.utils.time.utcnow()` answers): tests fix it
    with `clock.set(datetime(..., tzinfo=UTC))`, move it with `clock.advance(minutes=5)`
    or hold it for a block with `with clock.at(moment):`. It follows the system clock
    again after the test."""
    from app.utils.time import clock as app_clock

    app_clock.reset()
    yield app_clock
    app_clock.reset()


@pytest.fixture
def leave_out_locks(app):
    """For a concurrency test's control run: `leave_out_locks("places")` makes the app
    skip that serialising lock (see app.utils.locks) until the test ends."""
    from app.utils.locks import EXTENSION, Locks

    before = app.extensions[EXTENSION]

    def leave_out(*names: str) -> None:
        app.extensions[EXTENSION] = Locks(leave_out=names)

    yield leave_out
    app.extensions[EXTENSION] = before


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def is_postgres(app):
    return _db.engine.dialect.name == "postgresql"


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run inside it."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement, re.I):
                counter.statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return counting
