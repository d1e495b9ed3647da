"""The migrations build exactly the schema the models describe, and come down again."""
from __future__ import annotations

import json
import logging
import os
import uuid
from contextlib import contextmanager

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from app.checkin.models import OnsiteSettings
from app.extensions import db
from app.footprint import services as footprint
from app.footprint.models import Factor, FootprintSettings
from app.footprint.services.factors import DATA_DIR
from tests.databases import normalise, scratch_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def quiet_alembic_logging():
    """Alembic's env.py configures logging from alembic.ini; put ours back afterwards."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {name: (lg.level, lg.disabled, lg.propagate, list(lg.handlers))
             for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, (level, disabled, propagate, handlers) in saved.items():
        lg = logging.getLogger(name)
        lg.setLevel(level)
        lg.disabled = disabled
        lg.propagate = propagate
        lg.handlers[:] = handlers


def upgrade_compare_downgrade(make_app, url: str) -> None:
    migrated = make_app(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={})
    with migrated.app_context():
        try:
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                       "compare_server_default": True})
                differences = compare_metadata(context, db.metadata)
                tables = set(inspect(connection).get_table_names())
            assert differences == []
            assert tables == set(db.metadata.tables) | {"alembic_version"}

            flask_migrate.downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) == {"alembic_version"}
                assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
        finally:
            db.session.remove()
            db.engine.dispose()


def test_migrations_on_an_empty_sqlite_file(make_app, tmp_path, quiet_alembic_logging):
    upgrade_compare_downgrade(make_app, f"sqlite:///{tmp_path / 'fresh.db'}")


def _admin_url() -> str:
    explicit = os.environ.get("TEST_PG_ADMIN_URL", "")
    if explicit:
        return explicit
    return make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg", database="postgres") \
        .render_as_string(hide_password=False)


def test_migrations_on_a_fresh_postgresql_database(make_app, quiet_alembic_logging):
    if not TEST_DATABASE_URL.startswith("postgres"):
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL database")
    name = f"kurultai_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg", database=name)
            upgrade_compare_downgrade(make_app, url.render_as_string(hide_password=False))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _filler(column) -> object:
    """Some value of the column's type, for a row that only needs to exist."""
    kind = str(column["type"]).upper()
    if "INT" in kind:
        return 1
    if "BOOL" in kind:
        return False
    if "DATETIME" in kind or "TIMESTAMP" in kind:
        return "2027-01-01 00:00:00"
    if "DATE" in kind:
        return "2027-01-01"
    if "JSON" in kind:
        return "[]"
    return ""


def test_consents_given_under_the_old_wording_are_asked_again(make_app, tmp_path, quiet_alembic_logging):
    """0006 widens what the participant list shows: earlier consents are withdrawn."""
    migrated = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}", SQLALCHEMY_ENGINE_OPTIONS={})
    with migrated.app_context():
        try:
            flask_migrate.upgrade(revision="0005")
            with db.engine.begin() as connection:
                columns = [c for c in inspect(connection).get_columns("registrations")
                           if not c["nullable"] or c["name"] == "public_listing"]
                row = {c["name"]: _filler(c) for c in columns}
                row["public_listing"] = True
                names = ", ".join(row)
                connection.execute(text(f"INSERT INTO registrations ({names}) VALUES "
                                        f"({', '.join(':' + n for n in row)})"), row)
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT public_listing FROM registrations")).scalars().all() == [0]
        finally:
            db.session.remove()
            db.engine.dispose()


def _insert(connection, table: str, values: dict) -> None:
    columns = [c for c in inspect(connection).get_columns(table) if not c["nullable"] or c["name"] in values]
    row = {c["name"]: _filler(c) for c in columns}
    row.update(values)
    connection.execute(text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + n for n in row)})"),
                       row)


def test_letter_settings_become_one_text_per_language_and_titles_forms_of_address(make_app, tmp_path,
                                                                                   quiet_alembic_logging):
    """0012: the letterhead is kept as the event's default language's version, the English and
    Russian letter texts become one text's "en" and "ru" versions; "Mrs" becomes "Ms"."""
    migrated = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'letters.db'}", SQLALCHEMY_ENGINE_OPTIONS={})
    with migrated.app_context():
        try:
            flask_migrate.upgrade(revision="0011_api")
            with db.engine.begin() as connection:
                _insert(connection, "events", {"id": 1, "slug": "astana", "languages": '["ru", "en"]'})
                _insert(connection, "onsite_settings", {"id": 1, "event_id": 1, "badge_size": "a6",
                                                        "letter_organisation": "Министерство экологии",
                                                        "letter_body_en": "Hello {name}",
                                                        "letter_body_ru": "Здравствуйте, {name}"})
                _insert(connection, "users", {"id": 1, "email": "a@example.org", "honorific": "Mrs"})
                _insert(connection, "users", {"id": 2, "email": "b@example.org", "honorific": "sir"})
                _insert(connection, "users", {"id": 3, "email": "c@example.org", "honorific": "Ambassador"})
            flask_migrate.upgrade()
            db.session.remove()
            settings = db.session.get(OnsiteSettings, 1)
            assert settings.letter_organisation.texts == {"ru": "Министерство экологии"}
            assert settings.letter_body.texts == {"en": "Hello {name}", "ru": "Здравствуйте, {name}"}
            assert (settings.letter_signatory.texts, settings.letter_addressee.texts) == ({}, {})
            assert settings.badge_languages == []
            with db.engine.connect() as connection:
                titles = connection.execute(text("SELECT honorific FROM users ORDER BY id")).scalars().all()
            assert titles == ["Ms", "Mr", "Ambassador"]
            db.session.remove()
            flask_migrate.downgrade(revision="0011_api")
            with db.engine.connect() as connection:
                row = connection.execute(text("SELECT letter_organisation, letter_body_en, letter_body_ru "
                                              "FROM onsite_settings")).one()
            assert tuple(row) == ("Министерство экологии", "Hello {name}", "Здравствуйте, {name}")
        finally:
            db.session.remove()
            db.engine.dispose()


def test_an_invitation_message_already_written_becomes_the_events_default_language(make_app, tmp_path,
                                                                                   quiet_alembic_logging):
    """0012_outputs: the organisers' message is kept, as the version in the event's own language."""
    migrated = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}", SQLALCHEMY_ENGINE_OPTIONS={})
    with migrated.app_context():
        try:
            flask_migrate.upgrade(revision="0012_multilingual")
            with db.engine.begin() as connection:
                for table, fixed in (("events", {"languages": '["kk", "en"]'}), ("registration_categories", {}),
                                     ("invitations", {"message": "Ждём вас в Астане.", "token_hash": "x"})):
                    columns = [c for c in inspect(connection).get_columns(table) if not c["nullable"]]
                    row = {c["name"]: _filler(c) for c in columns} | fixed
                    names = ", ".join(row)
                    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES "
                                            f"({', '.join(':' + n for n in row)})"), row)
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                stored = connection.execute(text("SELECT message FROM invitations")).scalar_one()
            assert json.loads(stored) == {"kk": "Ждём вас в Астане.", "@": "kk"}
            flask_migrate.downgrade(revision="0012_multilingual")
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT message FROM invitations")).scalar_one() == "Ждём вас в Астане."
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_delegation_name_becomes_the_events_default_language(make_app, tmp_path, quiet_alembic_logging):
    """0023_i18n_more: a delegation's name is kept as the version in the event's own language."""
    migrated = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'delegations.db'}",
                        SQLALCHEMY_ENGINE_OPTIONS={})
    with migrated.app_context():
        try:
            flask_migrate.upgrade(revision="0022_lists")
            with db.engine.begin() as connection:
                _insert(connection, "events", {"id": 1, "slug": "astana", "languages": '["kk", "en"]'})
                _insert(connection, "delegations", {"id": 1, "event_id": 1, "name": "Пәкістан", "country": "PK"})
            flask_migrate.upgrade(revision="0023_i18n_more")
            with db.engine.connect() as connection:
                stored = connection.execute(text("SELECT name FROM delegations")).scalar_one()
            assert json.loads(stored) == {"kk": "Пәкістан", "@": "kk"}
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE delegations SET name = :name"),
                                   {"name": json.dumps({"kk": "Пәкістан", "en": "Pakistan", "@": "kk"})})
            flask_migrate.downgrade(revision="0022_lists")
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT name FROM delegations")).scalar_one() == "Пәкістан"
        finally:
            db.session.remove()
            db.engine.dispose()


@contextmanager
def _empty_database(tmp_path):
    """A database of its own: a PostgreSQL one beside TEST_DATABASE_URL's, else a SQLite file."""
    if TEST_DATABASE_URL.startswith("postgres"):
        with scratch_database(normalise(TEST_DATABASE_URL), f"factors_{uuid.uuid4().hex[:8]}") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'factors.db'}"


def _factor_rows(set_id: int) -> dict:
    return {(f.mode, f.band, f.cabin, f.country): (f.value, f.value_rf, f.unit)
            for f in db.session.scalars(select(Factor).where(Factor.set_id == set_id))}


def _published_rows(name: str) -> dict:
    data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    return {(r["mode"], r.get("band") or "", r.get("cabin") or "", r.get("country") or ""):
            (r["value"], r.get("value_rf"), r["unit"]) for r in data["factors"]}


def test_an_upgraded_database_gets_the_published_factor_sets_and_its_events_wait_for_a_recompute(
        make_app, tmp_path, quiet_alembic_logging):
    """0026_factors: a database whose 2023 set was typed in gets the published 2023 values and
    the 2025 and 2026 sets, all marked as read from the table, and the events following the
    latest set (2026) or that chose the corrected one wait for a recompute; coming down drops
    each of the 2025 and 2026 sets only while nothing uses it."""
    with _empty_database(tmp_path) as url:
        migrated = make_app(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={})
        with migrated.app_context():
            try:
                flask_migrate.upgrade(revision="0025_desk")
                with db.engine.begin() as connection:
                    set_2023 = connection.execute(text("SELECT id FROM footprint_factor_sets")).scalar_one()
                    # As stored before the correction: a figure typed in wrong, hotels missing, no flag.
                    connection.execute(text("UPDATE footprint_factors SET value = 0.9 WHERE mode = 'air' "
                                            "AND band = 'long' AND cabin = 'business'"))
                    connection.execute(text("DELETE FROM footprint_factors WHERE country IN ('FR', 'DE')"))
                    connection.execute(text("UPDATE footprint_factor_sets SET params = :params"),
                                       {"params": json.dumps({"notes": ["typed in"]})})
                    _insert(connection, "users", {"id": 1, "email": "a@example.org"})
                    for event_id in (1, 2, 3, 4):
                        _insert(connection, "events", {"id": event_id, "slug": f"e{event_id}",
                                                       "languages": '["en"]'})
                        _insert(connection, "registration_categories", {"id": event_id, "event_id": event_id})
                    for event_id in (1, 2, 3):         # event 4 has no trip
                        _insert(connection, "registrations", {"id": event_id, "event_id": event_id, "user_id": 1,
                                                              "category_id": event_id})
                        _insert(connection, "footprint_trips", {"id": event_id, "registration_id": event_id,
                                                                "event_id": event_id, "set_id": set_2023})
                    # Event 1 never saved its choices, 2 follows the latest set, 3 chose 2023.
                    _insert(connection, "footprint_settings", {"id": 2, "event_id": 2, "factor_set_id": None})
                    _insert(connection, "footprint_settings", {"id": 3, "event_id": 3, "factor_set_id": set_2023})

                flask_migrate.upgrade()
                db.session.remove()
                assert [(s.year, s.version, s.verified) for s in footprint.factor_sets()] == [
                    (2026, 1, True), (2025, 1, True), (2023, 1, True)]
                set_2025 = footprint.stored_set(2025, 1).id
                set_2026 = footprint.stored_set(2026, 1).id
                assert _factor_rows(set_2023) == _published_rows("desnz-2023.json")
                assert _factor_rows(set_2025) == _published_rows("desnz-2025.json")
                assert _factor_rows(set_2026) == _published_rows("desnz-2026.json")
                assert sorted(footprint.pending_events()) == [1, 2, 3]
                made = db.session.scalar(select(FootprintSettings).where(FootprintSettings.event_id == 1))
                assert (made.factor_set_id, made.radiative_forcing, made.currency) == (None, True, "EUR")
                assert db.session.scalar(select(FootprintSettings).where(FootprintSettings.event_id == 4)) is None
                db.session.remove()

                flask_migrate.downgrade(revision="0025_desk")
                assert [(s.year, s.verified) for s in footprint.factor_sets()] == [(2023, True)]
                db.session.remove()

                def up_again_using(year, update):
                    """Upgrade, make something use the `year` set (`update` names it :id), come down."""
                    flask_migrate.upgrade()
                    with db.engine.begin() as connection:
                        set_id = connection.execute(text("SELECT id FROM footprint_factor_sets WHERE year = :year"),
                                                    {"year": year}).scalar_one()
                        connection.execute(text(update), {"id": set_id})
                    flask_migrate.downgrade(revision="0025_desk")

                up_again_using(2025, "UPDATE footprint_trips SET set_id = :id WHERE event_id = 1")
                assert [s.year for s in footprint.factor_sets()] == [2025, 2023]     # a trip was computed with it
                db.session.remove()
                up_again_using(2026, "UPDATE footprint_settings SET factor_set_id = :id WHERE event_id = 2")
                assert [s.year for s in footprint.factor_sets()] == [2026, 2025, 2023]    # an event chose 2026
            finally:
                db.session.remove()
                db.engine.dispose()
