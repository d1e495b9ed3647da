"""Real forms in a real browser, CSRF tokens included."""
from __future__ import annotations

import pytest

from tests.browser.pages import MANAGE

pytestmark = pytest.mark.browser


def test_signup_form_creates_an_account(new_page, live_server):
    page = new_page(None)
    page.goto(live_server("/account/signup"))
    page.get_by_label("Email address").fill("new.delegate@example.org")
    page.get_by_label("Password", exact=True).fill("a river runs through astana")
    page.get_by_label("Repeat the password").fill("a river runs through astana")
    page.get_by_label("Given name(s)").fill("Aruzhan")
    page.get_by_label("Family name").fill("Sadykova")
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    assert page.locator("h1").inner_text() == "Check your email"


def test_event_settings_form_saves_with_the_language_checkboxes(new_page, live_server):
    page = new_page("secretariat")
    page.goto(live_server(f"{MANAGE}/settings"))
    languages = page.get_by_role("group", name="Languages")
    assert [languages.get_by_label(name).is_checked() for name in ("English", "Русский", "Қазақша")] == [True] * 3
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.locator(".alert-success").inner_text() == "The event settings are saved."
    assert page.get_by_role("group", name="Languages").get_by_label("Қазақша").is_checked()


def test_passport_fields_appear_only_when_a_visa_letter_is_asked_for(new_page, live_server):
    from tests.browser.pages import EVENT

    page = new_page("viewer")
    page.goto(live_server(f"{EVENT}/register"))
    passport = page.get_by_label("Passport number")
    assert not passport.is_visible()
    page.get_by_label("I need a visa-support letter").check()
    assert passport.is_visible()
    page.get_by_label("I need a visa-support letter").uncheck()
    assert not passport.is_visible()
