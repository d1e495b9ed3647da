"""The database migrations (Alembic, through Flask-Migrate), bound without importing them.

Alembic and Flask-Migrate add some 10 MB to a process; a web worker never migrates, so
they are imported when something first uses them: a `flask db ...` command, the
readiness check's expected heads, or a test calling `flask_migrate.upgrade()`.
"""
from __future__ import annotations

import click
from flask import Flask


class _Migrations:
    """`app.extensions["migrate"]` until it is first read: then Flask-Migrate is bound to
    the app as `Migrate.init_app` would have bound it at start, and takes this place."""

    def __init__(self, app: Flask, db, options: dict):
        self._app, self._db, self._options = app, db, options

    def bind(self):
        from flask_migrate import Migrate

        Migrate().init_app(self._app, self._db, **self._options)
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.bind(), name)


class _Commands(click.Group):
    """`flask db`: Flask-Migrate's own command group, loaded when it is run."""

    def _real(self) -> click.Group:
        from flask_migrate.cli import db as commands

        return commands

    def make_context(self, info_name, args, parent=None, **extra):
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._real().list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        return self._real().get_command(ctx, cmd_name)


def init_app(app: Flask, db, **options) -> None:
    """What `Migrate(app, db, **options)` does, but lazily: the extension and the `db` command."""
    app.extensions["migrate"] = _Migrations(app, db, options)
    app.cli.add_command(_Commands("db", help="Perform database migrations."))
