"""The menus in a real browser: the phone menu (mouse and keyboard), the skip
link, the language switcher, and each organiser role's own navigation."""
from __future__ import annotations

import pytest

from tests.browser.pages import EVENT, MANAGE
from tests.browser.support import ORGANISER_ROLES, PHONE, log_in

pytestmark = pytest.mark.browser

# Each role's organiser menu, in order, now that every domain is in: the exact
# comparison below also checks it against the policy and app/organiser/nav.py.
NAV_OF = {
    "secretariat": ["Dashboard", "Registrations", "Invitations", "Delegations", "Categories and questions", "Agenda",
                    "Speakers", "Check-in", "Badges", "Visa-support letters", "Travel footprint", "Bilaterals",
                    "Team", "Service tokens", "Webhooks", "Translations", "Settings", "Audit log"],
    "programme": ["Dashboard", "Agenda", "Speakers"],
    "accreditation": ["Dashboard", "Registrations", "Invitations", "Delegations", "Categories and questions",
                      "Badges", "Visa-support letters", "Travel footprint", "Bilaterals"],
    "protocol": ["Dashboard", "Registrations", "Delegations", "Travel footprint", "Bilaterals"],
    "checkin": ["Dashboard", "Check-in"],
    "viewer": ["Dashboard", "Agenda", "Travel footprint"],
}


def expected_nav(app, role: str) -> list[str]:
    """The labels the policy grants `role`, among the organiser pages that exist."""
    from app.events.models import EventRoleName
    from app.organiser.nav import NAV
    from app.policy import EVENT_ACTIONS

    with app.test_request_context():
        return [str(label) for endpoint, action, label in NAV
                if endpoint in app.view_functions and EventRoleName(role) in EVENT_ACTIONS[action]]


def test_phone_menu_opens_and_closes_with_the_mouse(new_page, live_server):
    page = new_page(None, viewport=PHONE)
    page.goto(live_server(f"{EVENT}/"))
    toggler = page.locator(".navbar-toggler")
    log_in_link = page.locator("#main-nav").get_by_role("link", name="Log in")
    assert toggler.is_visible()
    assert not log_in_link.is_visible()
    assert toggler.get_attribute("aria-expanded") == "false"

    toggler.click()
    log_in_link.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"

    page.locator("#main-nav.show").wait_for()  # the opening animation has ended
    toggler.click()
    log_in_link.wait_for(state="hidden")
    assert toggler.get_attribute("aria-expanded") == "false"
    assert page.problems == []


def test_phone_menu_works_with_the_keyboard(new_page, live_server):
    page = new_page(None, viewport=PHONE)
    page.goto(live_server(f"{EVENT}/"))
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # event title
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('navbar-toggler')")

    page.keyboard.press("Enter")
    page.locator("#main-nav.show").wait_for()
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), !!document.activeElement.closest('#main-nav')]")
    assert focused == ["About", True]
    assert page.locator("#main-nav a:focus").is_visible()


def test_skip_link_appears_on_focus_and_moves_to_the_content(new_page, live_server):
    page = new_page(None)
    page.goto(live_server("/"))
    skip = page.get_by_role("link", name="Skip to main content")
    page.keyboard.press("Tab")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switcher_changes_the_page_language(new_page, live_server):
    page = new_page(None)
    page.goto(live_server(f"{EVENT}/"))
    assert page.locator("html").get_attribute("lang") == "en"

    with page.expect_navigation():
        page.locator(".lang-switch a[data-lang=ru]").click()
    assert page.url == live_server(f"{EVENT}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator(".lang-switch [aria-current=true]").get_attribute("data-lang") == "ru"

    # The choice is remembered on the next page.
    page.goto(live_server("/account/login"))
    assert page.locator("html").get_attribute("lang") == "ru"


@pytest.mark.parametrize("role", ORGANISER_ROLES)
def test_organiser_sees_only_the_pages_of_their_role(role, browser, live_server):
    context = browser.new_context()
    context.set_default_timeout(5000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, role)
        page.goto(live_server(f"{EVENT}/"))
        with page.expect_navigation():
            page.get_by_role("link", name="Organiser area").click()
        assert page.url == live_server(f"{MANAGE}/")

        links = page.locator("nav.organiser-nav a")
        labels = [text.strip() for text in links.all_inner_texts()]
        assert labels == NAV_OF[role]
        assert labels == expected_nav(live_server.app, role)
        assert page.get_by_role("link", name="Administration").count() == 0

        for href in links.evaluate_all("links => links.map(a => a.href)"):
            assert page.request.get(href).status == 200, href
    finally:
        context.close()


def test_admin_sees_the_administration_menu(new_page, live_server):
    page = new_page("admin")
    page.goto(live_server("/"))
    with page.expect_navigation():
        page.get_by_role("link", name="Administration").click()
    labels = [text.strip() for text in page.locator("nav.organiser-nav a").all_inner_texts()]
    assert labels == ["Users", "Events", "Outbox", "Audit log"]
