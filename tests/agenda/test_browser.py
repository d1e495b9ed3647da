"""The timetable editor in a real headless Chromium: drag a session to another room and time,
and see a room double booking refused.

It serves the app (with CSRF on, as in production) from a thread of its own on the test
database, in the Chromium shared by all browser tests (tests/browser/support.py: skipped
where Chromium or Playwright is missing, unless KURULTAI_REQUIRE_BROWSER=1).
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.agenda.models import AgendaSession
from app.extensions import db
from tests.agenda.conftest import add_session, at
from tests.browser.support import served_in_thread
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 from a thread, sharing the test database; yields its base URL."""
    with served_in_thread(app, PROPAGATE_EXCEPTIONS_IN_TESTS=False) as url:
        yield url


@pytest.fixture
def browser_page(browser):
    # tall enough that the whole day's grid is on screen while dragging
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def _drag(page, source, x: float, y: float) -> None:
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + 22, steps=3)
    page.mouse.move(x, y, steps=12)
    page.mouse.up()


def _row_y(page, room_id: int, hour: int, minute: int = 0) -> tuple[float, float]:
    """Screen x (column centre) and y (a little below the slot's top) of a time in a room's column."""
    column = page.locator(f'.tt-col-bg[data-room-id="{room_id}"]')
    box = column.bounding_box()
    grid = page.locator("#timetable")
    rows = int(grid.get_attribute("data-rows"))
    first = int(grid.get_attribute("data-first-hour"))
    row_height = box["height"] / rows
    offset_rows = ((hour - first) * 60 + minute) // 5
    return box["x"] + box["width"] / 2, box["y"] + offset_rows * row_height + row_height / 2


def test_drag_moves_session_and_double_booking_is_refused(live_server, browser_page, summit, programme):
    event, rooms, tracks = summit
    mover = add_session(event, rooms[0], at(9), at(10), title="Mover", track=tracks[0])
    add_session(event, rooms[2], at(11), at(12), title="Occupant")
    db.session.commit()
    page = browser_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server}/account/login")
    page.fill("input[name=email]", programme.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#main input[type=submit]")
    page.wait_for_url(lambda url: "/account/login" not in url)
    page.goto(f"{live_server}/e/astana/manage/agenda?day=2027-04-21")
    block = page.locator(f"#session-{mover.id}")
    assert block.get_attribute("data-start") == "2027-04-21T09:00"

    # the block is grabbed 4 px below its top, i.e. in its first 5-minute row
    x, y = _row_y(page, rooms[2].id, 14, 0)
    with page.expect_response(lambda r: r.url.endswith(f"/sessions/{mover.id}/move.json")) as moved:
        _drag(page, block, x, y)
    assert moved.value.status == 200
    page.wait_for_selector("#tt-status.alert-success")
    assert page.locator("#tt-status").inner_text() == "Session “Mover” moved."
    assert (block.get_attribute("data-room-id"), block.get_attribute("data-start"),
            block.get_attribute("data-end")) == (str(rooms[2].id), "2027-04-21T14:00", "2027-04-21T15:00")
    db.session.expire_all()
    stored = db.session.get(AgendaSession, mover.id)
    assert (stored.room_id, stored.starts_at, stored.ends_at, stored.sequence) == (
        rooms[2].id, datetime(2027, 4, 21, 9, 0, tzinfo=UTC), datetime(2027, 4, 21, 10, 0, tzinfo=UTC), 1)

    # onto the occupant's hour in the same room: refused, and the block goes back
    x, y = _row_y(page, rooms[2].id, 11, 30)
    with page.expect_response(lambda r: r.url.endswith(f"/sessions/{mover.id}/move.json")) as refused:
        _drag(page, block, x, y)
    assert refused.value.status == 409
    page.wait_for_selector("#tt-status.alert-danger")
    assert page.locator("#tt-status").inner_text() == "Hall B is already booked from 11:00 to 12:00 by “Occupant”."
    assert block.get_attribute("data-start") == "2027-04-21T14:00"
    assert "gc-4" in block.get_attribute("class").split()
    db.session.expire_all()
    assert db.session.get(AgendaSession, mover.id).starts_at == datetime(2027, 4, 21, 9, 0, tzinfo=UTC)
    assert errors == []


def test_timetable_drag_on_empty_column_opens_prefilled_form(live_server, browser_page, summit, programme):
    event, rooms, _ = summit
    db.session.commit()
    page = browser_page
    page.goto(f"{live_server}/account/login")
    page.fill("input[name=email]", programme.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#main input[type=submit]")
    page.wait_for_url(lambda url: "/account/login" not in url)
    page.goto(f"{live_server}/e/astana/manage/agenda?day=2027-04-21")
    x, y0 = _row_y(page, rooms[1].id, 10, 0)
    _, y1 = _row_y(page, rooms[1].id, 11, 25)
    page.mouse.move(x, y0)
    page.mouse.down()
    page.mouse.move(x, y1, steps=10)
    page.mouse.up()
    page.wait_for_url(lambda url: "/sessions/new" in url)
    assert page.input_value("#starts_at") == "2027-04-21T10:00"
    assert page.input_value("#ends_at") == "2027-04-21T11:30"
    assert page.input_value("#room_id") == str(rooms[1].id)


def _log_in_and_open_day(page, live_server, user) -> None:
    page.goto(f"{live_server}/account/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#main input[type=submit]")
    page.wait_for_url(lambda url: "/account/login" not in url)
    page.goto(f"{live_server}/e/astana/manage/agenda?day=2027-04-21")


def test_click_on_a_session_title_opens_it_and_a_drag_still_moves(live_server, browser_page, summit, programme):
    event, rooms, _ = summit
    opened = add_session(event, rooms[1], at(10), at(11), title="Glacier monitoring")
    moved = add_session(event, rooms[0], at(9), at(10), title="Mover")
    db.session.commit()
    page = browser_page
    _log_in_and_open_day(page, live_server, programme)

    page.locator(f"#session-{opened.id} .tt-title").click()
    page.wait_for_url(lambda url: url.endswith(f"/manage/agenda/sessions/{opened.id}"))
    assert page.input_value("#title-en") == "Glacier monitoring"

    page.go_back()
    block = page.locator(f"#session-{moved.id}")
    x, y = _row_y(page, rooms[2].id, 13, 0)
    with page.expect_response(lambda r: r.url.endswith(f"/sessions/{moved.id}/move.json")) as answer:
        _drag(page, block.locator(".tt-title"), x, y)
    assert answer.value.status == 200
    assert "/sessions/" not in page.url  # the drag did not also open the session
    db.session.expire_all()
    assert db.session.get(AgendaSession, moved.id).room_id == rooms[2].id
