"""Country names in the reader's language, as the countries of the region write them."""
from __future__ import annotations

import pytest

from app.utils.countries import country_choices, country_name


@pytest.mark.parametrize("locale, name", [("en", "Kyrgyzstan"), ("ru", "Кыргызстан"), ("kk", "Қырғызстан")])
def test_kyrgyzstan_is_named_as_it_names_itself(locale, name):
    assert country_name("KG", locale) == name
    assert dict(country_choices(locale))["KG"] == name


def test_unknown_codes_are_shown_as_they_are():
    assert (country_name("XX", "ru"), country_name("", "ru")) == ("XX", "")
