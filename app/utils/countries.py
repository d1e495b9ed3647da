"""Countries from ISO 3166, named in the reader's language.

The names are the common ones the Unicode CLDR gives (through Babel) in every
language: «Венесуэла», «Боливия», «Иран», not the ISO list's formal names
(«Боливарианская Республика Венесуэла»), which sort a country far from where a
reader looks for it. The list of countries is ISO's.
"""
from __future__ import annotations

from functools import lru_cache

import pycountry
from babel import Locale

# Where the common name is not what a government summit writes: the name a country
# uses for itself (Kyrgyzstan's constitution: «Кыргызская Республика», short
# «Кыргызстан», not «Киргизия»), the UN's names where CLDR's short forms are
# colloquial («Конго - Киншаса») or take a side («Палестинские территории»), and
# Taiwan, Hong Kong and Macao as ISO names them.
OWN_NAMES = {
    "en": {"CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo", "PS": "Palestine",
           "HK": "Hong Kong, China", "MO": "Macao, China", "TW": "Taiwan, Province of China"},
    "ru": {"KG": "Кыргызстан", "CD": "Демократическая Республика Конго", "CG": "Республика Конго",
           "PS": "Палестина", "HK": "Гонконг, Китай", "MO": "Макао, Китай", "TW": "Тайвань, провинция Китая",
           "AE": "Объединённые Арабские Эмираты"},
    "kk": {"CD": "Конго Демократиялық Республикасы", "CG": "Конго Республикасы", "PS": "Палестина",
           "HK": "Сянган (Гонконг), Қытай", "MO": "Макао, Қытай", "TW": "Тайвань, Қытай провинциясы"},
}


@lru_cache(maxsize=8)
def country_choices(locale: str = "en") -> list[tuple[str, str]]:
    """(code, name) of every ISO country, by name in `locale`."""
    try:
        common = Locale.parse(locale).territories
    except (ValueError, TypeError):
        common = Locale.parse("en").territories
    own = OWN_NAMES.get(str(locale).split("_")[0], {})
    choices = [(c.alpha_2, own.get(c.alpha_2) or common.get(c.alpha_2) or getattr(c, "common_name", c.name))
               for c in pycountry.countries]
    return sorted(choices, key=lambda c: c[1].casefold())


@lru_cache(maxsize=4096)
def country_name(code: str, locale: str = "en") -> str:
    if not code:
        return ""
    return dict(country_choices(locale)).get(code.upper(), code)


def is_country(code: str) -> bool:
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None
