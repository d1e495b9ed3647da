"""Speaker pages on a 360 px phone in headless Chromium: nothing wider than the screen,
and nothing the strict CSP blocks. In the Chromium shared by all browser tests
(tests/browser/support.py)."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.speakers.models import AssignmentState as S
from tests.agenda.test_browser import live_server  # noqa: F401 (a fixture)
from tests.browser.support import forget_login
from tests.factories import PASSWORD, grant
from tests.speakers.conftest import assign, make_speaker, publish

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_page(browser, live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        yield page
    finally:
        context.close()


def _login(page, base, email):
    page.goto(f"{base}/account/login?next=/e/astana/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#main input[type=submit]")
    page.wait_for_url(lambda url: "/account/login" not in url)


def _fits(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_speaker_and_organiser_pages_fit_a_360px_phone(live_server, phone_page, summit, programme):  # noqa: F811
    event, (water, finance, _w) = summit
    speaker = make_speaker("phone@example.org", given_name="Kubanychbek", family_name="Abdrakhmanov-Toktogulov",
                           organisation="Central Asian Institute for Applied Geosciences")
    mine = assign(water, speaker, state=S.accepted)
    assign(finance, speaker)
    grant(programme, event, "secretariat")
    db.session.commit()
    publish(event)
    page = phone_page
    problems = []
    # The site has no favicon yet; the browser asking for one is not our concern here.
    page.on("console", lambda msg: problems.append(f"{msg.text} {msg.location.get('url')}")
            if msg.type == "error" and not (msg.location.get("url") or "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    widths = {}
    for path in ("/e/astana/speakers", f"/e/astana/speakers/{speaker.id}"):
        page.goto(live_server + path)
        widths[path] = _fits(page)
    _login(page, live_server, speaker.email)
    for path in ("/e/astana/speaker/", f"/e/astana/speaker/sessions/{mine.id}", "/e/astana/speaker/profile",
                 "/e/astana/speaker/travel"):
        page.goto(live_server + path)
        widths[path] = _fits(page)
    page.goto(f"{live_server}/e/astana/")
    page.click(".navbar-toggler")
    page.locator("#main-nav a", has_text="Speaker portal").wait_for(state="visible")  # once the menu has opened
    forget_login(page)
    _login(page, live_server, programme.email)
    for path in (f"/e/astana/manage/speakers/sessions/{water.id}", "/e/astana/manage/speakers/sessions",
                 "/e/astana/manage/speakers/proposals"):
        page.goto(live_server + path)
        widths[path] = _fits(page)

    assert {path: w for path, w in widths.items() if w > 360} == {}
    assert problems == []
