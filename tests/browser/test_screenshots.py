"""Screenshots of the main pages, desktop (1280 px) and phone (360 px), for a
person to look at: `KURULTAI_SCREENSHOTS=1 make test PYTEST_ARGS=tests/browser`.

They go to test-artifacts/ (git-ignored). The README's docs/screenshot.png is
rewritten too when KURULTAI_SCREENSHOTS=readme.
"""
from __future__ import annotations

import os
import re

import pytest

from tests.browser.pages import EVENT, MANAGE
from tests.browser.support import ARTIFACTS, DESKTOP, PHONE, ROOT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("KURULTAI_SCREENSHOTS"), reason="set KURULTAI_SCREENSHOTS=1 to take them"),
]

SHOTS = [
    (None, "/"),
    (None, f"{EVENT}/"),
    (None, "/account/login"),
    (None, "/account/signup"),
    ("viewer", "/account/profile"),
    ("secretariat", f"{MANAGE}/"),
    ("secretariat", f"{MANAGE}/team"),
    ("secretariat", f"{MANAGE}/settings"),
    ("secretariat", f"{MANAGE}/audit"),
    ("checkin", f"{MANAGE}/"),
    ("admin", "/admin/"),
    ("admin", "/admin/users/{user_id}"),
    ("admin", "/admin/outbox"),
    ("admin", "/admin/outbox/{message_id}"),
    (None, "/no-such-page"),
    # Registration
    (None, f"{EVENT}/register"),
    (None, f"{EVENT}/invitation/{{invitation_token}}"),
    ("viewer", f"{EVENT}/my-registration"),
    ("delegate", f"{EVENT}/my-registration"),
    ("delegate", f"{EVENT}/my-registration/edit"),
    ("delegate", f"{EVENT}/my-registration/cancel"),
    ("delegate", f"{EVENT}/my-registration/travel"),
    ("pk.focal", f"{EVENT}/my-registration"),
    ("pk.focal", f"{EVENT}/delegations/{{delegation_id}}"),
    ("pk.focal", f"{EVENT}/delegations/{{delegation_id}}/places/{{held_place_id}}/replace"),
    ("accreditation", f"{MANAGE}/registrations"),
    ("accreditation", f"{MANAGE}/registrations/{{registration_id}}"),
    ("accreditation", f"{MANAGE}/invitations"),
    ("accreditation", f"{MANAGE}/delegations"),
    ("accreditation", f"{MANAGE}/delegations/{{delegation_id}}"),
    ("accreditation", f"{MANAGE}/categories"),
    ("accreditation", f"{MANAGE}/categories/{{category_id}}"),
    # Agenda
    (None, f"{EVENT}/agenda"),
    (None, f"{EVENT}/sessions/{{session_id}}"),
    ("programme", f"{MANAGE}/agenda"),
    ("programme", f"{MANAGE}/agenda/list"),
    ("programme", f"{MANAGE}/agenda/conflicts"),
    ("programme", f"{MANAGE}/agenda/rooms"),
    ("programme", f"{MANAGE}/agenda/rooms/{{room_id}}"),
    ("programme", f"{MANAGE}/agenda/tracks"),
    ("programme", f"{MANAGE}/agenda/sessions/new"),
    ("programme", f"{MANAGE}/agenda/sessions/{{session_id}}"),
    ("programme", f"{MANAGE}/agenda/sessions/{{session_id}}/move"),
    ("programme", f"{MANAGE}/agenda/publish"),
]


def _name(account, path, size):
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    return f"{account or 'visitor'}-{slug}-{size}.png"


@pytest.mark.parametrize("account,path", SHOTS)
def test_screenshot(account, path, new_page, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(account, viewport=viewport)
        page.goto(live_server(path))
        page.screenshot(path=ARTIFACTS / _name(account, path, size), full_page=True)


def test_screenshot_phone_menu_open(new_page, live_server):
    page = new_page("secretariat", viewport=PHONE)
    page.goto(live_server(f"{MANAGE}/"))
    page.locator(".navbar-toggler").click()
    page.locator("#main-nav.show").wait_for()
    page.locator("#main-nav").evaluate("el => new Promise(r => el.classList.contains('collapsing') ? "
                                       "el.addEventListener('shown.bs.collapse', r, {once: true}) : r())")
    page.screenshot(path=ARTIFACTS / "secretariat-menu-open-phone.png", full_page=True)


def test_screenshot_for_readme(new_page, live_server):
    page = new_page("secretariat", viewport=DESKTOP)
    page.goto(live_server(f"{MANAGE}/"))
    target = ROOT / "docs" / "screenshot.png" if os.environ["KURULTAI_SCREENSHOTS"] == "readme" \
        else ARTIFACTS / "readme-screenshot.png"
    target.parent.mkdir(exist_ok=True)
    page.screenshot(path=target)
