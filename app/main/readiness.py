"""What /readyz asks before a load balancer sends this process requests: the database
answers, the rate limits' Redis answers (when one is configured), the file storage
answers, and the database has every migration this code expects.

/healthz only says that the process answers; a process that is alive but not ready
(the database down, a migration not yet applied) is taken out of rotation, not restarted.
"""
from __future__ import annotations

from flask import current_app
from limits.storage import storage_from_string
from sqlalchemy import text

from app.extensions import db
from app.utils import storage

OK, ERROR, SKIPPED, NOT_CONFIGURED = "ok", "error", "skipped", "not configured"
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+cluster", "redis+sentinel", "valkey", "valkeys",
                 "valkey+unix", "valkey+cluster", "valkey+sentinel")
TIMEOUT_SECONDS = 2
_CACHE = "readiness"


def _cache() -> dict:
    return current_app.extensions.setdefault(_CACHE, {})


def _fail(name: str, error: Exception) -> str:
    current_app.logger.error("readiness: %s failed: %s", name, error)
    return ERROR


def check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return OK
    except Exception as exc:  # any driver error: the database is not usable
        db.session.rollback()
        return _fail("database", exc)


def check_redis() -> str:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if uri.split("://", 1)[0] not in REDIS_SCHEMES:
        return NOT_CONFIGURED
    try:
        cache = _cache()
        if "redis" not in cache:
            # The rate limiter's own kind of connection, to the same place, kept for the next check.
            cache["redis"] = storage_from_string(uri, socket_connect_timeout=TIMEOUT_SECONDS,
                                                 socket_timeout=TIMEOUT_SECONDS)
        return OK if cache["redis"].check() else _fail("redis", ConnectionError(f"{uri} did not answer"))
    except Exception as exc:  # a URI the client refuses, or a connection error
        return _fail("redis", exc)


def check_storage() -> str:
    try:
        storage.current().check()
        return OK
    except Exception as exc:  # StorageError, or anything the backend raises
        return _fail("storage", exc)


def expected_heads() -> set[str]:
    """The head revisions of the migrations shipped with this code (read once)."""
    cache = _cache()
    if "heads" not in cache:
        from alembic.script import ScriptDirectory  # imported here: some 10 MB a worker only needs for this

        cache["heads"] = set(ScriptDirectory(current_app.extensions["migrate"].directory).get_heads())
    return cache["heads"]


def check_migrations() -> str:
    from alembic.runtime.migration import MigrationContext

    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:  # the database went away between the checks
        return _fail("migrations", exc)
    expected = expected_heads()
    if current != expected:
        return _fail("migrations", RuntimeError(f"the database is at {sorted(current) or 'no revision'}, "
                                                f"the code expects {sorted(expected)}: run flask db upgrade"))
    return OK


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {check: "ok" | "error" | "skipped" | "not configured"})."""
    checks = {"database": check_database()}
    checks["redis"] = check_redis()
    checks["storage"] = check_storage()
    checks["migrations"] = check_migrations() if checks["database"] == OK else SKIPPED
    return all(value in (OK, NOT_CONFIGURED) for value in checks.values()), checks
