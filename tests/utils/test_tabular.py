"""Cells and files of the organisers' CSV/XLSX exports, read back as a spreadsheet would."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from app.registration.models import RegistrationState
from app.utils.tabular import build_table, download, neutralise


def _body(app, table, fmt: str) -> tuple[bytes, dict]:
    with app.test_request_context():
        response = download(table, fmt, name="export", sheet_title="Export")
        response.direct_passthrough = False
        return response.get_data(), dict(response.headers)


def test_neutralise_defuses_what_a_spreadsheet_would_run():
    values = ["=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|x", "@SUM(A1)", "\tx", "\r=1", "-Name", "+Org", "=",
              "-1+SUM(A1)"]
    assert [neutralise(v) for v in values] == ["'" + v for v in values]


def test_neutralise_keeps_phone_numbers_and_numbers_as_typed():
    values = ["+7 701 234 56 78", "+7 (717) 200-00-00", "-5", "-5.25", "+44 20 7946 0958", "Astana", "-", "+",
              "a=b", None]
    assert [neutralise(v) for v in values] == [
        "+7 701 234 56 78", "+7 (717) 200-00-00", "-5", "-5.25", "+44 20 7946 0958", "Astana", "-", "+", "a=b", ""]


def test_csv_cells_are_unambiguous_and_in_the_reader_language():
    landing = datetime(2027, 4, 20, 21, 30, tzinfo=UTC)  # already the 21st in Astana
    values = [date(2027, 4, 20), landing, True, False, ["en", "kk"], RegistrationState.approved, 3]
    assert [neutralise(v, "Asia/Almaty") for v in values] == [
        "2027-04-20", "2027-04-21 02:30", "Yes", "No", "en, kk", "approved", "3"]
    with force_locale("kk"):
        assert [neutralise(True), neutralise(False)] == ["Иә", "Жоқ"]


def test_csv_keeps_a_phone_number_and_quotes_a_formula(app):
    table = build_table([("name", "Name"), ("phone", "Phone"), ("question_1", "=cmd")],
                        [["=HYPERLINK(\"http://x\")", "+7 701 234 56 78", "-5"]])
    data, _headers = _body(app, table, "csv")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["Name", "Phone", "'=cmd"], ["'=HYPERLINK(\"http://x\")", "+7 701 234 56 78", "-5"]]


def test_xlsx_stores_text_as_text_and_never_a_formula(app):
    table = build_table([("name", "Name"), ("phone", "Phone"), ("note", "=title")],
                        [["=HYPERLINK(\"http://x\")", "+7 701 234 56 78", "@SUM(A1)"]])
    data, _headers = _body(app, table, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [(c.value, c.data_type) for c in cells] == [
        ("Name", "s"), ("Phone", "s"), ("=title", "s"),
        ("=HYPERLINK(\"http://x\")", "s"), ("+7 701 234 56 78", "s"), ("@SUM(A1)", "s")]


def test_xlsx_dates_times_and_numbers_are_typed_cells(app):
    landing = datetime(2027, 4, 20, 21, 30, tzinfo=UTC)  # 02:30 on the 21st in Astana
    table = build_table([("day", "Day"), ("at", "At"), ("count", "Count"), ("flag", "Flag"), ("none", "None")],
                        [[date(2027, 4, 20), landing, 3, True, None], [date(2027, 4, 22), landing, 4, False, None]],
                        zone="Asia/Almaty")
    data, _headers = _body(app, table, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    first = [(c.value, c.data_type, c.number_format) for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first == [(datetime(2027, 4, 20), "d", "yyyy-mm-dd"), (datetime(2027, 4, 21, 2, 30), "d", "yyyy-mm-dd hh:mm"),
                     (3, "n", "General"), ("Yes", "s", "General"), (None, "n", "General")]
    assert sum(row[2].value for row in sheet.iter_rows(min_row=2)) == 7


def test_table_keeps_values_and_refuses_a_short_row():
    table = build_table([("name", "Name"), ("question_1", "=cmd")], [["-x", None]])
    assert (table.keys, table.header, table.rows) == (["name", "question_1"], ["Name", "=cmd"], [["-x", None]])
    with pytest.raises(ValueError):
        build_table([("name", "Name"), ("email", "Email")], [["only one"]])


def test_xlsx_sheet_title_drops_characters_excel_refuses(app):
    table = build_table([("name", "Name")], [["Aliya"]])
    with app.test_request_context():
        response = download(table, "xlsx", name="x", sheet_title="Speakers: day 1/2 [draft] and a very long tail")
        response.direct_passthrough = False
        data = response.get_data()
    sheet = load_workbook(io.BytesIO(data)).active
    assert (sheet.title, [[c.value for c in r] for r in sheet.iter_rows()]) == (
        "Speakers  day 1 2  draft  and a", [["Name"], ["Aliya"]])


def test_download_names_the_file_in_any_script(app):
    table = build_table([("name", "Name")], [["Aliya"]])
    with app.test_request_context():
        plain = download(table, "csv", name="astana-2027-registrations", sheet_title="x")
        kazakh = download(table, "csv", name="Астана-қатысушылар", sheet_title="x")
    assert plain.headers["Content-Disposition"] == 'attachment; filename="astana-2027-registrations.csv"'
    assert kazakh.headers["Content-Disposition"] == (
        "attachment; filename=\"Astana-qatysushylar.csv\"; "
        "filename*=UTF-8''%D0%90%D1%81%D1%82%D0%B0%D0%BD%D0%B0-%D2%9B%D0%B0%D1%82%D1%8B%D1%81%D1%83%D1%88%D1%8B"
        "%D0%BB%D0%B0%D1%80.csv")


def test_a_stream_is_read_once_as_the_writer_goes(app, monkeypatch):
    """A TableStream's rows are produced when the file is written, a few hundred CSV
    rows at a time, never gathered in a list first."""
    from app.utils import tabular

    monkeypatch.setattr(tabular, "CSV_BATCH_ROWS", 2)
    produced = []

    def rows():
        for n in range(5):
            produced.append(n)
            yield [f"Person {n}", n]

    table = tabular.stream_table([("name", "Name"), ("n", "No.")], rows())
    assert produced == []
    chunks = tabular.csv_chunks(table)
    assert next(chunks) == "\ufeffName,No.\r\nPerson 0,0\r\nPerson 1,1\r\n".encode() and produced == [0, 1]
    assert b"".join(chunks) == b"Person 2,2\r\nPerson 3,3\r\nPerson 4,4\r\n" and produced == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        list(tabular.stream_table([("name", "Name")], iter([["a", "b"]])).rows)


def test_xlsx_drops_characters_xml_cannot_carry_and_keeps_spaces(app):
    """A control character pasted into a form does not break the export."""
    table = build_table([("org", "Org"), ("note", "Note"), ("at", "At")],
                        [["Ministry\x07 of Ecology", "  indented ", datetime(2027, 4, 20, 21, 30, tzinfo=UTC)]],
                        zone="Asia/Almaty")
    data, _headers = _body(app, table, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in list(sheet.iter_rows())[1]] == [
        "Ministry of Ecology", "  indented ", datetime(2027, 4, 21, 2, 30)]


def test_xlsx_that_fails_halfway_leaves_no_file_behind(app, tmp_path, monkeypatch):
    import tempfile

    from app.utils import tabular

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield ["Aliya"]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        tabular.xlsx_file(tabular.stream_table([("name", "Name")], rows()), "Export")
    assert list(tmp_path.iterdir()) == []
