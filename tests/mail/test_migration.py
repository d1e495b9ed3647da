"""Messages already in the outbox when the Message-ID column arrives get one each."""
from __future__ import annotations

import flask_migrate
from sqlalchemy import text

from app.extensions import db
from tests.test_migrations import quiet_alembic_logging  # noqa: F401 (fixture)

INSERT = ("INSERT INTO outbox_messages (to_address, subject, body_text, body_html, template, locale, status, "
          "attempts, next_attempt_at, locked_by, last_error, created_at) VALUES (:to, 'Hello', 'Text', '', "
          "'password_changed', 'en', 'queued', 0, '2027-01-01 00:00:00', '', '', '2027-01-01 00:00:00')")


def test_queued_messages_get_distinct_message_ids(make_app, tmp_path, quiet_alembic_logging):  # noqa: F811
    migrated = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}", SQLALCHEMY_ENGINE_OPTIONS={})
    with migrated.app_context():
        try:
            flask_migrate.upgrade(revision="0006")
            with db.engine.begin() as connection:
                for to in ("a@example.org", "b@example.org"):
                    connection.execute(text(INSERT), {"to": to})
            flask_migrate.upgrade(revision="0007_ops")
            with db.engine.connect() as connection:
                ids = connection.execute(text("SELECT message_id FROM outbox_messages ORDER BY id")).scalars().all()
            assert len(set(ids)) == 2
            assert all(i.startswith("<") and i.endswith("@kurultai.local>") for i in ids)
        finally:
            db.session.remove()
            db.engine.dispose()
