"""/healthz says the process answers; /readyz says it can serve: the database, the rate
limits' Redis, the file storage and the migrations, each named in the answer."""
from __future__ import annotations

import os
import socket

import pytest
from sqlalchemy import text

from app.extensions import limiter
from app.main.readiness import expected_heads
from tests.s3server import REGION, s3_bucket, s3_server  # noqa: F401 (fixtures)


@pytest.fixture
def migrated(app, db):
    """The test database marked as migrated to the head, as `flask db upgrade` leaves it
    (the tests build their tables from the models)."""
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    for head in expected_heads():
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_without_asking_the_database(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise AssertionError("the liveness check must not touch the database")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_each_check_when_all_pass(client, migrated):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {
        "database": "ok", "redis": "not configured", "storage": "ok", "migrations": "ok"}}


def test_readyz_is_503_while_a_migration_is_missing(client, db, migrated):
    db.session.execute(text("UPDATE alembic_version SET version_num = '0011_older'"))
    db.session.commit()
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()["checks"]["migrations"]) == (503, "error")


def test_readyz_is_503_when_the_database_does_not_answer(make_app):
    machine = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/kurultai",
                       SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    response = machine.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "checks": {
        "database": "error", "redis": "not configured", "storage": "ok", "migrations": "skipped"}}


def test_readyz_is_503_when_the_bucket_is_missing(make_app, s3_bucket, migrated):
    endpoint, _bucket = s3_bucket
    machine = make_app(STORAGE_URL="s3://no-such-bucket/uploads", S3_ENDPOINT_URL=endpoint, S3_REGION=REGION)
    response = machine.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok", "redis": "not configured", "storage": "error", "migrations": "ok"}


def test_readyz_is_503_when_the_rate_limit_redis_does_not_answer(make_app, migrated):
    machine = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0")
    response = machine.test_client().get("/readyz")
    assert (response.status_code, response.get_json()["checks"]["redis"]) == (503, "error")


@pytest.mark.skipif(not os.environ.get("REDIS_TEST_URL"), reason="REDIS_TEST_URL names a Redis to check")
def test_readyz_asks_a_configured_redis(make_app, migrated):
    machine = make_app(RATELIMIT_STORAGE_URI=os.environ["REDIS_TEST_URL"])
    response = machine.test_client().get("/readyz")
    assert (response.status_code, response.get_json()["checks"]["redis"]) == (200, "ok")


def test_health_checks_are_not_rate_limited(make_app, migrated):
    machine = make_app(RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="2 per minute")
    try:
        client = machine.test_client()
        assert {client.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(5)} == {200}
        assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]  # the limit is on
    finally:  # the limiter is one object for every app: no application limit may outlive the test
        limiter.limit_manager.set_application_limits([])
