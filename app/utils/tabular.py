"""Tables that organisers download as CSV or XLSX.

A `Table` keeps a stable key per column (for code and tests) next to the title the
reader sees. Every cell, titles included, is text a spreadsheet shows as written
and never runs: dates as YYYY-MM-DD, times as YYYY-MM-DD HH:MM in the event's zone
(both sort and parse in any spreadsheet language), yes/no in the reader's language,
and a leading quote before anything that starts like a formula.
"""
from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, send_file
from flask_babel import lazy_gettext as _l

from app.utils.time import to_zone

FORMATS = ("csv", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters Excel refuses in a sheet title; it also allows at most 31 characters.
SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def cell_text(value, zone: str = "UTC") -> str:
    """`value` as the text of one cell; datetimes are shown in `zone`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, datetime):
        return to_zone(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def neutralise(value, zone: str = "UTC") -> str:
    """A cell that a spreadsheet will not run as a formula (CSV/formula injection)."""
    text = cell_text(value, zone)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


@dataclass(frozen=True)
class Table:
    keys: list[str]          # stable column names
    header: list[str]        # column titles in the reader's language
    rows: list[list[str]]


def build_table(columns: Sequence[tuple[str, object]], rows: Iterable[Sequence], *, zone: str = "UTC") -> Table:
    """A Table from (key, title) pairs and rows of raw values, every cell and title
    neutralised. A row of the wrong length is a bug in the caller: refused."""
    keys = [key for key, _title in columns]
    body = []
    for row in rows:
        if len(row) != len(keys):
            raise ValueError(f"row of {len(row)} cells for {len(keys)} columns")
        body.append([neutralise(value, zone) for value in row])
    return Table(keys=keys, header=[neutralise(title) for _key, title in columns], rows=body)


def download(table: Table, fmt: str, *, name: str, sheet_title: str) -> Response:
    """`table` as an attachment `<name>.<fmt>` that no cache keeps (exports carry
    personal data). CSV is UTF-8 with a byte-order mark, without which Excel reads
    Cyrillic as Latin-1; XLSX is written row by row (write-only) to keep memory flat."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(table.header)
        writer.writerows(table.rows)
        data = io.BytesIO(("\ufeff" + out.getvalue()).encode("utf-8"))
        mimetype = "text/csv"
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(sheet_title).translate(SHEET_TITLE_FORBIDDEN)[:31].strip() or "Sheet1")
        sheet.append(table.header)
        for row in table.rows:
            sheet.append(row)
        data = io.BytesIO()
        book.save(data)
        data.seek(0)
        mimetype = XLSX_MIMETYPE
    else:
        raise ValueError(f"unknown table format {fmt!r}")
    response = send_file(data, mimetype=mimetype, as_attachment=True, download_name=f"{name}.{fmt}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
