"""Languages named in the reader's language (ISO 639 codes, as forms store them)."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale


@lru_cache(maxsize=16)
def _names(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale).languages)
    except (ValueError, TypeError):
        return dict(Locale.parse("en").languages)


def language_name(code: str, locale: str = "en") -> str:
    """"kk" -> "Kazakh" (or «Казахский» for "ru"); an unknown code stays as it is."""
    if not code:
        return ""
    name = _names(locale).get(code) or _names(locale).get(code.lower())
    return name[:1].upper() + name[1:] if name else code


def language_names(codes, locale: str = "en") -> list[str]:
    return [language_name(code, locale) for code in codes or []]
