"""Content in the reader's language in a real browser: the public agenda in Kazakh
with an English fallback marked by `lang`, and multilingual fields as tabs on a phone."""
from __future__ import annotations

from datetime import date, time

import pytest

from tests.browser.pages import MANAGE
from tests.browser.support import DESKTOP, PHONE, describe_violations, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def kazakh_event(live_server):
    """An event of its own (the demo stays as it is) with one session in Kazakh and one
    in English only, published."""
    from app.agenda import services as agenda
    from app.agenda.models import AgendaSession, Room, Visibility
    from app.events.models import Event
    from app.extensions import db
    from app.utils.time import local_to_utc

    with live_server.app.app_context():
        event = Event(slug="kk-agenda", title={"en": "Steppe Forum", "kk": "Дала форумы"}, city={"en": "Astana"},
                      country="KZ", timezone="Asia/Almaty", start_date=date(2027, 5, 5), end_date=date(2027, 5, 5),
                      languages=["en", "ru", "kk"], published=True)
        db.session.add(event)
        db.session.flush()
        room = Room(event_id=event.id, name={"en": "Main hall", "kk": "Бас зал"}, position=0)
        db.session.add(room)
        db.session.flush()
        for title, hour in (({"en": "Water security", "kk": "Су қауіпсіздігі"}, 9), ({"en": "Green finance"}, 11)):
            db.session.add(AgendaSession(event_id=event.id, room_id=room.id, title=title,
                                         starts_at=local_to_utc(date(2027, 5, 5), time(hour), "Asia/Almaty"),
                                         ends_at=local_to_utc(date(2027, 5, 5), time(hour + 1), "Asia/Almaty"),
                                         visibility=Visibility.published, languages=["kk"]))
        db.session.flush()
        agenda.publish_agenda(event, actor=None)
        db.session.commit()
    return "/e/kk-agenda"


def test_public_agenda_in_kazakh_shows_kazakh_titles_and_marks_the_english_fallback(new_page, live_server,
                                                                                     kazakh_event, axe_source):
    page = new_page(None)
    page.goto(live_server(f"{kazakh_event}/agenda?lang=kk"))
    assert page.locator("html").get_attribute("lang") == "kk"
    titles = page.locator("main h3 a")
    assert titles.all_inner_texts() == ["Су қауіпсіздігі", "Green finance"]
    assert page.locator('main h3 a span[lang="en"]').all_inner_texts() == ["Green finance"]
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        violations = run_axe(page, axe_source)
        assert violations == [], describe_violations(violations)


def test_event_settings_show_one_language_at_a_time_on_a_phone(new_page, live_server, axe_source):
    page = new_page("secretariat", viewport=PHONE)
    page.goto(live_server(f"{MANAGE}/settings"))
    title = page.locator("fieldset#title")
    tabs = title.get_by_role("tab")
    assert tabs.count() == 3
    assert tabs.first.get_attribute("aria-selected") == "true"
    inputs = [title.locator(f'input[name="title-{lang}"]') for lang in ("en", "ru", "kk")]
    assert [i.is_visible() for i in inputs] == [True, False, False]
    # The keyboard moves between the tabs (arrow keys), showing one language at a time.
    tabs.first.focus()
    page.keyboard.press("ArrowRight")
    assert tabs.nth(1).get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.getAttribute('role')") == "tab"
    assert [i.is_visible() for i in inputs] == [False, True, False]
    page.keyboard.press("End")
    assert [i.is_visible() for i in inputs] == [False, False, True]
    inputs[2].fill("Астана саммиті 2027")
    violations = run_axe(page, axe_source)
    assert violations == [], describe_violations(violations)
    # Every language is still posted: the hidden ones keep their text.
    english = inputs[0].input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.locator(".alert-success").count() == 1
    assert page.locator('input[name="title-kk"]').input_value() == "Астана саммиті 2027"
    assert page.locator('input[name="title-en"]').input_value() == english
    # On a wide screen the languages stand side by side, without tabs.
    page.set_viewport_size(DESKTOP)
    page.locator("fieldset#title [role=tablist]").wait_for(state="hidden")  # once the page has laid out again
    for lang in ("en", "ru", "kk"):
        page.locator(f'input[name="title-{lang}"]').wait_for(state="visible")
