"""The organisers' registration list in a real browser."""
from __future__ import annotations

import pytest

from tests.browser.pages import MANAGE

pytestmark = pytest.mark.browser


def test_select_all_box_ticks_every_registration_by_keyboard(new_page, live_server):
    page = new_page("accreditation")
    page.goto(live_server(f"{MANAGE}/registrations"))
    every = page.get_by_role("checkbox", name="Select all registrations on this page")
    rows = page.locator("tbody input[name=selected]")
    assert rows.count() > 1 and every.is_visible()
    every.focus()
    page.keyboard.press("Space")
    assert [rows.nth(i).is_checked() for i in range(rows.count())] == [True] * rows.count()
    rows.first.uncheck()
    assert (every.is_checked(), every.evaluate("box => box.indeterminate")) == (False, True)
    every.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    assert [rows.nth(i).is_checked() for i in range(rows.count())] == [False] * rows.count()
