"""The accessibility and mobile sweep over every page of tests/browser/pages.py."""
from __future__ import annotations

import pytest

from tests.browser.pages import LANGUAGES, MANAGE, PAGES, Page
from tests.browser.support import DESKTOP, PHONE, describe_violations, horizontal_overflow, run_axe

pytestmark = pytest.mark.browser

NOT_FOUND = "Failed to load resource: the server responded with a status of 404"


def _with_lang(path: str, lang: str) -> str:
    if lang == "en":
        return path
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("entry", PAGES, ids=[p.id for p in PAGES])
def test_page_passes_axe_and_fits_a_phone(entry: Page, lang, shared_page, new_page, live_server, axe_source):
    page = new_page(entry.account) if entry.fresh else shared_page(entry.account)
    page.set_viewport_size(DESKTOP)
    response = page.goto(live_server(_with_lang(entry.path, lang)))
    if entry.submit:
        button = page.locator(entry.submit).first.element_handle()
        if lang != "en":
            # ?lang= holds for one request: a form posting to another address keeps it.
            button.evaluate("(b, lang) => { const url = new URL(b.form.action);"
                            " url.searchParams.set('lang', lang); b.form.action = url; }", lang)
        with page.expect_navigation():
            button.click()
        assert page.locator("[aria-invalid=true]").count() > 0, "the form shows no field errors"
    else:
        assert response.status == entry.status, page.url

    assert page.locator("html").get_attribute("lang") == lang

    violations = run_axe(page, axe_source)
    assert violations == [], f"axe found problems on {page.url} at 1280 px:\n{describe_violations(violations)}"

    # On a phone the menu collapses and tables scroll: other markup, checked again.
    page.set_viewport_size(PHONE)
    overflow = horizontal_overflow(page)
    assert overflow is None, f"{page.url} scrolls sideways at 360 px: {overflow}"
    violations = run_axe(page, axe_source)
    assert violations == [], f"axe found problems on {page.url} at 360 px:\n{describe_violations(violations)}"

    problems = [p for p in page.problems if not (entry.status == 404 and NOT_FOUND in p)]
    assert problems == [], f"{page.url}: {problems}"


def _check_page(page, axe_source, state: str) -> None:
    violations = run_axe(page, axe_source)
    assert violations == [], f"axe found problems on {page.url} ({state}) at 1280 px:\n{describe_violations(violations)}"
    page.set_viewport_size(PHONE)
    overflow = horizontal_overflow(page)
    assert overflow is None, f"{page.url} ({state}) scrolls sideways at 360 px: {overflow}"
    violations = run_axe(page, axe_source)
    assert violations == [], f"axe found problems on {page.url} ({state}) at 360 px:\n{describe_violations(violations)}"
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_check_in_desk_answers_pass_axe_and_fit_a_phone(lang, new_page, live_server, axe_source):
    """The desk's answers arrive in place (checkin.js): a badge already checked in, a
    name search, the person picked from it, an unknown code."""
    page = new_page("checkin")
    desk = live_server(f"{MANAGE}/checkin")
    page.goto(live_server(f"/language/{lang}?next=") + desk.removeprefix(live_server.url))
    field = page.locator("#code")

    def scan(text: str, status: str) -> None:
        field.fill(text)
        field.press("Enter")
        page.locator(f"#desk-result .desk-result[data-status={status}]").wait_for()

    scan(live_server.values["badge_code"], "already")
    _check_page(page, axe_source, "a badge already checked in")
    scan("Mirza", "matches")
    _check_page(page, axe_source, "a name search")
    page.locator("#desk-result .js-desk-pick button").first.click()
    page.locator("#desk-result .desk-result:not([data-status=matches])").wait_for()
    _check_page(page, axe_source, "a person picked")
    scan("ZZZZ-ZZZZ", "invalid")
    _check_page(page, axe_source, "an unknown code")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.problems == [], f"{page.url}: {page.problems}"
