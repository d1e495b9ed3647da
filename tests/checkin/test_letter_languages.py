"""Visa-support letters in English, Russian and Kazakh: each PDF's text is in its own
language (wording, labels, the event's name, city and venue, dates and countries),
with the signatory, letterhead and addressed consulate the organisers wrote for that
language; the settings page takes one text per language."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.checkin import services
from app.checkin.services import letters
from app.extensions import db
from tests.checkin.conftest import make_delegate, pdf_text
from tests.factories import login

TITLE = {"en": "Regional Ecological Summit 2027", "ru": "Региональный экологический саммит – 2027",
         "kk": "Өңірлік экологиялық саммит – 2027"}
VENUE = {"en": "Palace of Independence", "ru": "Дворец Независимости", "kk": "Тәуелсіздік сарайы"}
CITY = {"en": "Astana", "ru": "Астана", "kk": "Астана"}

EXPECTED = {
    "en": ("VISA SUPPORT LETTER", "We kindly ask you to issue an entry visa", "To the Consular Section",
           "Pakistan", "3 February 1980", "Passport valid until", "which takes place in Astana"),
    "ru": ("ВИЗОВОЕ ПИСЬМО ПОДДЕРЖКИ", "Просим выдать въездную визу", "В консульский отдел Посольства",
           "Пакистан", "3 февраля 1980 г.", "Паспорт действителен до", "в городе Астана"),
    "kk": ("ВИЗАЛЫҚ ҚОЛДАУ ХАТЫ", "кіру визасын беруіңізді сұраймыз", "Елшілігінің консулдық бөліміне",
           "Пәкістан", "1980 ж. 3 ақпан", "Жарамдылық мерзімі", "Астана қаласында"),
}


@pytest.fixture
def letter(summit, staff):
    event, cats = summit
    event.title, event.venue, event.city = TITLE, VENUE, CITY
    registration = make_delegate(event, cats["government"], given="Farrukh", family="Iqbal", honorific="Mr",
                                 nationality="PK", country="PK", visa_letter_needed=True,
                                 passport_number="AB1234567", passport_expiry=date(2031, 5, 1),
                                 date_of_birth=date(1980, 2, 3), arrival_date=date(2027, 4, 20),
                                 departure_date=date(2027, 4, 24))
    issued = letters.issue_letter(registration, actor=staff["accreditation"])
    db.session.commit()
    return issued


def _text(letter, lang) -> str:
    return " ".join(pdf_text(letters.letter_pdf(letter, lang))[0].split())


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_each_letter_is_written_in_its_language_with_the_events_name_and_city(app, letter, lang):
    text = _text(letter, lang)
    for expected in EXPECTED[lang] + (TITLE[lang], VENUE[lang]):
        assert expected in text, expected
    others = [other for other in ("en", "ru", "kk") if other != lang]
    for other in others:
        # no other language's wording or event name slips in
        assert EXPECTED[other][1] not in text and TITLE[other] not in text


def test_the_title_before_the_name_is_in_the_letters_language(app, letter):
    assert "Mr Farrukh Iqbal" in _text(letter, "en")
    assert "Г-н Farrukh Iqbal" in _text(letter, "ru")
    assert "Мырза Farrukh Iqbal" in _text(letter, "kk")


def test_signatory_letterhead_and_consulate_come_in_the_letters_language(app, summit, letter, staff):
    event, _ = summit
    services.update_settings(event, {
        "letter_signatory": {"en": "Aigerim Nurlanovna", "ru": "Айгерим Нурлановна", "kk": "Әйгерім Нұрланқызы"},
        "letter_signatory_title": {"en": "Head of the Secretariat", "ru": "Руководитель секретариата",
                                   "kk": "Хатшылық басшысы"},
        "letter_organisation": {"en": "Ministry of Ecology", "ru": "Министерство экологии",
                                "kk": "Экология министрлігі"},
        "letter_addressee": {"ru": "В Генеральное консульство Республики Казахстан в Стамбуле",
                             "kk": "Қазақстан Республикасының Ыстамбұлдағы Бас консулдығына"},
    }, actor=staff["secretariat"])
    db.session.commit()
    kazakh, russian, english = _text(letter, "kk"), _text(letter, "ru"), _text(letter, "en")
    assert ("Әйгерім Нұрланқызы" in kazakh, "Хатшылық басшысы" in kazakh, "Экология министрлігі" in kazakh,
            "Ыстамбұлдағы Бас консулдығына" in kazakh) == (True, True, True, True)
    assert ("Айгерим Нурлановна" in russian, "Генеральное консульство" in russian) == (True, True)
    # no English addressee was written: the English letter keeps the built-in one, not another language's
    assert "To the Consular Section of the Embassy" in english and "Стамбул" not in english
    assert "Aigerim Nurlanovna" in english and "Head of the Secretariat" in english


def test_a_text_written_in_one_language_only_is_used_in_that_language_only(app, summit, letter, staff):
    event, _ = summit
    services.update_settings(event, {"letter_body": {"kk": "{addressee}\n\nҚұрметті консул, {name} келеді."}},
                             actor=staff["secretariat"])
    assert "Құрметті консул, Мырза Farrukh Iqbal келеді." in _text(letter, "kk")
    assert "We kindly ask you to issue an entry visa" in _text(letter, "en")


def test_settings_page_takes_one_text_per_letter_language(client, summit, staff):
    event, _ = summit
    login(client, staff["accreditation"])
    page = client.get(f"/e/{event.slug}/manage/onsite-settings").get_data(as_text=True)
    for lang in ("en", "ru", "kk"):
        assert f'name="letter_signatory__{lang}"' in page and f'name="letter_body__{lang}"' in page
    assert 'lang="kk"' in page
    response = client.post(f"/e/{event.slug}/manage/onsite-settings", data={
        "badge_size": "a6", "letter_signatory__en": "A. Nurlanovna", "letter_signatory__kk": "Ә. Нұрланқызы",
        "letter_addressee__ru": "В консульский отдел Посольства Республики Казахстан в Исламабаде"})
    assert response.status_code == 302
    db.session.expire_all()
    settings = services.settings_for(event)
    assert settings.letter_signatory.texts == {"en": "A. Nurlanovna", "kk": "Ә. Нұрланқызы"}
    assert settings.letter_addressee.get("ru").endswith("в Исламабаде")
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "onsite.settings"
    again = client.get(f"/e/{event.slug}/manage/onsite-settings").get_data(as_text=True)
    assert 'value="Ә. Нұрланқызы"' in again


def test_settings_page_refuses_an_unknown_placeholder_in_any_language(client, summit, staff):
    event, _ = summit
    login(client, staff["accreditation"])
    response = client.post(f"/e/{event.slug}/manage/onsite-settings",
                           data={"badge_size": "a6", "letter_body__ru": "Уважаемые коллеги, {имя}",
                                 "letter_body__kk": "Құрметті консул, {nme}"})
    assert response.status_code == 200
    assert "Unknown placeholders: {nme}." in response.get_data(as_text=True)
