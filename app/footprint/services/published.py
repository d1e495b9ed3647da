"""A factor set read from the table DESNZ publishes each year: the "flat file" of the UK
Government's greenhouse-gas conversion factors for company reporting, as the CSV or the
XLSX workbook it is published in (`flask footprint-factors <file>`), and the comparison
of two sets (`flask footprint-factors --check <file>`).

The flat file has one factor a row, under the header
    ID, Scope, Level 1, Level 2, Level 3, Level 4, Column Text, UOM, GHG/Unit,
    GHG Conversion Factor <year>
(the workbook puts a few lines of introduction above it). The rows read here are the
kg CO2e ones of:
    Business travel- air / Flights / Domestic|Short-haul|Long-haul, to/from UK / <cabin>,
        "With RF" or "Without RF", per passenger.km
    Business travel- land / Rail / National rail, per passenger.km
    Business travel- land / Bus / Coach, per passenger.km
    Business travel- land / Cars (by size) / Average car, "Unknown" fuel, per km
    Hotel stay / Hotel stay / <country>, per room per night
The published file names the car's fuel in "Column Text" and leaves Level 4 empty; a fuel
given in Level 4 is read too.
The method's other numbers (the distance uplift, the band edges, the uncertainty range
and the hotel default) are not in the file: they are taken from the bundled set.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pycountry
from babel import Locale

from app.footprint.services.factors import read_data_file

AIR_BANDS = {"domestic, to/from uk": "domestic", "short-haul, to/from uk": "short",
             "long-haul, to/from uk": "long"}
CABINS = {"average passenger": "average", "economy class": "economy", "premium economy class": "premium",
          "business class": "business", "first class": "first"}
SURFACE = {("rail", "national rail", ""): "rail", ("bus", "coach", ""): "bus",
           ("cars (by size)", "average car", "unknown"): "car"}
SURFACE_UNITS = {"rail": "passenger.km", "bus": "passenger.km", "car": "vehicle.km"}
# Country names the set writes its own way.
COUNTRY_ALIASES = {"uk": "GB", "usa": "US", "korea": "KR", "south korea": "KR", "turkey": "TR", "russia": "RU",
                   "vietnam": "VN", "taiwan": "TW", "uae": "AE", "czech republic": "CZ", "hong kong": "HK",
                   "hong kong, china": "HK", "macau": "MO", "macao": "MO"}
# Without these the calculation cannot run: an average seat in each band, rail, bus and car.
REQUIRED = [("air", band, "average", "") for band in ("domestic", "short", "long")] + \
    [(mode, "", "", "") for mode in ("rail", "bus", "car")]
PUBLICATION_URL = "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-{year}"


class PublishedTableError(ValueError):
    """The file is not a flat file of the conversion factors, or misses what the calculation needs."""


def _norm(text) -> str:
    """Lower case, single spaces, no space around a dash ("Business travel- air" and
    "Business travel - air" read alike)."""
    text = re.sub(r"\s+", " ", str(text or "")).strip().casefold()
    return re.sub(r"\s*-\s*", "-", text)


def _rows(path: Path) -> list[list]:
    if path.suffix.lower() == ".xlsx":
        return _workbook_rows(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return list(csv.reader(io.StringIO(text)))


def _workbook_rows(path: Path) -> list[list]:
    """The rows of the workbook's sheet that holds the flat table (the first with a "Level 1" header)."""
    # openpyxl is loaded by the command that reads a workbook, not by every web worker.
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            if _header(rows) is not None:
                return rows
    finally:
        book.close()
    return []


def _header(rows: list[list]) -> tuple[int, dict, int | None] | None:
    """(row index, column of each heading, year) of the table's header, or None."""
    for index, row in enumerate(rows[:60]):
        names = [_norm(cell) for cell in row]
        if "level 1" not in names:
            continue
        columns = {name: number for number, name in enumerate(names) if name}
        factor = next((number for number, name in enumerate(names) if name.startswith("ghg conversion factor")),
                      None)
        if factor is None or "uom" not in columns or "ghg/unit" not in columns:
            return None
        columns["factor"] = factor
        year = re.search(r"(19|20)\d\d", names[factor])
        return index, columns, int(year.group(0)) if year else None
    return None


def _country(name: str, names: dict[str, str]) -> str | None:
    folded = _norm(name)
    if folded in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[folded]
    if folded in names:
        return names[folded]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        return None


def _number(value) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


def read_published(path: Path | str, *, year: int | None = None, version: int = 1) -> dict:
    """The factor set of a published flat file, in the shape of the bundled data file."""
    path = Path(path)
    rows = _rows(path)
    found = _header(rows)
    if found is None:
        raise PublishedTableError(f"{path.name}: no header with 'Level 1', 'UOM', 'GHG/Unit' and "
                                  "'GHG Conversion Factor <year>' (is it the flat file?).")
    start, columns, header_year = found
    year = year or header_year
    if year is None:
        raise PublishedTableError(f"{path.name}: the header names no year; give it with --year.")
    english = {_norm(label): code for code, label in Locale("en").territories.items() if len(code) == 2}
    air: dict[tuple, dict] = {}
    factors, skipped_hotels = [], []

    def cell(row, name):
        number = columns.get(name)
        return row[number] if number is not None and number < len(row) else None

    for row in rows[start + 1:]:
        if _norm(cell(row, "ghg/unit")) != "kg co2e":
            continue
        value = _number(cell(row, "factor"))
        if value is None:
            continue
        level = [_norm(cell(row, f"level {n}")) for n in (1, 2, 3, 4)]
        text, unit = _norm(cell(row, "column text")), _norm(cell(row, "uom"))
        if level[0] == "business travel-air" and level[2] in AIR_BANDS and level[3] in CABINS \
                and unit == "passenger.km":
            rf = " ".join((text, level[1], level[3]))
            kind = "value" if "without rf" in rf else "value_rf" if "with rf" in rf else None
            if kind is not None:
                air.setdefault((AIR_BANDS[level[2]], CABINS[level[3]]), {})[kind] = value
        elif level[0] == "business travel-land" and (level[1], level[2], level[3] or text) in SURFACE:
            mode = SURFACE[(level[1], level[2], level[3] or text)]
            wanted = "km" if mode == "car" else "passenger.km"
            if unit == wanted and not any(f["mode"] == mode for f in factors):
                factors.append({"mode": mode, "band": "", "cabin": "", "value": value, "value_rf": None,
                                "unit": SURFACE_UNITS[mode]})
        elif level[0] == "hotel stay" and unit in ("room per night", "room night", "room.night"):
            name = str(cell(row, "level 3") or cell(row, "level 2") or "").strip()
            if "(" in name:
                continue  # a city within a country, e.g. "UK (London)": the country's own row is used
            code = _country(name, english)
            if code is None:
                skipped_hotels.append(name)
            elif not any(f["mode"] == "hotel" and f["country"] == code for f in factors):
                factors.append({"mode": "hotel", "band": "", "cabin": "", "country": code, "value": value,
                                "value_rf": None, "unit": "room.night"})
    for (band, cabin), values in sorted(air.items()):
        if "value" in values:
            factors.append({"mode": "air", "band": band, "cabin": cabin, "value": values["value"],
                            "value_rf": values.get("value_rf"), "unit": "passenger.km"})
    keys = {(f["mode"], f["band"], f["cabin"], f.get("country", "")) for f in factors}
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        raise PublishedTableError(f"{path.name}: no factor found for " + ", ".join(
            "/".join(part for part in key if part) for key in missing) + ".")
    return _data_file(path, year, version, factors, skipped_hotels)


def _data_file(path: Path, year: int, version: int, factors: list, skipped_hotels: list) -> dict:
    method = read_data_file()
    # The bundled set's notes on where its own values came from do not describe this file.
    notes = [note for note in method.get("notes", [])
             if not note.startswith(("Values are ", "Values read ", "Not yet checked"))]
    notes.append(f"Values read from the published flat file {path.name} on {date.today().isoformat()}.")
    if skipped_hotels:
        notes.append("Hotel countries the application could not name, left out (the default applies): "
                     + ", ".join(skipped_hotels) + ".")
    return {"source": f"UK Government greenhouse gas conversion factors for company reporting, {year} (DESNZ)",
            "publisher": method.get("publisher", ""),
            "document": f"Greenhouse gas reporting: conversion factors {year}, flat file ({path.name})",
            "url": PUBLICATION_URL.format(year=year), "year": year, "version": version, "unit": "kg CO2e",
            "verified": True, "notes": notes,
            **{key: method[key] for key in ("air_distance_uplift", "bands", "uncertainty", "hotel_default")},
            "factors": factors}


def differences(ours: dict, published: dict) -> list[str]:
    """Lines naming each factor that differs between two sets (or is in one only), for
    checking a set typed in by hand against the published table."""
    def index(data):
        return {(f["mode"], f.get("band") or "", f.get("cabin") or "", f.get("country") or ""): f
                for f in data["factors"]}

    mine, theirs = index(ours), index(published)
    lines = []
    for key in sorted(set(mine) | set(theirs)):
        name = " ".join(part for part in key if part)
        if key not in theirs:
            lines.append(f"{name}: not in the published table")
            continue
        if key not in mine:
            continue  # the published table names more hotel countries than a typed set
        for field in ("value", "value_rf"):
            a, b = mine[key].get(field), theirs[key].get(field)
            if a is None and b is None:
                continue
            if a is None or b is None or abs(a - b) > 5e-6:
                label = "with RF" if field == "value_rf" else "value"
                lines.append(f"{name} ({label}): {a} here, {b} published")
    return lines
