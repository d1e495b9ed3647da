"""Kurultai: summit management. The application factory."""
from __future__ import annotations

import logging

from flask import Flask
from flask_babel import lazy_gettext

from config import config_from_env

# The functions below import the application's modules inside their bodies on purpose:
# this file runs first whenever any `app.x` module is imported, so importing the
# domains here at the top would load the whole application (and its factory) for
# every `from app.extensions import db`.


def create_app(config=None) -> Flask:
    """Build the app from a config class (or the environment's choice)."""
    config = config or config_from_env()
    app = Flask(__name__, instance_path=str(config.INSTANCE_DIR))
    app.config.from_object(config)
    register_input_checks(app)
    # The configuration completes and checks itself: development draws the instance's
    # secret key, production refuses weak settings.
    if hasattr(config, "init_app"):
        config.init_app(app)
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)

    configure_logging(app)
    register_extensions(app)
    register_models()
    register_blueprints(app)
    register_signals(app)
    register_jobs(app)
    register_commands(app)
    register_http_cache(app)
    from app import errors, security, templating

    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    return app


def register_input_checks(app: Flask) -> None:
    """Ids in URLs within the database's range, no control characters in what is sent
    (app/utils/inputs.py); before the blueprints, whose routes take these converters."""
    from app.utils import inputs

    app.request_class = inputs.Request
    app.url_map.converters.update(inputs.URL_CONVERTERS)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)
    logging.getLogger("kurultai").setLevel(logging.INFO)


def register_extensions(app: Flask) -> None:
    from app.extensions import babel, bootstrap, csrf, db, limiter, login_manager
    from app.i18n import select_locale
    from app.utils import locks, migrations, storage

    db.init_app(app)
    migrations.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True,
                        compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    # Flask-Login's own wording is English only: the message comes from the catalogue.
    login_manager.login_message = lazy_gettext("Please log in to access this page.")
    login_manager.localize_callback = str  # in the reader's language, when it is flashed
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    locks.init_app(app)
    storage.init_app(app)

    from app.accounts import passwords, web

    passwords.init_app(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        tune_sqlite(app)

    web.init_app(app)


def _sqlite_case(function):
    """A text function SQLite can call; NULL and non-text values pass through."""
    return lambda value: function(value) if isinstance(value, str) else value


def tune_sqlite(app: Flask) -> None:
    """Write-ahead logging for the embedded SQLite database: readers no longer wait for
    a writer (several gunicorn workers share the file) and a commit costs one sync
    instead of several.

    SQLite's own lower() and upper() change only ASCII letters, so searching for
    "мусадик" would miss "Мусадик"; they are replaced by Python's, which know every
    alphabet, as PostgreSQL's do. No index is built on them."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_function("lower", 1, _sqlite_case(str.lower), deterministic=True)
        dbapi_connection.create_function("upper", 1, _sqlite_case(str.upper), deterministic=True)


def register_http_cache(app: Flask) -> None:
    """Published agenda pages and feeds are answered from memory for visitors without a session."""
    from app.agenda.httpcache import PublicPageCache

    app.wsgi_app = PublicPageCache(app.wsgi_app, app)
    app.extensions["public_page_cache"] = app.wsgi_app


def register_models() -> None:
    """Import every models module so the metadata (and Alembic) sees all tables."""
    from app.accounts import models as accounts_models  # noqa: F401
    from app.agenda import models as agenda_models  # noqa: F401
    from app.api import models as api_models  # noqa: F401
    from app.audit import models as audit_models  # noqa: F401
    from app.bilaterals import models as bilaterals_models  # noqa: F401
    from app.checkin import models as checkin_models  # noqa: F401
    from app.events import models as events_models  # noqa: F401
    from app.footprint import models as footprint_models  # noqa: F401
    from app.jobs import models as jobs_models  # noqa: F401
    from app.mail import models as mail_models  # noqa: F401
    from app.personal import models as personal_models  # noqa: F401
    from app.privacy import models as privacy_models  # noqa: F401
    from app.registration import models as registration_models  # noqa: F401
    from app.speakers import models as speakers_models  # noqa: F401


def register_signals(app: Flask) -> None:
    """Connect each domain's receivers to the signals of the domains it reacts to.
    Done here, once, rather than as a side effect of importing a module."""
    from app.agenda import wiring as agenda_wiring
    from app.api import wiring as api_wiring
    from app.bilaterals import wiring as bilaterals_wiring
    from app.checkin import wiring as checkin_wiring
    from app.footprint import wiring as footprint_wiring
    from app.main import wiring as main_wiring
    from app.organiser import wiring as organiser_wiring
    from app.personal import wiring as personal_wiring
    from app.registration import wiring as registration_wiring
    from app.speakers import wiring as speakers_wiring

    for wiring in (agenda_wiring, speakers_wiring, registration_wiring, checkin_wiring, personal_wiring,
                   footprint_wiring, main_wiring, api_wiring, bilaterals_wiring, organiser_wiring):
        wiring.connect(app)


def register_jobs(app: Flask) -> None:
    """The background jobs' queue and tasks, once the wiring has registered the kinds of
    job and the periodic work (app/jobs/queue.py)."""
    from app.jobs import queue

    config = app.config
    config["JOBS_URL"] = config.get("JOBS_URL") or f"sqlite:///{config['INSTANCE_DIR'] / 'jobs-queue.db'}"
    queue.init_app(app)


def register_commands(app: Flask) -> None:
    """Attach the `flask` command-line tools: the platform's and each domain's."""
    from app import commands
    from app.footprint import commands as footprint_commands  # noqa: F401 (attach to its bp.cli)
    from app.registration import commands as registration_commands  # noqa: F401 (attach to its bp.cli)

    commands.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Each domain's blueprint; importing its `views` attaches the routes to `bp`."""
    from app import (accounts, admin, agenda, api, bilaterals, checkin, events, footprint, main, organiser, personal,
                     privacy, registration, speakers)
    from app.accounts import views as accounts_views  # noqa: F401
    from app.admin import views as admin_views  # noqa: F401
    from app.agenda import views as agenda_views  # noqa: F401
    from app.api import views as api_views  # noqa: F401
    from app.bilaterals import views as bilaterals_views  # noqa: F401
    from app.checkin import views as checkin_views  # noqa: F401
    from app.footprint import views as footprint_views  # noqa: F401
    from app.main import event_pages  # noqa: F401 (the events blueprint's pages)
    from app.main import overlay as main_overlay  # noqa: F401 (the personal layer of shared pages)
    from app.main import views as main_views  # noqa: F401
    from app.organiser import job_views  # noqa: F401
    from app.organiser import translation_views  # noqa: F401
    from app.organiser import views as organiser_views  # noqa: F401
    from app.personal import views as personal_views  # noqa: F401
    from app.privacy import views as privacy_views  # noqa: F401
    from app.registration import views as registration_views  # noqa: F401
    from app.speakers import views as speakers_views  # noqa: F401

    for package in (main, accounts, events, organiser, admin, agenda, registration, speakers, checkin, personal,
                    privacy, footprint, api, bilaterals):
        app.register_blueprint(package.bp)
