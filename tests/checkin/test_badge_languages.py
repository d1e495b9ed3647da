"""Badges in the event's badge languages: the category in each of one or two languages,
the event's name, city and the delegate's country in the first of them."""
from __future__ import annotations

import pytest

from app.checkin import services
from app.extensions import db
from tests.checkin.conftest import make_delegate, pdf_text
from tests.factories import login


@pytest.fixture
def kazakh_delegate(summit):
    event, cats = summit
    event.title = {"en": "Regional Ecological Summit 2027", "kk": "Өңірлік экологиялық саммит – 2027",
                   "ru": "Региональный экологический саммит – 2027"}
    event.city = {"en": "Astana", "kk": "Астана", "ru": "Астана"}
    cats["government"].name = {"en": "Government delegation", "ru": "Правительственная делегация",
                               "kk": "Үкіметтік делегация"}
    registration = make_delegate(event, cats["government"], given="Aliya", family="Serikova", country="PK")
    db.session.commit()
    return registration


def _text(registration) -> str:
    return " ".join(pdf_text(services.badge_pdf(registration))[0].split())


def test_badge_prints_the_category_in_kazakh_and_english(app, summit, kazakh_delegate, staff):
    event, _ = summit
    services.update_settings(event, {"badge_languages": ["kk", "en"]}, actor=staff["secretariat"])
    text = _text(kazakh_delegate)
    assert "ҮКІМЕТТІК ДЕЛЕГАЦИЯ" in text and "GOVERNMENT DELEGATION" in text
    assert "ПРАВИТЕЛЬСТВЕННАЯ" not in text
    # the rest of the badge's wording is in the first badge language
    assert "Өңірлік экологиялық саммит – 2027" in text and "Астана" in text and "Пәкістан" in text
    assert text.index("ҮКІМЕТТІК") < text.index("GOVERNMENT")


def test_without_badge_languages_the_badge_is_in_the_events_main_language(app, summit, kazakh_delegate):
    text = _text(kazakh_delegate)
    event, _ = summit
    assert event.languages[0] == "en"
    assert "GOVERNMENT DELEGATION" in text and "ҮКІМЕТТІК" not in text and "Pakistan" in text


def test_a_category_without_the_second_language_prints_once(app, summit, staff):
    event, cats = summit
    services.update_settings(event, {"badge_languages": ["ru", "kk"]}, actor=staff["secretariat"])
    registration = make_delegate(event, cats["media"], given="Ivan", family="Petrov")
    db.session.commit()
    text = _text(registration)
    assert text.count("MEDIA") == 1


def test_badge_languages_are_one_or_two_of_the_events_languages(app, summit, staff):
    event, _ = summit
    settings = services.update_settings(event, {"badge_languages": ["fr", "kk", "ru", "en"]},
                                        actor=staff["secretariat"])
    assert settings.badge_languages == ["kk", "ru"]


def test_settings_page_chooses_the_first_and_second_badge_language(client, summit, staff):
    event, _ = summit
    login(client, staff["accreditation"])
    page = client.get(f"/e/{event.slug}/manage/onsite-settings").get_data(as_text=True)
    assert 'name="badge_language"' in page and 'name="badge_second_language"' in page
    response = client.post(f"/e/{event.slug}/manage/onsite-settings",
                           data={"badge_size": "a6", "badge_language": "kk", "badge_second_language": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    assert services.settings_for(event).badge_languages == ["kk", "en"]
    response = client.post(f"/e/{event.slug}/manage/onsite-settings",
                           data={"badge_size": "a6", "badge_language": "ru", "badge_second_language": "ru"})
    db.session.expire_all()
    assert services.settings_for(event).badge_languages == ["ru"]
    response = client.post(f"/e/{event.slug}/manage/onsite-settings",
                           data={"badge_size": "a6", "badge_language": "fr"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
