"""The accessibility and mobile sweep over every page of tests/browser/pages.py."""
from __future__ import annotations

import pytest

from tests.browser.pages import LANGUAGES, PAGES, Page
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
