"""Where people travel from: airports by IATA code or by the city they serve (the
`airportsdata` package), and the capital of a country (the `countryinfo` package).

A place is only ever looked up here; nothing is fetched from the network.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import airportsdata
from countryinfo import CountryInfo
from countryinfo.exceptions import CountryNotFoundError


@dataclass(frozen=True)
class Place:
    name: str          # the city, as the data names it
    country: str       # ISO 3166 alpha-2
    lat: float
    lon: float
    iata: str = ""     # the airport's code, when the place is an airport
    airport: str = ""  # the airport's name


def _fold(text: str) -> str:
    """Lower case without accents, for matching what people type ("Almaty", "almaty", "Almatý")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@cache
def _airports() -> dict[str, dict]:
    """Airports with an IATA code, by code."""
    return {code: row for code, row in airportsdata.load("IATA").items() if code}


def _main_first(row: dict) -> tuple:
    """The order in which the airports of one city are preferred: international
    airports with an ICAO code first, then the rest by code."""
    name = row["name"].casefold()
    return ("international" not in name, not row.get("icao"), row["iata"])


@cache
def _by_city() -> dict[str, list[dict]]:
    cities: dict[str, list[dict]] = {}
    for row in _airports().values():
        cities.setdefault(_fold(row["city"]), []).append(row)
    for rows in cities.values():
        rows.sort(key=_main_first)
    return cities


def _place(row: dict) -> Place:
    return Place(name=row["city"], country=row["country"], lat=float(row["lat"]), lon=float(row["lon"]),
                 iata=row["iata"], airport=row["name"])


def airport(code: str) -> Place | None:
    """The airport with this IATA code, or None."""
    row = _airports().get((code or "").strip().upper())
    return _place(row) if row is not None else None


def city(name: str, country: str = "") -> Place | None:
    """The main airport of the city called `name` (in `country` when given), or None."""
    rows = _by_city().get(_fold(name), [])
    if country:
        rows = [row for row in rows if row["country"] == country.upper()] or []
    return _place(rows[0]) if rows else None


def resolve(text: str, country: str = "") -> Place | None:
    """What someone typed as a place: a three-letter IATA code, or a city name (the city's
    main airport stands for it). None when neither is known."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) == 3 and text.isalpha():
        found = airport(text)
        if found is not None:
            return found
    return city(text, country) or (city(text) if country else None)


def suggestions(query: str, limit: int = 10) -> list[tuple[str, str]]:
    """(value, label) pairs of the airports whose code, city or name starts with what
    was typed: the code first, then cities, then airport names."""
    folded = _fold(query)
    if len(folded) < 2:
        return []
    code, by_city, by_name = [], [], []
    for row in _airports().values():
        if row["iata"].casefold() == folded:
            code.append(row)
        elif _fold(row["city"]).startswith(folded):
            by_city.append(row)
        elif _fold(row["name"]).startswith(folded):
            by_name.append(row)
    rows = code + sorted(by_city, key=_main_first) + sorted(by_name, key=_main_first)
    return [(row["iata"], f"{row['city']}, {row['name']} ({row['iata']}), {row['country']}") for row in rows[:limit]]


# Capitals renamed since the `countryinfo` data was written.
CAPITAL_NAMES = {"KZ": "Astana"}


@cache
def capital(country: str) -> Place | None:
    """The capital city of the country with this ISO alpha-2 code, or None when unknown."""
    if not country:
        return None
    try:
        info = CountryInfo(country.upper())
        name = info.capital()
        lat, lon = info.capital_latlng()
    except (CountryNotFoundError, KeyError, ValueError, TypeError):
        return None
    if not name or lat is None or lon is None:
        return None
    return Place(name=CAPITAL_NAMES.get(country.upper(), name), country=country.upper(), lat=float(lat),
                 lon=float(lon))
