"""Bilaterals in a real headless Chromium: the Pakistan head asks Kazakhstan for a meeting,
Kazakhstan's head accepts a suggested time, protocol books a room, both heads find it in
their agenda and private calendar feed, and no public output shows it. Each bilateral page
on the way passes axe-core (WCAG 2.2 AA) and fits a 360 px phone as well as 1280 px.

Skipped where Chromium, Playwright or axe-core is missing, unless KURULTAI_REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import re

import pytest

from app.bilaterals.models import Bilateral, BilateralState as S
from app.extensions import db
from tests.bilaterals.conftest import SECRET_TOPIC
from tests.browser.support import (AXE_PATH, DESKTOP, PHONE, describe_violations, forget_login, horizontal_overflow,
                                   run_axe, served_in_thread, unavailable)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
PAIR = "Pakistan – Kazakhstan"


@pytest.fixture
def live_server(app):
    with served_in_thread(app) as url:
        yield url


@pytest.fixture
def axe_source():
    if not AXE_PATH.exists():
        unavailable("axe-core is missing: run npm install")
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


def _log_in(page, base, user):
    forget_login(page)
    page.goto(f"{base}/account/login")
    page.fill("main input[name=email]", user.email)
    page.fill("main input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form [type=submit]")
    assert "/account/login" not in page.url


def _sweep(page, axe_source, checked: list[str]) -> None:
    """The page as it stands, at 1280 px and at 360 px: no axe violation, no sideways scroll."""
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        violations = run_axe(page, axe_source)
        assert violations == [], f"{page.url} at {viewport['width']} px:\n{describe_violations(violations)}"
        if viewport is PHONE:
            assert horizontal_overflow(page) is None, (page.url, horizontal_overflow(page))
    page.set_viewport_size(DESKTOP)
    checked.append(page.url)


def test_request_accept_confirm_and_nothing_public(live_server, tab, world, axe_source):
    base, checked = live_server, []
    # Pakistan's head asks; a first try without a window is refused next to the field.
    _log_in(tab, base, world.heads["pk"])
    tab.goto(f"{base}/e/astana/bilaterals")
    _sweep(tab, axe_source, checked)
    tab.click("main a[href$='/bilaterals/new']")  # the page is in Russian, the head's language
    tab.select_option("#counterpart_id", str(world.kz.id))
    tab.fill("#topic", SECRET_TOPIC)
    tab.fill("#contact_name", "Aisha Khan")
    tab.fill("#contact_email", "aisha@example.org")
    with tab.expect_navigation():
        tab.click("main form [type=submit]")
    assert tab.locator("#window1_start-error").is_visible()
    _sweep(tab, axe_source, checked)
    tab.fill("#window1_start", "2027-04-22T09:00")
    tab.fill("#window1_end", "2027-04-22T18:00")
    with tab.expect_navigation():
        tab.click("main form [type=submit]")
    assert tab.locator(".flash-messages .alert-success").count() == 1, tab.inner_text("main")
    bilateral = db.session.query(Bilateral).one()
    _sweep(tab, axe_source, checked)

    # Kazakhstan's head takes the first time offered (12:00, after the panel he chairs).
    _log_in(tab, base, world.heads["kz"])
    tab.goto(f"{base}/e/astana/bilaterals/{bilateral.id}")
    assert SECRET_TOPIC in tab.inner_text("main")
    _sweep(tab, axe_source, checked)
    assert "12:00" in tab.inner_text("label[for=slot-1]")
    with tab.expect_navigation():
        tab.click("form[action$='/accept'] [type=submit]")
    db.session.expire_all()
    assert db.session.get(Bilateral, bilateral.id).state == S.accepted

    # Protocol books the smallest room; its lists and pages pass too.
    _log_in(tab, base, world.protocol)
    for path in ("/manage/bilaterals", "/manage/bilaterals/rooms", "/manage/bilaterals/rules",
                 "/manage/bilaterals/interpreters"):
        tab.goto(f"{base}/e/astana{path}")
        _sweep(tab, axe_source, checked)
    tab.goto(f"{base}/e/astana/bilaterals/{bilateral.id}")
    _sweep(tab, axe_source, checked)
    tab.select_option("#confirm-room_id", str(world.rooms["small"].id))
    with tab.expect_navigation():
        tab.click("form[action$='/confirm'] [type=submit]")
    db.session.expire_all()
    assert db.session.get(Bilateral, bilateral.id).state == S.confirmed
    tab.goto(f"{base}/e/astana/manage/bilaterals/today?day=2027-04-22")
    assert PAIR in tab.inner_text("main")
    _sweep(tab, axe_source, checked)

    # Both heads find it in their agenda and in their private calendar feed.
    for head in (world.heads["pk"], world.heads["kz"]):
        _log_in(tab, base, head)
        tab.goto(f"{base}/e/astana/my-agenda")
        assert PAIR in tab.inner_text("#bilaterals-title + ol")
        _sweep(tab, axe_source, checked)
        feed_url = tab.input_value("#feed-url")
        feed = tab.request.get(re.sub(r"^https?://[^/]+", base, feed_url)).text()
        assert PAIR in feed and "SEQUENCE:1" in feed and SECRET_TOPIC not in feed

    # Nothing of it in any public output.
    forget_login(tab)
    for path in ("/e/astana/", "/e/astana/agenda", "/e/astana/schedule.json", "/e/astana/schedule.xml",
                 "/e/astana/agenda.ics", "/e/astana/participants", "/api/v1/events/astana/sessions",
                 "/api/v1/events/astana/participants"):
        body = tab.request.get(f"{base}{path}").text()
        assert PAIR not in body and SECRET_TOPIC not in body, path
    assert len(checked) >= 12
