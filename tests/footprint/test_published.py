"""A newer year's factors loaded from the flat file DESNZ publishes (CSV or XLSX), the
bundled set checked against it, and the events that follow the latest set computed again."""
from __future__ import annotations

import copy
import csv

import pytest
from openpyxl import Workbook

from app.extensions import db
from app.footprint import services as footprint
from tests.footprint.conftest import HOTEL_DEFAULT, UPLIFT, approved, leg, travel
from tests.factories import grant, login_session, make_user

HEADER = ["ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit",
          "GHG Conversion Factor 2026"]
CABIN_ROWS = {"domestic": ["Average passenger"],
              "short": ["Average passenger", "Economy class", "Business class"],
              "long": ["Average passenger", "Economy class", "Premium economy class", "Business class",
                       "First class"]}
BAND_NAMES = {"domestic": "Domestic, to/from UK", "short": "Short-haul, to/from UK",
              "long": "Long-haul, to/from UK"}
# Made-up factors, easy to check by hand: short-haul economy 0.1 (0.2 with RF).
AIR = {("domestic", "Average passenger"): 0.15, ("short", "Average passenger"): 0.11,
       ("short", "Economy class"): 0.1, ("short", "Business class"): 0.15, ("long", "Average passenger"): 0.14,
       ("long", "Economy class"): 0.11, ("long", "Premium economy class"): 0.17, ("long", "Business class"): 0.31,
       ("long", "First class"): 0.43}


def flat_rows(*, year=2026, rail=0.035, car_fuel_in="Column Text",
              hotels=(("UK", 10.0), ("UK (London)", 11.5), ("Kazakhstan", 40.0), ("Narnia", 9.9))):
    """The published flat file's rows, laid out as DESNZ lays them: a title, a blank line,
    the header, the factors (with the per-gas rows the file also has, which are not kg CO2e).
    The car's fuel is in "Column Text" with Level 4 empty, as published."""
    fuel = ("", "Unknown") if car_fuel_in == "Column Text" else ("Unknown", "")
    rows = [["UK Government GHG Conversion Factors for Company Reporting"], [], HEADER[:-1] +
            [f"GHG Conversion Factor {year}"]]
    for (band, cabin), value in AIR.items():
        for text, factor in (("With RF", value * 2), ("Without RF", value)):
            rows.append(["1", "Scope 3", "Business travel- air", "Flights", BAND_NAMES[band], cabin, text,
                         "passenger.km", "kg CO2e", f"{factor:.5f}"])
            rows.append(["1", "Scope 3", "Business travel- air", "Flights", BAND_NAMES[band], cabin, text,
                         "passenger.km", "kg CO2e of CO2 per unit", "0.01"])
    rows += [["2", "Scope 3", "Business travel- land", "Rail", "National rail", "", "", "passenger.km", "kg CO2e",
              str(rail)],
             ["3", "Scope 3", "Business travel- land", "Bus", "Coach", "", "", "passenger.km", "kg CO2e", "0.027"],
             ["4", "Scope 3", "Business travel- land", "Cars (by size)", "Average car", "", "Petrol", "km",
              "kg CO2e", "0.16"],
             ["4", "Scope 3", "Business travel- land", "Cars (by size)", "Average car", *fuel, "miles",
              "kg CO2e", "0.27"],
             ["4", "Scope 3", "Business travel- land", "Cars (by size)", "Average car", *fuel, "km",
              "kg CO2e", "0.17"]]
    rows += [["5", "Scope 3", "Hotel stay", "Hotel stay", name, "", "", "Room per night", "kg CO2e", str(value)]
             for name, value in hotels]
    return rows


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path, rows):
    book = Workbook()
    book.active.title = "Introduction"
    book.active.append(["Conversion factors 2026"])
    sheet = book.create_sheet("Factors by Category")
    for row in rows:
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() and "." in c else c for c in row])
    book.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_published_flat_file_gives_the_factors_of_its_year(db, tmp_path, kind):
    writer = write_csv if kind == "csv" else write_xlsx
    data = footprint.read_published(writer(tmp_path / f"flat.{kind}", flat_rows()))
    assert data["year"] == 2026 and data["verified"] is True
    table = footprint.FactorTable.from_data(data)
    assert table.air("short", "economy", rf=False) == pytest.approx(0.1)
    assert table.air("short", "economy", rf=True) == pytest.approx(0.2)
    assert table.air("long", "first", rf=True) == pytest.approx(0.86)
    assert (table.surface("rail"), table.surface("bus"), table.surface("car")) == (0.035, 0.027, 0.17)
    assert table.hotel("KZ") == 40.0 and table.hotel("GB") == 10.0
    assert table.hotel("MN") == HOTEL_DEFAULT                  # the method's default, from the bundled set
    assert table.air_uplift == pytest.approx(UPLIFT - 1)
    assert any("Narnia" in note for note in data["notes"])     # a country it cannot name is said, not guessed
    # A city's row ("UK (London)") is not a country's: left out without a word.
    assert [note for note in data["notes"] if "could not name" in note] == [
        "Hotel countries the application could not name, left out (the default applies): Narnia."]


def test_the_car_is_read_whether_its_fuel_is_in_column_text_or_level_4(db, tmp_path):
    for where in ("Column Text", "Level 4"):
        data = footprint.read_published(write_csv(tmp_path / "flat.csv", flat_rows(car_fuel_in=where)))
        assert [(f["value"], f["unit"]) for f in data["factors"] if f["mode"] == "car"] == [(0.17, "vehicle.km")]


def test_a_file_that_is_not_the_flat_file_is_refused_with_a_reason(db, tmp_path):
    with pytest.raises(footprint.PublishedTableError, match="no header"):
        footprint.read_published(write_csv(tmp_path / "other.csv", [["Name", "Value"], ["a", "1"]]))
    without_rail = [row for row in flat_rows() if "National rail" not in row]
    with pytest.raises(footprint.PublishedTableError, match="no factor found for rail"):
        footprint.read_published(write_csv(tmp_path / "flat.csv", without_rail))


def test_loading_a_newer_year_makes_the_events_that_follow_the_latest_set_compute_again(app, event, category,
                                                                                       tmp_path):
    registration = approved(event, category, country="PK")
    travel(registration, "ISB", [leg("air", "economy")])
    db.session.commit()
    before = footprint.trip_of(registration.id).total_g
    runner = app.test_cli_runner()
    result = runner.invoke(args=["footprint-factors",
                                 str(write_csv(tmp_path / "flat.csv", flat_rows(year=2027)))])
    assert result.exit_code == 0, result.output
    assert "Factor set DESNZ 2027 (UK Government greenhouse gas conversion factors for company reporting, 2027 " \
           "(DESNZ)) is stored." in result.output
    assert "1 events follow the latest set" in result.output
    assert footprint.latest_set().year == 2027
    assert footprint.event_report(event, actor=None).recompute_pending is True
    result = runner.invoke(args=["footprint-recompute", "--pending"])
    assert f"{event.slug}: 1 trips computed." in result.output
    db.session.expire_all()
    trip = footprint.trip_of(registration.id)
    # ISB-NQZ 1,946.1 km, short-haul economy at 0.2 with RF, return, 4 nights in Kazakhstan at 40.
    assert trip.total_g == round(2 * 1946.1 * UPLIFT * 0.2 * 1000) + 4 * 40 * 1000 != before
    again = runner.invoke(args=["footprint-factors", str(tmp_path / "flat.csv"), "--version", "1"])
    assert "is already stored." in again.output and "events follow" not in again.output


def test_the_same_year_published_is_stored_beside_the_bundled_set(app, factors, tmp_path):
    path = write_csv(tmp_path / "flat.csv", flat_rows(year=2026))
    result = app.test_cli_runner().invoke(args=["footprint-factors", str(path)])
    assert "Factor set DESNZ 2026 v2" in result.output
    assert [(s.year, s.version, s.verified) for s in footprint.factor_sets()] == [(2026, 2, True), (2026, 1, True)]


def test_the_bundled_set_is_checked_against_the_published_table(app, db, tmp_path):
    path = write_csv(tmp_path / "flat.csv", flat_rows(year=2026, rail=0.03092))
    result = app.test_cli_runner().invoke(args=["footprint-factors", "--check", str(path)])
    assert result.exit_code == 0
    assert "air short economy (value): 0.07435 here, 0.1 published" in result.output
    assert "rail" not in result.output.replace("differences", "")    # the same value is not listed
    assert footprint.factor_sets() == []                               # nothing stored
    bad = app.test_cli_runner().invoke(args=["footprint-factors", str(tmp_path / "missing.csv")])
    assert bad.exit_code != 0 and "missing.csv" in bad.output


def test_the_report_says_when_the_factors_are_not_checked_against_the_published_table(client, event, category):
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    db.session.commit()
    login_session(client, secretariat)
    page = client.get(f"/e/{event.slug}/manage/footprint").get_data(as_text=True)
    assert "have not been checked" not in page                     # the bundled set is read from the table
    typed = copy.deepcopy(footprint.read_data_file())
    typed.update(year=2027, verified=False)                         # a newer set typed in by hand
    footprint.load_factor_set(typed)
    db.session.commit()
    page = client.get(f"/e/{event.slug}/manage/footprint").get_data(as_text=True)
    assert "The conversion factors in use (DESNZ 2027) have not been checked against the table their publisher " \
           "issued" in page
