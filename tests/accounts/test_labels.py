"""Forms of address: the greeting of letters and emails in each language takes the
grammatical form the person's form of address asks for; earlier titles are read as
the form of address they stand for."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.accounts.labels import FORMS_OF_ADDRESS, form_of_address, formal_name, greeting
from app.accounts.models import User

GREETINGS = {
    # form of address: (English, Russian, Kazakh) for Aigul Askarova
    "Mr": ("Dear Mr Askarova,", "Уважаемый господин Askarova!", "Құрметті Aigul мырза!"),
    "Ms": ("Dear Ms Askarova,", "Уважаемая госпожа Askarova!", "Құрметті Aigul ханым!"),
    "Mx": ("Dear Mx Askarova,", "Здравствуйте, Aigul Askarova!", "Құрметті Aigul Askarova!"),
    "": ("Dear Aigul Askarova,", "Здравствуйте, Aigul Askarova!", "Құрметті Aigul Askarova!"),
    "Dr": ("Dear Dr Askarova,", "Здравствуйте, доктор Askarova!", "Құрметті доктор Askarova!"),
    "Prof.": ("Dear Professor Askarova,", "Здравствуйте, профессор Askarova!", "Құрметті профессор Askarova!"),
    "H.E.": ("Your Excellency,", "Ваше Превосходительство!", "Аса құрметті Aigul Askarova!"),
    "Hon.": ("Dear Aigul Askarova,", "Здравствуйте, Aigul Askarova!", "Аса құрметті Aigul Askarova!"),
}


@pytest.mark.parametrize("form", FORMS_OF_ADDRESS)
@pytest.mark.parametrize("index, lang", [(0, "en"), (1, "ru"), (2, "kk")])
def test_each_form_of_address_is_greeted_as_the_language_writes_it(app, form, index, lang):
    with app.test_request_context(), force_locale(lang):
        assert greeting(form, "Aigul", "Askarova") == GREETINGS[form][index]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_no_greeting_hedges_with_both_genders_or_repeats_itself(app, lang):
    with app.test_request_context(), force_locale(lang):
        for form in FORMS_OF_ADDRESS:
            text = greeting(form, "Aigul", "Askarova")
            assert "(-" not in text and "(а)" not in text
            # the Kazakh honourable's title no longer doubles the greeting's «Құрметті»
            assert text.count("ұрметті") <= 1


def test_a_missing_given_or_family_name_is_filled_by_the_other(app):
    with app.test_request_context(), force_locale("kk"):
        assert greeting("Mr", "", "Iqbal") == "Құрметті Iqbal мырза!"
    with app.test_request_context(), force_locale("ru"):
        assert greeting("Ms", "Amina", "") == "Уважаемая госпожа Amina!"


def test_kazakh_honourable_title_before_a_name_is_not_the_greeting_word(app):
    with app.test_request_context(), force_locale("kk"):
        printed = formal_name("Hon.", "Aidos", "Zhaksylykov")
        assert printed == "Мәртебелі Aidos Zhaksylykov"
        assert not printed.startswith(greeting("Hon.", "Aidos", "Zhaksylykov").split()[0])


@pytest.mark.parametrize("earlier, form", [("Mrs", "Ms"), ("Dame", "Ms"), ("Sir", "Mr"), ("dr.", "Dr"),
                                           ("Prof", "Prof."), ("H.E", "H.E."), ("hon", "Hon."), ("Ms", "Ms"),
                                           ("Ambassador", "Ambassador")])
def test_earlier_titles_are_read_as_the_form_of_address_they_stand_for(earlier, form):
    assert form_of_address(earlier) == form


def test_a_title_written_to_a_person_becomes_a_form_of_address(app, db):
    user = User(email="a@example.org", honorific="Mrs", given_name="Amina", family_name="Diallo")
    assert user.honorific == "Ms"
    with app.test_request_context(), force_locale("ru"):
        assert greeting(user.honorific, user.given_name, user.family_name) == "Уважаемая госпожа Diallo!"
