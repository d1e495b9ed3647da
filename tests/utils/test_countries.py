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


@pytest.mark.parametrize("locale, name, before, after", [
    ("ru", "Венесуэла", "Венгрия", "Виргинские о-ва (Великобритания)"),
    ("en", "Venezuela", "Vatican City", "Vietnam"),
    ("kk", "Венесуэла", "Венгрия", "Вьетнам"),
])
def test_countries_are_named_and_sorted_by_their_common_name(locale, name, before, after):
    names = [n for _code, n in country_choices(locale)]
    where = names.index(name)
    assert (country_name("VE", locale), names[where - 1], names[where + 1]) == (name, before, after)
    assert not any(n.startswith(("Боливарианская", "Venezuela,", "Bolivia,")) for n in names)
