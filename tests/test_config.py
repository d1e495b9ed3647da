"""Configuration: the secret key of an installation, debug under gunicorn, and the
production checks on rate-limit storage."""
from __future__ import annotations

import os
import stat

import pytest
from itsdangerous import BadSignature

from config import SECRET_KEY_FILE, DevelopmentConfig, ProductionConfig, instance_secret_key

STRONG_SECRET = "a-production-secret-key-of-more-than-32-characters"
MEMORY_REFUSED = "RATELIMIT_STORAGE_URI is memory://, which counts in each worker process on its own"


def test_each_instance_draws_its_own_secret_key_and_keeps_it(tmp_path):
    first = instance_secret_key(tmp_path / "one")
    other = instance_secret_key(tmp_path / "two")
    assert first != other
    assert len(first) >= 32 and len(other) >= 32
    assert instance_secret_key(tmp_path / "one") == first
    path = tmp_path / "one" / SECRET_KEY_FILE
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [SECRET_KEY_FILE]  # no candidate left


def test_development_app_signs_with_its_instance_key(make_app, tmp_path, monkeypatch):
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    one = make_app(DevelopmentConfig, SECRET_KEY="", INSTANCE_DIR=tmp_path / "one")
    again = make_app(DevelopmentConfig, SECRET_KEY="", INSTANCE_DIR=tmp_path / "one")
    other = make_app(DevelopmentConfig, SECRET_KEY="", INSTANCE_DIR=tmp_path / "two")
    assert one.config["SECRET_KEY"] == again.config["SECRET_KEY"] == instance_secret_key(tmp_path / "one")
    assert other.config["SECRET_KEY"] != one.config["SECRET_KEY"]
    # A session cookie from one installation means nothing to another.
    serializer = one.session_interface.get_signing_serializer(one)
    cookie = serializer.dumps({"_user_id": "1"})
    assert serializer.loads(cookie) == {"_user_id": "1"}
    with pytest.raises(BadSignature):
        other.session_interface.get_signing_serializer(other).loads(cookie)


def test_a_secret_key_from_the_environment_is_used_as_given(make_app, tmp_path):
    app = make_app(DevelopmentConfig, SECRET_KEY=STRONG_SECRET, INSTANCE_DIR=tmp_path / "given")
    assert app.config["SECRET_KEY"] == STRONG_SECRET
    assert not (tmp_path / "given" / SECRET_KEY_FILE).exists()


def test_development_under_gunicorn_runs_without_debug(make_app, monkeypatch):
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert make_app(DevelopmentConfig).debug is True  # flask run, make run
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    assert make_app(DevelopmentConfig).debug is False
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert make_app(DevelopmentConfig).debug is True


def test_production_refuses_memory_rate_limits(make_app):
    with pytest.raises(RuntimeError, match=MEMORY_REFUSED):
        make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET, RATELIMIT_ALLOW_MEMORY=False)


def test_production_accepts_memory_rate_limits_for_a_single_process_when_told(make_app):
    app = make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET, RATELIMIT_ALLOW_MEMORY=True)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_accepts_shared_rate_limit_storage(make_app):
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    app = make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET, RATELIMIT_ALLOW_MEMORY=False,
                   RATELIMIT_STORAGE_URI=url)
    assert app.config["RATELIMIT_STORAGE_URI"] == url


def test_development_and_testing_keep_memory_rate_limits(make_app):
    app = make_app(DevelopmentConfig, RATELIMIT_ALLOW_MEMORY=False, RATELIMIT_ENABLED=True)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_refuses_a_missing_secret_key(make_app):
    with pytest.raises(RuntimeError, match="Set SECRET_KEY to a random value of at least 32 characters."):
        make_app(ProductionConfig, SECRET_KEY="")


def test_behind_pgbouncer_psycopg_prepares_no_statements(monkeypatch):
    from config import _pooler_options

    monkeypatch.delenv("DATABASE_POOLER", raising=False)
    assert _pooler_options() == {}
    monkeypatch.setenv("DATABASE_POOLER", "PgBouncer")
    assert _pooler_options() == {"connect_args": {"prepare_threshold": None}}
    monkeypatch.setenv("DATABASE_POOLER", "pgpool")
    with pytest.raises(RuntimeError, match="the only pooler known is 'pgbouncer'"):
        _pooler_options()


@pytest.mark.postgres_only
def test_an_app_configured_for_pgbouncer_runs_queries_without_preparing(database_url):
    """Repeated queries, which psycopg would otherwise prepare after the fifth, stay unprepared."""
    from sqlalchemy import create_engine, text

    from config import _pooler_options
    from tests.databases import normalise

    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    os.environ["DATABASE_POOLER"] = "pgbouncer"
    try:
        engine = create_engine(normalise(database_url), **_pooler_options())
    finally:
        del os.environ["DATABASE_POOLER"]
    with engine.connect() as connection:
        for _ in range(8):
            assert connection.execute(text("select 1")).scalar() == 1
        assert connection.execute(text("select count(*) from pg_prepared_statements")).scalar() == 0
    engine.dispose()


def test_postgresql_connections_give_up_in_seconds_when_the_network_breaks(monkeypatch):
    from config import _engine_options

    monkeypatch.delenv("DATABASE_POOLER", raising=False)
    assert "connect_args" not in _engine_options("sqlite:///instance/kurultai.db")
    options = _engine_options("postgresql+psycopg://kurultai@db/kurultai")
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["connect_timeout"] == 5
    assert options["connect_args"]["tcp_user_timeout"] == 10000
    monkeypatch.setenv("DATABASE_POOLER", "pgbouncer")
    options = _engine_options("postgresql+psycopg://kurultai@pgbouncer:6432/kurultai")
    assert options["connect_args"]["prepare_threshold"] is None
    assert options["connect_args"]["keepalives"] == 1


@pytest.mark.postgres_only
def test_postgresql_accepts_the_connection_timeouts(database_url):
    from sqlalchemy import create_engine, text

    from config import _engine_options
    from tests.databases import normalise

    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    engine = create_engine(normalise(database_url), **_engine_options(normalise(database_url)))
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
    engine.dispose()
