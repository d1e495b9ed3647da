"""Organiser-written text in the reader's language; a version in another language
(the fallback) carries its `lang`, so a screen reader switches voice."""
from __future__ import annotations

import pytest

from app.agenda import services as agenda_services
from app.agenda.models import Room
from app.extensions import db
from app.registration import services as registration_services
from app.registration.models import Question, QuestionKind
from tests.agenda.conftest import DAY1, ZONE, add_session, at
from tests.factories import grant, login, make_category, make_event, make_user, page
from tests.registration.conftest import details


@pytest.fixture
def summit(db):
    event = make_event("astana", timezone=ZONE, start_date=DAY1, end_date=DAY1, languages=["en", "ru", "kk"],
                       title={"en": "Astana Summit", "ru": "Астанинский саммит", "kk": "Астана саммиті"},
                       description={"en": "Three days on water and climate."})
    room = Room(event=event, name={"en": "Plenary hall", "kk": "Пленарлық зал"}, position=0)
    db.session.add(room)
    db.session.flush()
    water = add_session(event, room, at(9), at(10), title={"en": "Water security", "kk": "Су қауіпсіздігі"},
                        abstract={"en": "Rivers **shared**.", "kk": "Ортақ өзендер."})
    finance = add_session(event, room, at(11), at(12), title={"en": "Green finance"},
                          abstract={"en": "Money for *green* projects."})
    category = make_category(event, {"en": "Youth delegate", "kk": "Жастар делегаты"})
    question = Question(event_id=event.id, label={"en": "Dietary wishes"}, help={"en": "Used by the caterer."},
                        kind=QuestionKind.text, position=0)
    db.session.add(question)
    agenda_services.publish_agenda(event, actor=None)
    db.session.commit()
    return event, water, finance, category, question


def test_public_agenda_in_kazakh_shows_kazakh_titles_and_marks_the_fallback(client, summit):
    doc = page(client.get("/e/astana/agenda?lang=kk"))
    titles = [a.text_content() for a in doc.xpath("//main//h3/a")]
    assert titles == ["Су қауіпсіздігі", "Green finance"]
    # The Kazakh title is in the page's language; the English one says it is English.
    assert doc.xpath('//main//h3/a[.="Су қауіпсіздігі"]/span') == []
    assert doc.xpath('//main//h3/a/span[@lang="en"]')[0].text == "Green finance"
    assert doc.xpath("//html/@lang") == ["kk"]
    # English readers get no lang span at all.
    english = page(client.get("/e/astana/agenda?lang=en"))
    assert english.xpath('//main//h3/a/span[@lang]') == []


def test_session_page_marks_an_abstract_shown_in_another_language(client, summit):
    event, water, finance, *_ = summit
    doc = page(client.get(f"/e/astana/sessions/{finance.id}?lang=kk"))
    assert doc.xpath('//div[contains(@class, "session-abstract")]/@lang') == ["en"]
    assert doc.xpath('//h1/span[@lang="en"]')[0].text == "Green finance"
    kazakh = page(client.get(f"/e/astana/sessions/{water.id}?lang=kk"))
    assert kazakh.xpath('//div[contains(@class, "session-abstract")]/@lang') == []
    assert "Ортақ өзендер." in kazakh.xpath('//div[contains(@class, "session-abstract")]')[0].text_content()


def test_event_home_page_in_kazakh_marks_the_english_description(client, summit):
    doc = page(client.get("/e/astana/?lang=kk"))
    assert doc.xpath("//h1")[0].text_content() == "Астана саммиті"
    assert doc.xpath('//div[@lang="en"]/p')[0].text == "Three days on water and climate."


def test_registration_form_and_status_show_the_readers_language_with_lang_on_fallbacks(client, summit):
    event, water, finance, category, question = summit
    user = make_user()
    db.session.commit()
    login(client, user)
    doc = page(client.get("/e/astana/register?lang=kk"))
    label = doc.xpath(f'//label[@for="q_{question.id}"]')[0]
    assert label.xpath('./span[@lang="en"]')[0].text == "Dietary wishes"
    assert doc.xpath(f'//div[@id="q_{question.id}-help"]/span[@lang="en"]')[0].text == "Used by the caterer."
    # Options stay plain text (no markup inside <option>), in the reader's language.
    assert "Жастар делегаты" in [o.text for o in doc.xpath('//select[@name="category"]/option')]
    registration_services.create_registration(event, user, details(), category=category, actor=user)
    db.session.commit()
    status = page(client.get("/e/astana/my-registration?lang=kk"))
    assert "Жастар делегаты" in status.text_content()
    assert status.xpath('//dt/span[@lang="en"]')[0].text == "Dietary wishes"


def test_organiser_lists_mark_texts_shown_in_another_language(client, summit):
    event, water, finance, *_ = summit
    officer = make_user()
    grant(officer, event, "secretariat")
    db.session.commit()
    login(client, officer)
    doc = page(client.get("/e/astana/manage/agenda/list?lang=kk"))
    assert "Су қауіпсіздігі" in doc.text_content()
    assert [s.text for s in doc.xpath('//table//a/span[@lang="en"]')] == ["Green finance"]
    rooms = page(client.get("/e/astana/manage/agenda/rooms?lang=ru"))
    assert rooms.xpath('//table//a/span[@lang="en"]')[0].text == "Plenary hall"
