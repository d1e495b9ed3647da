"""A delegation's name in every language of the event: written per language, read in the
reader's language on the participant list and the delegate's pages (a missing version
falls back with its `lang`), and refused when another delegation has it in any language."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.registration import services
from app.registration.models import Delegation
from tests.factories import field_error, grant, login, make_category, make_event, make_user, page
from tests.registration.conftest import set_event_settings
from tests.registration.test_participants import delegate


@pytest.fixture
def event(db):
    return make_event(languages=["en", "ru", "kk"])


@pytest.fixture
def category(event):
    return make_category(event, "Government delegation")


@pytest.fixture
def officer(event):
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    return user


def _save(event, officer, name, **fields) -> Delegation:
    delegation = services.save_delegation(event, None, {"name": name, "country": fields.pop("country", ""),
                                                        "category_id": None, "head_user_id": None, "quota": None,
                                                        "protocol_rank": 10, **fields}, actor=officer)
    db.session.commit()
    return delegation


def test_the_form_takes_a_name_per_language_and_the_participant_list_reads_the_readers(client, event, category,
                                                                                        officer):
    login(client, officer)
    response = client.post(f"/e/{event.slug}/manage/delegations", data={
        "name-en": "Pakistan", "name-ru": "Пакистан", "name-kk": "Пәкістан", "country": "PK",
        "category": category.id, "protocol_rank": "10"})
    assert response.status_code == 302, field_error(response, "name")
    pakistan = db.session.scalar(select(Delegation).where(Delegation.event_id == event.id))
    assert pakistan.name.texts == {"en": "Pakistan", "ru": "Пакистан", "kk": "Пәкістан"}
    undp = _save(event, officer, {"en": "UNDP", "ru": "ПРООН"})
    delegate(event, category, officer, "Farrukh", "Iqbal", delegation=pakistan)
    delegate(event, category, officer, "Maria", "Lindqvist", delegation=undp)
    set_event_settings(event, participant_list=True)
    db.session.commit()
    doc = page(client.get(f"/e/{event.slug}/participants?lang=kk"))
    entries = {" ".join(li.text_content().split()) for li in doc.xpath('//ul[contains(@class, "participant-list")]/li')}
    assert any(e.endswith("Делегация: Пәкістан") for e in entries)
    # No Kazakh name for UNDP: the English one, marked as English.
    assert [span.text_content() for span in doc.xpath('//span[@lang="en"]')].count("UNDP") == 1
    assert "Делегация: Пакистан" in page(client.get(f"/e/{event.slug}/participants?lang=ru")).text_content()
    # A member's organisation is the name as first written.
    member = services.register_member(pakistan, "adviser@example.org", {"given_name": "Sana", "family_name": "Mirza"},
                                      actor=officer)
    assert member.organisation == "Pakistan"


def test_the_delegates_own_pages_name_the_delegation_in_their_language(app, event, category, officer):
    pakistan = _save(event, officer, {"en": "Pakistan", "kk": "Пәкістан"}, country="PK")
    registration = delegate(event, category, officer, "Farrukh", "Iqbal", delegation=pakistan)
    db.session.commit()
    client = app.test_client()
    login(client, registration.user)
    status = page(client.get(f"/e/{event.slug}/my-registration?lang=kk")).text_content()
    assert "Пәкістан" in status and "Pakistan" not in status


def test_a_name_another_delegation_has_in_any_language_is_refused(client, event, category, officer):
    _save(event, officer, {"en": "Kazakhstan", "ru": "Казахстан", "kk": "Қазақстан"})
    login(client, officer)
    response = client.post(f"/e/{event.slug}/manage/delegations", data={
        "name-en": "Republic of Kazakhstan", "name-ru": "казахстан", "category": category.id, "protocol_rank": "10"})
    assert response.status_code == 200
    assert "Another delegation already has this name." in field_error(response, "name")
    assert services.delegation_name_taken(event, "KAZAKHSTAN") and not services.delegation_name_taken(event, "Iran")


def test_a_plain_name_changes_only_the_events_own_language(event, officer):
    pakistan = _save(event, officer, {"en": "Pakistan", "ru": "Пакистан", "kk": "Пәкістан"})
    services.save_delegation(event, pakistan, {"name": "Islamic Republic of Pakistan"}, actor=officer)
    db.session.commit()
    db.session.expire_all()
    name = db.session.get(Delegation, pakistan.id).name
    assert name.texts == {"en": "Islamic Republic of Pakistan", "ru": "Пакистан", "kk": "Пәкістан"}
    assert name.is_stale("ru") and name.is_stale("kk")


def test_delegation_names_are_on_the_translation_page(client, event, officer):
    pakistan = _save(event, officer, {"en": "Pakistan", "ru": "Пакистан"})
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    db.session.commit()
    login(client, secretariat)
    doc = page(client.get(f"/e/{event.slug}/manage/translations"))
    cell = doc.xpath('//table[@id="translation-status"]//tr[@data-kind="delegation"]/td[@data-lang="kk"]'
                     '[@data-what="missing"]')[0]
    assert cell.text_content().strip() == "1"
    link = doc.xpath(f'//tr[@data-unit="delegation.{pakistan.id}.name"]//a/@href')[0]
    assert link == f"/e/{event.slug}/manage/delegations/{pakistan.id}"


def test_searching_a_delegations_name_in_any_language_finds_its_members(client, event, category, officer):
    pakistan = _save(event, officer, {"en": "Pakistan", "ru": "Пакистан", "kk": "Пәкістан"}, country="PK")
    delegate(event, category, officer, "Farrukh", "Iqbal", delegation=pakistan)
    delegate(event, category, officer, "Aliya", "Serikova")
    set_event_settings(event, participant_list=True)
    db.session.commit()
    for word in ("Пәкістан", "пакистан", "Pakistan"):
        listed = page(client.get(f"/e/{event.slug}/participants", query_string={"q": word})).text_content()
        assert "Iqbal" in listed and "Serikova" not in listed, word
    # The languages' codes stored with the name are no word of it.
    assert "Iqbal" not in page(client.get(f"/e/{event.slug}/participants?q=kk")).text_content()
    login(client, officer)
    found = page(client.get(f"/e/{event.slug}/manage/registrations?q=Пәкістан")).text_content()
    assert "Iqbal" in found and "Serikova" not in found
