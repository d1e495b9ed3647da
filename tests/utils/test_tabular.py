"""Cells and files of the organisers' CSV/XLSX exports."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from app.registration.models import RegistrationState
from app.utils.tabular import build_table, download, neutralise


def test_neutralise_defuses_formula_cells():
    assert [neutralise(v) for v in ["=1+1", "+7 701", "-2", "@SUM(A1)", "\tx", "Astana", None]] == [
        "'=1+1", "'+7 701", "'-2", "'@SUM(A1)", "'\tx", "Astana", ""]


def test_cells_are_unambiguous_and_in_the_reader_language():
    landing = datetime(2027, 4, 20, 21, 30, tzinfo=UTC)  # already the 21st in Astana
    values = [date(2027, 4, 20), landing, True, False, ["en", "kk"], RegistrationState.approved, 3]
    assert [neutralise(v, "Asia/Almaty") for v in values] == [
        "2027-04-20", "2027-04-21 02:30", "Yes", "No", "en, kk", "approved", "3"]
    with force_locale("kk"):
        assert [neutralise(True), neutralise(False)] == ["Иә", "Жоқ"]


def test_table_neutralises_titles_and_refuses_a_short_row():
    table = build_table([("name", "Name"), ("question_1", "=cmd")], [["-x", None]])
    assert (table.keys, table.header, table.rows) == (["name", "question_1"], ["Name", "'=cmd"], [["'-x", ""]])
    with pytest.raises(ValueError):
        build_table([("name", "Name"), ("email", "Email")], [["only one"]])


def test_xlsx_sheet_title_drops_characters_excel_refuses(app):
    from io import BytesIO

    from openpyxl import load_workbook

    table = build_table([("name", "Name")], [["Aliya"]])
    with app.test_request_context():
        response = download(table, "xlsx", name="x", sheet_title="Speakers: day 1/2 [draft] and a very long tail")
        response.direct_passthrough = False
        data = response.get_data()
    sheet = load_workbook(BytesIO(data)).active
    assert (sheet.title, [[c.value for c in r] for r in sheet.iter_rows()]) == (
        "Speakers  day 1 2  draft  and a", [["Name"], ["Aliya"]])
