"""Accreditation's queries: searching by name in any alphabet and case, and likely duplicates."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.registration import services
from app.registration.models import Registration
from tests.factories import make_category, make_user
from tests.registration.conftest import details


def register(event, category, **overrides):
    user = make_user()
    return services.create_registration(event, user, details(**overrides), category=category, actor=user)


def found(event, q: str) -> list[str]:
    return [r.given_name for r in db.session.scalars(services.registration_query(event, {"q": q})).unique()]


def test_search_ignores_case_in_every_alphabet(event):
    category = make_category(event, "Government delegation")
    register(event, category, given_name="Әлия", family_name="Жұмабаева")
    register(event, category, given_name="Мусадик", family_name="Малик")
    db.session.commit()
    assert found(event, "әлия") == ["Әлия"]
    assert found(event, "ЖҰМАБАЕВА") == ["Әлия"]
    assert found(event, "мусадик") == ["Мусадик"]


def test_the_same_person_typed_in_another_case_is_a_likely_duplicate(event):
    category = make_category(event, "Government delegation")
    born = date(1980, 5, 1)
    passport = dict(visa_letter_needed=True, passport_number="N1234567", passport_expiry=date(2031, 1, 1),
                    date_of_birth=born, place_of_birth="Almaty")
    first = register(event, category, given_name="Әлия", family_name="Жұмабаева", **passport)
    second = register(event, category, given_name="ӘЛИЯ", family_name="жұмабаева", **passport)
    db.session.commit()
    assert (services.is_duplicate(first), services.is_duplicate(second)) == (True, True)
    assert first.person_key == second.person_key == "әлия|жұмабаева|1980-05-01"


def test_duplicates_flag_same_email_and_same_names_with_birth_date(event, db):
    category = make_category(event)
    born = date(1980, 5, 1)
    a = register(event, category, visa_letter_needed=True, passport_number="N1", date_of_birth=born)
    b = register(event, category, visa_letter_needed=True, passport_number="N2", date_of_birth=born)
    c = register(event, category, given_name="Other")
    c.email = a.email
    db.session.flush()
    assert [services.is_duplicate(r) for r in (a, b, c)] == [True, True, True]
    d = register(event, category, given_name="Unique", family_name="Person")
    assert services.is_duplicate(d) is False
    assert db.session.scalar(select(func.count(Registration.id))) == 4
