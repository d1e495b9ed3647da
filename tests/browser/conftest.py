"""Browser fixtures: the app served for real on 127.0.0.1 (its own SQLite file,
seeded with the demo summit, CSRF on, rate limits off) and one headless
Chromium for the whole session.

Without a Chromium (or without axe-core for the accessibility sweep) the
browser tests skip, unless KURULTAI_REQUIRE_BROWSER=1 makes them fail.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.browser.support import AXE_PATH, DESKTOP, log_in, unavailable

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class LiveServer:
    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.url = f"http://{server.host}:{server.port}"
        # Values for the placeholders of tests/browser/pages.py, filled by _prepare_data().
        self.values: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        return self.url + path.format(**self.values)


def _live_config(instance: Path):
    class LiveConfig(TestingConfig):
        # A real browser on a real server: the forms carry CSRF tokens like in production.
        TESTING = False
        WTF_CSRF_ENABLED = True
        RATELIMIT_ENABLED = False
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{instance / 'browser.db'}"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30, "check_same_thread": False}}
        INSTANCE_DIR = instance
        UPLOAD_DIR = instance / "uploads"
        PREFERRED_URL_SCHEME = "http"
        SESSION_COOKIE_SECURE = False
        REMEMBER_COOKIE_SECURE = False
        SEND_FILE_MAX_AGE_DEFAULT = 3600  # spare the shared contexts revalidating Bootstrap on every page

    return LiveConfig


def _prepare_data(live: LiveServer) -> None:
    """The demo summit plus what some pages need: a reset token, an email in the
    outbox and a few audit entries."""
    from app.accounts import services as accounts
    from app.accounts.models import User
    from app.events import services as events
    from app.events.models import EventRoleName
    from app.mail.models import OutboxMessage
    from app.seed import DEMO_SLUG, seed_demo
    from sqlalchemy import select

    db.create_all()
    seed_demo()
    event = events.get_event_or_404(DEMO_SLUG)
    secretariat = User.by_email("secretariat@example.org")
    viewer = User.by_email("viewer@example.org")
    grant = events.grant_role(event, viewer, EventRoleName.programme, actor=secretariat)
    events.revoke_role(grant, actor=secretariat)
    accounts.request_password_reset("protocol@example.org")
    token = accounts.create_token(viewer, "reset", hours=24)
    db.session.commit()
    live.values.update(
        reset_token=token,
        user_id=str(viewer.id),
        message_id=str(db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id))),
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("browser-instance")
    app = create_app(_live_config(instance))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(app, server)
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.port}"
    with app.app_context():
        _prepare_data(live)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def chromium_executable() -> str | None:
    """KURULTAI_CHROMIUM if set (a path), else Debian's chromium on the PATH."""
    chosen = os.environ.get("KURULTAI_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_executable()
    if executable is None:
        chosen = os.environ.get("KURULTAI_CHROMIUM")
        unavailable(f"no Chromium at KURULTAI_CHROMIUM={chosen}" if chosen
                    else "no Chromium installed (apt-get install chromium) to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken or incompatible Chromium: say why
        playwright.stop()
        unavailable(f"Chromium at {executable} did not start: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        unavailable(f"axe-core is missing ({AXE_PATH.relative_to(AXE_PATH.parents[2])}): run npm install")
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def auth_states(browser, live_server):
    """Cookies of each demo account, logged in once through the form and reused."""
    states: dict[str, dict] = {}

    def state_for(account: str) -> dict:
        if account not in states:
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            log_in(page, live_server.url, account)
            states[account] = context.storage_state()
            context.close()
        return states[account]

    return state_for


def _watch(page):
    """Collect JavaScript errors and console errors (CSP refusals among them) in page.problems."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.problems = problems
    return page


def _context(browser, state=None, viewport=DESKTOP, **options):
    context = browser.new_context(viewport=viewport, storage_state=state, **options)
    context.set_default_timeout(5000)  # a page of this app that takes longer is a failure
    return context


@pytest.fixture
def new_page(browser, auth_states):
    """new_page(account=None, viewport=DESKTOP): a page in a fresh browser context
    (its own cookies), logged in as the demo account if one is named."""
    contexts = []

    def make(account: str | None = None, viewport: dict = DESKTOP, **options):
        context = _context(browser, auth_states(account) if account else None, viewport, **options)
        contexts.append(context)
        return _watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def _shared_contexts(browser, auth_states):
    contexts: dict = {}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def shared_page(browser, auth_states, _shared_contexts):
    """shared_page(account=None): a new page in one context per account kept for the
    session, so the browser's cache spares reloading the stylesheets on every
    test. Only for tests that leave the session as they found it (no language
    switch, no logging out)."""
    pages = []

    def make(account: str | None = None):
        if account not in _shared_contexts:
            _shared_contexts[account] = _context(browser, auth_states(account) if account else None)
        page = _watch(_shared_contexts[account].new_page())
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()
