"""Kurultai: summit management. The application factory."""
from __future__ import annotations

import importlib
import logging

from flask import Flask

from config import config_from_env

# Domain packages, each exposing a blueprint `bp` whose routes live in `views`.
BLUEPRINTS = (
    "app.main",
    "app.accounts",
    "app.events",
    "app.organiser",
    "app.admin",
    "app.agenda",
    "app.registration",
    "app.speakers",
    "app.checkin",
    "app.api",
)


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
    register_http_cache(app)
    from app import security, templating, errors, commands

    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    commands.init_app(app)
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
    from app.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from app.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True,
                     compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)

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
    for name in ("accounts", "events", "audit", "mail", "agenda", "registration", "speakers", "checkin", "api"):
        try:
            importlib.import_module(f"app.{name}.models")
        except ModuleNotFoundError as exc:
            # A domain not built yet (no package) or without tables (no models
            # module) is skipped; an import error inside a models module is not.
            if exc.name not in (f"app.{name}", f"app.{name}.models"):
                raise


def register_signals(app: Flask) -> None:
    """Connect each domain's receivers to the signals of the domains it reacts to.
    Done here, once, rather than as a side effect of importing a module."""
    from app.agenda import wiring as agenda_wiring
    from app.api import wiring as api_wiring
    from app.checkin import wiring as checkin_wiring
    from app.registration import wiring as registration_wiring

    for wiring in (agenda_wiring, registration_wiring, checkin_wiring, api_wiring):
        wiring.connect(app)


def register_blueprints(app: Flask) -> None:
    for module_name in BLUEPRINTS:
        package = importlib.import_module(module_name)
        importlib.import_module(f"{module_name}.views")  # attaches the routes to package.bp
        app.register_blueprint(package.bp)
