"""Alembic environment: runs migrations against the app's database (see `flask db`)."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from app.utils.db import UTCDateTime

config = context.config
if config.config_file_name and not getattr(config, "skip_logging_config", False):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write our own column types by their short name (the template imports them)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "UTCDateTime()"
    return False


def run_offline() -> None:
    context.configure(url=str(db.engine.url), target_metadata=db.metadata, literal_binds=True,
                      render_as_batch=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    def skip_empty(context_, revision, directives):
        # `flask db migrate` with no model change should not write an empty file.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", skip_empty)
    options["render_item"] = render_item
    connectable = db.engine
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
