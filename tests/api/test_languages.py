"""The API in every language of the event: texts come back in the language asked for
(`?lang=`, else Accept-Language) as plain strings, with every version in `*_i18n`;
writes take a string (the event's default language) or {language: text}."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.agenda import services as agenda_services
from app.agenda.models import AgendaSession
from app.extensions import db
from app.registration.models import Category, Invitation
from app.utils.translated import Translated
from tests.api.support import bearer, personal_token
from tests.factories import grant, make_user, outbox

BASE = "/api/v1/events/astana"
OPENING = {"en": "Opening plenary", "ru": "Пленарное открытие", "kk": "Ашылу пленарлық отырысы"}
PLENARY = {"en": "Plenary", "ru": "Пленарный зал", "kk": "Пленарлық зал"}
TITLE = {"en": "Astana Summit", "ru": "Астанинский саммит", "kk": "Астана саммиті"}


@pytest.fixture
def multilingual(world):
    world.event.title = Translated(TITLE, "en")
    world.opening.title = Translated(OPENING, "en")
    world.room.name = Translated(PLENARY, "en")
    agenda_services.publish_agenda(world.event, actor=world.organiser)
    db.session.commit()
    return world


def token(world, role, scope="read_write"):
    user = make_user()
    grant(user, world.event, role)
    db.session.commit()
    return personal_token(user, world.event, scope=scope)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_public_sessions_and_rooms_in_the_language_asked_with_every_version(client, multilingual, lang):
    sessions = client.get(f"{BASE}/sessions", headers={"Accept-Language": lang}).get_json()
    opening = next(s for s in sessions if s["id"] == multilingual.opening.id)
    assert opening["title"] == OPENING[lang] and opening["room"] == PLENARY[lang]
    assert opening["title_i18n"] == OPENING and opening["room_i18n"] == PLENARY
    rooms = client.get(f"{BASE}/rooms?lang={lang}").get_json()
    assert {r["name"] for r in rooms} >= {PLENARY[lang]}
    event = client.get(f"{BASE}?lang={lang}").get_json()
    assert event["title"] == TITLE[lang] and event["title_i18n"] == TITLE


def test_lang_in_the_address_wins_and_a_missing_version_falls_back(client, multilingual):
    sessions = client.get(f"{BASE}/sessions?lang=kk", headers={"Accept-Language": "ru"}).get_json()
    titles = {s["title"] for s in sessions}
    assert OPENING["kk"] in titles and "Water panel" in titles  # no Kazakh title: the one it was written in


def test_draft_session_written_with_a_version_per_language_and_read_in_each(client, multilingual):
    secret = token(multilingual, "programme")
    made = client.post(f"{BASE}/agenda/sessions", headers=bearer(secret), json={
        "title": {"en": "Green finance", "kk": "Жасыл қаржы"}, "abstract": "Bonds and loans.",
        "room_id": multilingual.hall.id, "starts_at": "2027-04-21T09:00:00Z", "ends_at": "2027-04-21T10:00:00Z"})
    assert made.status_code == 201, made.get_json()
    session_id = made.get_json()["id"]
    assert made.get_json()["title_i18n"] == {"en": "Green finance", "kk": "Жасыл қаржы"}
    kk = client.get(f"{BASE}/agenda/sessions/{session_id}", headers=bearer(secret, **{"Accept-Language": "kk"}))
    en = client.get(f"{BASE}/agenda/sessions/{session_id}", headers=bearer(secret))
    assert kk.get_json()["title"] == "Жасыл қаржы" and en.get_json()["title"] == "Green finance"
    assert kk.headers["ETag"] == en.headers["ETag"]  # one representation, whatever the language read

    # A string changes the default language only; an object changes the versions it names.
    changed = client.patch(f"{BASE}/agenda/sessions/{session_id}", headers=bearer(secret, **{"If-Match": en.headers["ETag"]}),
                           json={"title": "Green finance today", "abstract": {"ru": "Облигации и кредиты."}})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title_i18n"] == {"en": "Green finance today", "kk": "Жасыл қаржы"}
    assert changed.get_json()["abstract_i18n"] == {"en": "Bonds and loans.", "ru": "Облигации и кредиты."}
    stored = db.session.get(AgendaSession, session_id)
    db.session.refresh(stored)
    assert stored.title.is_stale("kk")  # the English changed after the Kazakh was written
    # A change in another language is a change: the old ETag no longer matches.
    stale = client.patch(f"{BASE}/agenda/sessions/{session_id}", headers=bearer(secret, **{"If-Match": en.headers["ETag"]}),
                         json={"title": {"kk": "Жасыл қаржы бүгін"}})
    assert stale.status_code == 412


@pytest.mark.parametrize("title, problem", [
    ({"de": "Grüne Finanzen"}, "Unknown language"), ({"en": 5}, "Each version is a string"),
    ([], "A string, or an object"), ({"kk": "Жасыл қаржы"}, "default language")])
def test_draft_session_texts_refused_with_a_field_error(client, multilingual, title, problem):
    secret = token(multilingual, "programme")
    response = client.post(f"{BASE}/agenda/sessions", headers=bearer(secret), json={
        "title": title, "room_id": multilingual.hall.id, "starts_at": "2027-04-21T09:00:00Z",
        "ends_at": "2027-04-21T10:00:00Z"})
    assert response.status_code == 422
    assert problem in " ".join(response.get_json()["error"]["fields"]["title"])


def test_category_created_in_every_language(client, multilingual):
    secret = token(multilingual, "accreditation")
    names = {"en": "Press", "ru": "Пресса", "kk": "Баспасөз"}
    made = client.post(f"{BASE}/categories", headers=bearer(secret, **{"Accept-Language": "ru"}),
                       json={"name": names, "description": "Accredited journalists"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["name"] == "Пресса" and made.get_json()["name_i18n"] == names
    assert made.get_json()["description_i18n"] == {"en": "Accredited journalists"}
    category = db.session.scalar(select(Category).where(Category.id == made.get_json()["id"]))
    assert category.name.get("kk") == "Баспасөз"
    # The same name in any language is taken.
    again = client.post(f"{BASE}/categories", headers=bearer(secret), json={"name": {"en": "Media", "kk": "Баспасөз"}})
    assert again.status_code == 422


def test_invitation_message_per_language_through_the_api(client, multilingual):
    secret = token(multilingual, "accreditation")
    response = client.post(f"{BASE}/invitations", headers=bearer(secret), json={
        "email": "minister@example.gov", "category_id": multilingual.category.id, "locale": "kk",
        "message": {"en": "Welcome.", "kk": "Қош келдіңіз."}})
    assert response.status_code == 201, response.get_json()
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.message.texts == {"en": "Welcome.", "kk": "Қош келдіңіз."}
    mail = outbox("registration_invitation")[0]
    assert "Қош келдіңіз." in mail.body_text and TITLE["kk"] in mail.subject


@pytest.mark.parametrize("title", [{"en": ""}, {"en": "   "}, "  "])
def test_a_change_may_not_empty_the_default_title(client, multilingual, title):
    secret = token(multilingual, "programme")
    response = client.patch(f"{BASE}/agenda/sessions/{multilingual.panel.id}", headers=bearer(secret),
                            json={"title": title})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(AgendaSession, multilingual.panel.id).title.get("en") == "Water panel"
