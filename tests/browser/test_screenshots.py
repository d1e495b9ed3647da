"""Screenshots of the main pages, desktop (1280 px) and phone (360 px), for a
person to look at: `KURULTAI_SCREENSHOTS=1 make test PYTEST_ARGS=tests/browser`.

They go to test-artifacts/ (git-ignored). The README's docs/screenshot.png is
rewritten too when KURULTAI_SCREENSHOTS=readme.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

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
    (None, f"{EVENT}/participants"),
    (None, f"{EVENT}/participants?lang=ru"),
    (None, f"{EVENT}/agenda?lang=kk"),
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
    ("secretariat", f"{MANAGE}/footprint"),
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
    # Speakers
    (None, f"{EVENT}/speakers"),
    (None, f"{EVENT}/speakers/{{speaker_id}}"),
    (None, f"{EVENT}/speaker/answer/{{answer_token}}"),
    ("speaker", f"{EVENT}/speaker/"),
    ("speaker", f"{EVENT}/speaker/sessions/{{assignment_id}}"),
    ("speaker", f"{EVENT}/speaker/sessions/{{invited_assignment_id}}"),
    ("speaker", f"{EVENT}/speaker/profile"),
    ("speaker", f"{EVENT}/speaker/travel"),
    ("programme", f"{MANAGE}/speakers"),
    ("programme", f"{MANAGE}/speakers/sessions"),
    ("programme", f"{MANAGE}/speakers/proposals"),
    ("programme", f"{MANAGE}/speakers/people/{{speaker_id}}"),
    ("programme", f"{MANAGE}/speakers/sessions/{{speaker_session_id}}?q=lindqvist"),
    # On site
    ("delegate", f"{EVENT}/my-agenda"),
    ("viewer", f"{EVENT}/my-agenda"),
    (None, "/verify/{letter_token}"),
    (None, "/verify/{revoked_letter_token}"),
    ("checkin", f"{MANAGE}/checkin"),
    ("checkin", f"{MANAGE}/checkin?session={{door_id}}"),
    ("accreditation", f"{MANAGE}/badges"),
    ("accreditation", f"{MANAGE}/visa-letters"),
    ("accreditation", f"{MANAGE}/onsite-settings"),
]

# PDFs a delegate downloads, saved and (with poppler's pdftoppm) rendered page by page to PNG.
PDFS = [
    ("delegate", f"{EVENT}/my-badge.pdf", "delegate-badge"),
    ("delegate", f"{EVENT}/my-visa-letter.pdf?lang=en", "delegate-visa-letter-en"),
    ("delegate", f"{EVENT}/my-visa-letter.pdf?lang=ru", "delegate-visa-letter-ru"),
    ("accreditation", f"{MANAGE}/badges.pdf", "accreditation-badges"),
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


@pytest.mark.parametrize("account,path,name", PDFS)
def test_pdf_rendered(account, path, name, new_page, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(account)
    response = page.request.get(live_server(path))
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    target = ARTIFACTS / f"{name}.pdf"
    target.write_bytes(response.body())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "110", str(target), str(ARTIFACTS / name)], check=True)


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
