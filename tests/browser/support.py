"""Helpers shared by the browser tests: demo accounts, logging in through the
real form, and running axe-core in a page."""
from __future__ import annotations

import json
import os
import shutil
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

DEMO_PASSWORD = "summit-demo"
ACCOUNTS = ("admin", "secretariat", "programme", "accreditation", "protocol", "checkin", "viewer")
ORGANISER_ROLES = ("secretariat", "programme", "accreditation", "protocol", "checkin", "viewer")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe files landmarks and heading order under "best practice", outside the WCAG
# tags; they matter to screen-reader users finding their way, so they run too.
AXE_EXTRA_RULES = [
    "heading-order", "page-has-heading-one", "landmark-one-main", "landmark-unique", "region",
    "landmark-banner-is-top-level", "landmark-contentinfo-is-top-level", "landmark-main-is-top-level",
    "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main",
    "skip-link", "empty-heading", "empty-table-header",
]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def browser_required() -> bool:
    """CI sets KURULTAI_REQUIRE_BROWSER=1 so a missing browser fails instead of skipping."""
    return os.environ.get("KURULTAI_REQUIRE_BROWSER", "") == "1"


def unavailable(reason: str):
    if browser_required():
        pytest.fail(f"{reason} (KURULTAI_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def email_of(account: str) -> str:
    return account if "@" in account else f"{account}@example.org"


def forget_login(page) -> None:
    """Drop the browser's cookies once nothing of the current page is still loading: a
    response arriving after the cookies are cleared (a stylesheet, with the refreshed
    session cookie) would log the browser in again."""
    page.goto("about:blank")
    page.context.clear_cookies()


def log_in(page, base_url: str, account: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, as a person would, and wait for the next page."""
    page.goto(f"{base_url}/account/login")
    page.locator("main input[name=email]").fill(email_of(account))
    page.locator("main input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert "/account/login" not in page.url, f"login as {account} failed: {page.locator('main').inner_text()}"


def run_axe(page, axe_source: str) -> list[dict]:
    """Inject axe-core (through the DevTools protocol, so the page's CSP does not
    block it) and return the WCAG 2.2 AA violations found."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {axe_source}\n }}")
    return page.evaluate(
        """async ([tags, extra]) => {
            const rules = Object.fromEntries(extra.map(id => [id, {enabled: true}]));
            const results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, rules,
                                                            resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        [AXE_TAGS, AXE_EXTRA_RULES],
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {' '.join((node['summary'] or '').split())}")
    return "\n".join(lines)


def horizontal_overflow(page) -> dict | None:
    """None if the page fits the window's width, else the widths and the elements
    sticking out (those inside a box that scrolls or clips them do not count)."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            if (root.scrollWidth <= window.innerWidth) return null;
            const clipped = el => {
                if (["absolute", "fixed"].includes(getComputedStyle(el).position)) return false;
                for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (getComputedStyle(a).overflowX !== "visible") return true;
                }
                return false;
            };
            const describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                + (typeof el.className === "string" && el.className.trim()
                   ? "." + el.className.trim().split(/\\s+/).join(".") : "")
                + " right=" + Math.round(el.getBoundingClientRect().right);
            const wide = [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el));
            return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, elements: wide.slice(0, 8).map(describe)};
        }"""
    )


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
    """One headless Chromium for the whole test process, for every domain's browser
    tests: Playwright's sync API refuses a second instance in the same process."""
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


@contextmanager
def served_in_thread(app, **overrides):
    """A copy of `app`'s configuration (CSRF on, as in production; `overrides` on top)
    served on 127.0.0.1 from a thread, sharing the test database; yields its base URL."""
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = type("LiveConfig", (), dict(app.config))
    config.WTF_CSRF_ENABLED = True
    config.SERVER_NAME = f"127.0.0.1:{port}"
    config.PREFERRED_URL_SCHEME = "http"
    config.TESTING = True
    for key, value in overrides.items():
        setattr(config, key, value)
    served = create_app(config)
    server = make_server("127.0.0.1", port, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with served.app_context():
            db.session.remove()
            db.engine.dispose()
