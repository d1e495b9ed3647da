"""The event's languages: chosen among the interface languages, one of them the
default (stored first); a language taken off keeps its texts."""
from __future__ import annotations

from app.events.models import Event
from app.extensions import db
from tests.factories import field_error, page
from tests.organiser.test_views import secretariat, settings_data  # noqa: F401 - fixture


def _post(client, event, **changes):
    return client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, **changes),
                       follow_redirects=True)


def test_the_default_language_is_chosen_and_stored_first(client, secretariat):  # noqa: F811
    event, _lead = secretariat
    response = _post(client, event, languages=["en", "ru", "kk"], default_language="ru",
                     **{"title-ru": "Саммит", "title-en": "Summit"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, event.id).languages == ["ru", "en", "kk"]
    doc = page(client.get(f"/e/{event.slug}/manage/settings"))
    assert doc.xpath('//select[@name="default_language"]/option[@selected]/@value') == ["ru"]
    # The default language's input comes first and is the required one.
    assert doc.xpath('//fieldset[@id="title"]//input/@lang') == ["ru", "en", "kk"]
    assert doc.xpath('//fieldset[@id="title"]//input[@aria-required="true"]/@lang') == ["ru"]


def test_a_language_taken_off_keeps_its_texts_and_they_come_back_with_it(client, secretariat):  # noqa: F811
    event, _lead = secretariat
    event.title = {"en": "Summit", "ru": "Саммит", "kk": "Саммит (kk)"}
    db.session.commit()
    _post(client, event, languages=["en", "ru"], default_language="en", **{"title-en": "Summit",
                                                                            "title-ru": "Саммит"})
    db.session.expire_all()
    saved = db.session.get(Event, event.id)
    assert saved.languages == ["en", "ru"]
    assert saved.title.get("kk") == "Саммит (kk)"  # hidden, not erased
    doc = page(client.get(f"/e/{event.slug}/manage/settings"))
    assert doc.xpath('//fieldset[@id="title"]//input/@lang') == ["en", "ru"]
    _post(client, event, languages=["en", "ru", "kk"], default_language="en")
    doc = page(client.get(f"/e/{event.slug}/manage/settings"))
    assert doc.xpath('//input[@name="title-kk"]/@value') == ["Саммит (kk)"]


def test_the_default_must_be_one_of_the_chosen_languages(client, secretariat):  # noqa: F811
    event, _lead = secretariat
    response = _post(client, event, languages=["en", "ru"], default_language="kk")
    assert "Choose the default among the event's languages." in field_error(response, "default_language")
    db.session.expire_all()
    assert db.session.get(Event, event.id).languages == ["en", "ru", "kk"]
