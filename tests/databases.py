"""The databases the tests run on: SQLite files by default, PostgreSQL when
TEST_DATABASE_URL names one. Each test process (and the browser tests' live server)
gets a PostgreSQL database of its own, made for the run and dropped after it."""
from __future__ import annotations

import os
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def normalise(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def admin_engine(url: str):
    """An engine on the server's `postgres` database (or TEST_PG_ADMIN_URL), outside transactions."""
    admin = os.environ.get("TEST_PG_ADMIN_URL") or make_url(url).set(database="postgres").render_as_string(
        hide_password=False)
    return create_engine(normalise(admin), isolation_level="AUTOCOMMIT")


@contextmanager
def scratch_database(url: str, suffix: str):
    """A fresh PostgreSQL database named after `url`'s with `_<suffix>`, dropped on exit;
    yields its URL."""
    name = f"{make_url(url).database}_{suffix}"
    admin = admin_engine(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
