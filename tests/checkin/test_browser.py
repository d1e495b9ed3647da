"""The check-in desk in a real headless Chromium: check in by the typed short code and by
name search, see the already-checked-in warning on the second scan, with the field
focused and empty after each answer (as a USB scanner needs).

It serves the app (with CSRF on, as in production) from a thread of its own on the test
database, in the Chromium shared by all browser tests (tests/browser/support.py: skipped
where Chromium or Playwright is missing, unless KURULTAI_REQUIRE_BROWSER=1).
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.checkin import services
from app.checkin.models import CheckIn
from app.extensions import db
from tests.browser.support import served_in_thread
from tests.checkin.conftest import make_delegate
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 from a thread, sharing the test database; yields its base URL."""
    with served_in_thread(app) as url:
        yield url


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 780})  # a phone at the entrance
    tab = context.new_page()
    tab.set_default_timeout(10000)
    try:
        yield tab
    finally:
        context.close()


def _wait_for_checked_count(page, count: str) -> None:
    """Wait for the desk's live count. Not wait_for_function("..."): after its first try it
    evaluates the string with eval() in the page, which the CSP (no 'unsafe-eval') refuses."""
    from playwright.sync_api import expect

    expect(page.locator("#count-checked")).to_have_text(count)


def _log_in(page, base, user):
    page.goto(f"{base}/account/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#main input[type=submit]")
    page.wait_for_url(lambda url: "/account/login" not in url)


@pytest.fixture
def event_day(clock):
    """The app's clock (the served app runs in this process, so setting it reaches it)."""
    clock.set(datetime(2027, 4, 21, 4, 12, tzinfo=UTC))  # 09:12 in Astana, on the first day
    return clock


def test_desk_asks_before_admitting_months_before_the_event(live_server, page, summit, staff, clock):
    event, cats = summit
    aliya = make_delegate(event, cats["government"], given="Aliya", family="Serikova")
    badge = services.ensure_badge(aliya)
    db.session.commit()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    clock.set(datetime(2027, 1, 14, 5, tzinfo=UTC))
    _log_in(page, live_server, staff["checkin"])
    page.goto(f"{live_server}/e/astana/manage/checkin")
    field = page.locator("#code")
    field.type(badge.display_code)
    field.press("Enter")
    page.wait_for_selector(".desk-result[data-status=confirm]")
    assert page.locator("#desk-message").inner_text() == (
        "Today, 14 January 2027, is not a day of the event (21 – 23 April 2027). Check in anyway?")
    # the field stays the scanner's: a badge scanned now must not press the button
    assert (field.input_value(), page.evaluate("document.activeElement.id")) == ("", "code")
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    page.locator("#desk-confirm button").click()
    page.wait_for_selector(".desk-result[data-status=admitted]")
    _wait_for_checked_count(page, "1")
    assert page.locator("#desk-name").inner_text() == "Dr Aliya Serikova"
    db.session.expire_all()
    assert [(c.day.isoformat(), c.method.value) for c in db.session.scalars(select(CheckIn))] == [
        ("2027-01-14", "code")]
    assert errors == []


def test_desk_checks_in_by_code_and_by_name_and_warns_on_second_scan(live_server, page, summit, staff, tmp_path,
                                                                     event_day):
    event, cats = summit
    aliya = make_delegate(event, cats["government"], given="Aliya", family="Serikova")
    berik = make_delegate(event, cats["expert"], given="Berik", family="Zhakupov")
    badge = services.ensure_badge(aliya)
    db.session.commit()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    _log_in(page, live_server, staff["checkin"])
    page.goto(f"{live_server}/e/astana/manage/checkin")
    field = page.locator("#code")
    assert page.evaluate("document.activeElement.id") == "code"
    assert page.locator("#count-total").inner_text() == "0 / 2"

    # a short code typed by hand, Enter pressed (as a scanner does): no click needed
    field.type(badge.display_code.lower())
    field.press("Enter")
    page.wait_for_selector(".desk-result[data-status=admitted]")
    assert page.locator("#desk-message").inner_text() == "Checked in."
    assert page.locator("#desk-name").inner_text() == "Dr Aliya Serikova"
    assert (field.input_value(), page.evaluate("document.activeElement.id")) == ("", "code")
    _wait_for_checked_count(page, "1")

    # the same badge again: the warning, with the time of the first check-in
    field.type(badge.display_code)
    field.press("Enter")
    page.wait_for_selector(".desk-result[data-status=already]")
    first = db.session.scalar(select(CheckIn).where(CheckIn.registration_id == aliya.id))
    from app.utils.time import to_zone

    when = to_zone(first.checked_in_at, event.timezone).strftime("%H:%M")
    assert page.locator("#desk-message").inner_text() == f"Already checked in today at {when}."
    assert field.input_value() == ""

    # by name: the matches, then a tap on the right person
    field.type("zhaku")
    field.press("Enter")
    page.wait_for_selector(".desk-result[data-status=matches]")
    page.locator(".desk-matches button", has_text="Check in").first.click()
    page.wait_for_selector(".desk-result[data-status=admitted]")
    assert page.locator("#desk-name").inner_text() == "Dr Berik Zhakupov"
    assert page.evaluate("document.activeElement.id") == "code"
    _wait_for_checked_count(page, "2")
    page.screenshot(path=str(tmp_path / "desk.png"), full_page=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CheckIn.id))) == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # fits a 360 px phone
    assert errors == []


def test_personal_agenda_on_a_phone_stars_and_signs_up(live_server, page, summit, agenda, tmp_path):
    event, cats = summit
    delegate = make_delegate(event, cats["expert"], given="Dana", family="Sadykova")
    db.session.commit()
    _log_in(page, live_server, delegate.user)
    page.goto(f"{live_server}/e/astana/my-agenda")
    page.locator(f"#s{agenda['panel'].id} button", has_text="Add to my agenda").click()
    page.wait_for_selector(".alert-success")
    page.locator(f"#s{agenda['workshop'].id} button", has_text="Sign up").click()
    page.wait_for_selector("text=You have a place in this session.")
    assert page.locator(".alert-warning").inner_text().startswith("Some of your sessions overlap:")
    page.screenshot(path=str(tmp_path / "my-agenda.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
