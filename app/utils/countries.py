"""Countries from ISO 3166, named in the reader's language."""
from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry


# Where the ISO list's translation differs from the name a country uses for itself in
# that language, which a government summit writes: Kyrgyzstan's constitution names it
# «Кыргызская Республика», short «Кыргызстан», not «Киргизия».
OWN_NAMES = {"ru": {"KG": "Кыргызстан"}}


@lru_cache(maxsize=8)
def country_choices(locale: str = "en") -> list[tuple[str, str]]:
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        translate = tr.gettext
    except OSError:
        translate = str
    own = OWN_NAMES.get(locale, {})
    choices = [(c.alpha_2, own.get(c.alpha_2) or translate(c.name)) for c in pycountry.countries]
    return sorted(choices, key=lambda c: c[1].casefold())


@lru_cache(maxsize=4096)
def country_name(code: str, locale: str = "en") -> str:
    if not code:
        return ""
    return dict(country_choices(locale)).get(code.upper(), code)


def is_country(code: str) -> bool:
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None
