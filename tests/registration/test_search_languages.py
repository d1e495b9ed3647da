"""The registrations list finds a category by its name in any language of the event."""
from __future__ import annotations

from app.registration import services
from tests.factories import grant, login, make_category, make_event, make_user
from tests.registration.conftest import details


def _registered(event, category, given_name):
    user = make_user()
    return services.create_registration(event, user, details(given_name=given_name), category=category, actor=user)


def test_registrations_list_matches_category_names_in_russian_and_kazakh(client, db):
    event = make_event(languages=["en", "ru", "kk"])
    youth = make_category(event, {"en": "Youth delegate", "ru": "Молодёжный делегат", "kk": "Жастар делегаты"})
    press = make_category(event, {"en": "Press", "ru": "Пресса", "kk": "Баспасөз"})
    _registered(event, youth, "Aigerim")
    _registered(event, press, "Boris")
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)

    def found(q):
        body = client.get(f"/e/{event.slug}/manage/registrations", query_string={"q": q}).get_data(as_text=True)
        return ("Aigerim" in body, "Boris" in body)

    assert found("жастар") == (True, False)  # Kazakh, any case
    assert found("ПРЕССА") == (False, True)  # Russian, any case
    assert found("youth") == (True, False)
    # The codes of the stored languages are not words of any name.
    assert found("kk") == (False, False)
