"""Tables that organisers download as CSV or XLSX.

A `Table` keeps a stable key per column (for code and tests) next to the title the
reader sees, and the values of its cells as they are: text, numbers, dates and
times (already in the event's zone), so each format writes them the way its
readers expect.

- XLSX: numbers are numbers, dates and times are date cells with a number format
  (filters and sums work), everything else is a text cell. Nothing is ever written
  as a formula, so no text needs a prefix.
- CSV: dates as YYYY-MM-DD and times as YYYY-MM-DD HH:MM (both sort and parse in any
  spreadsheet language), yes/no in the reader's language, and a leading quote only
  before what a spreadsheet would run as a formula (see `neutralise`).
"""
from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response, send_file
from flask_babel import get_locale, lazy_gettext as _l

from app.utils.downloads import content_disposition
from app.utils.time import to_zone

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters Excel refuses in a sheet title; it also allows at most 31 characters.
SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# A cell starting with + or - that holds only digits, spaces and ( ) . , / - is a
# number or a phone number: a spreadsheet reads it as a number or as text, and even
# where it evaluates it as arithmetic, it names no function, reference or program.
_PLAIN_NUMBER = re.compile(r"[+-][0-9][0-9 ().,/-]*")


def reader_locale() -> str:
    """The language the export is read in (the one its titles are in)."""
    return str(get_locale() or "en")


def cell_value(value, zone: str = "UTC"):
    """`value` as a cell holds it: text, a number, a date, or a naive date-time in `zone`
    (spreadsheets know no zones; the column title names the event's time)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, datetime):
        return to_zone(value, zone).replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, (date, int, float, Decimal)):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def cell_text(value, zone: str = "UTC") -> str:
    """`value` as the text of one cell; datetimes are shown in `zone`."""
    value = cell_value(value, zone)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def neutralise(value, zone: str = "UTC") -> str:
    """The CSV text of a cell that a spreadsheet will not run as a formula (CSV/formula
    injection): a leading quote before =, before a leading tab or carriage return, and
    before + - @ unless the cell is a plain number or phone number such as "+7 701 234
    56 78" or "-5", which stays as typed."""
    text = cell_text(value, zone)
    if not text:
        return text
    first = text[0]
    if first in "=\t\r" or (first in "+-@" and len(text) > 1 and not _PLAIN_NUMBER.fullmatch(text)):
        return "'" + text
    return text


@dataclass(frozen=True)
class Table:
    keys: list[str]          # stable column names
    header: list[str]        # column titles in the reader's language
    rows: list[list]         # cell values (see `cell_value`), times in the event's zone


def build_table(columns: Sequence[tuple[str, object]], rows: Iterable[Sequence], *, zone: str = "UTC") -> Table:
    """A Table from (key, title) pairs and rows of raw values. A row of the wrong
    length is a bug in the caller: refused."""
    keys = [key for key, _title in columns]
    body = []
    for row in rows:
        if len(row) != len(keys):
            raise ValueError(f"row of {len(row)} cells for {len(keys)} columns")
        body.append([cell_value(value, zone) for value in row])
    return Table(keys=keys, header=[str(title) for _key, title in columns], rows=body)


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, without which Excel reads Cyrillic as Latin-1."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(title) for title in table.header])
    writer.writerows([neutralise(value) for value in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table, sheet_title: str) -> bytes:
    """Written row by row (write-only) to keep memory flat."""
    # openpyxl is large and only XLSX downloads need it: loaded on the first one.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(sheet_title).translate(SHEET_TITLE_FORBIDDEN)[:31].strip() or "Sheet1")

    def cell(value):
        if value is None:
            return None
        if isinstance(value, (date, int, float, Decimal)):
            item = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                item.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                item.number_format = DATE_FORMAT
            return item
        item = WriteOnlyCell(sheet, value=value)
        item.data_type = "s"  # text stays text, even "=...": never a formula
        return item

    sheet.append([cell(title) for title in table.header])
    for row in table.rows:
        sheet.append([cell(value) for value in row])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def download(table: Table, fmt: str, *, name: str, sheet_title: str) -> Response:
    """`table` as an attachment `<name>.<fmt>` that no cache keeps (exports carry
    personal data)."""
    if fmt == "csv":
        data, mimetype = csv_bytes(table), "text/csv"
    elif fmt == "xlsx":
        data, mimetype = xlsx_bytes(table, sheet_title), XLSX_MIMETYPE
    else:
        raise ValueError(f"unknown table format {fmt!r}")
    response = send_file(io.BytesIO(data), mimetype=mimetype, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{fmt}", attachment=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
