"""Tables that organisers download as CSV or XLSX.

A `Table` keeps a stable key per column (for code and tests) next to the title the
reader sees, and the values of its cells as they are: text, numbers, dates and
times (already in the event's zone), so each format writes them the way its
readers expect.

- XLSX: numbers are numbers, dates and times are date cells with a number format
  (filters and sums work), everything else is a text cell. Nothing is ever written
  as a formula, so no text needs a prefix. Written by openpyxl's write-only mode into
  a temporary file (kept in memory while small), then sent.
- CSV: dates as YYYY-MM-DD and times as YYYY-MM-DD HH:MM (both sort and parse in any
  spreadsheet language), yes/no in the reader's language, and a leading quote only
  before what a spreadsheet would run as a formula (see `neutralise`). Sent to the
  reader while it is written.

A large export (every registration of a summit) is a `TableStream`: its rows are an
iterator, read once, as the writer goes, so memory does not grow with the rows.
"""
from __future__ import annotations

import contextlib
import csv
import enum
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response, send_file, stream_with_context
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
_AS_IS = frozenset({str, int, type(None)})
# The first characters of a cell a spreadsheet may run (see `neutralise`).
_FORMULA_STARTS = "=\t\r+-@"
# CSV rows sent to the reader at a time; an XLSX file kept in memory up to this size,
# on disk beyond it.
CSV_BATCH_ROWS = 500
XLSX_SPOOL_BYTES = 2 * 1024 * 1024


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
    text = value if type(value) is str else cell_text(value, zone)
    if not text:
        return text
    first = text[0]
    if first not in _FORMULA_STARTS:
        return text
    if first in "=\t\r" or (first in "+-@" and len(text) > 1 and not _PLAIN_NUMBER.fullmatch(text)):
        return "'" + text
    return text


@dataclass(frozen=True)
class Table:
    keys: list[str]          # stable column names
    header: list[str]        # column titles in the reader's language
    rows: list[list]         # cell values (see `cell_value`), times in the event's zone


@dataclass(frozen=True)
class TableStream:
    """A table whose rows come one at a time (read once, never kept): a large export."""
    keys: list[str]
    header: list[str]
    rows: Iterator[list]     # cell values, produced as the writer asks for them


def stream_table(columns: Sequence[tuple[str, object]], rows: Iterable[Sequence], *,
                 zone: str = "UTC") -> TableStream:
    """A TableStream from (key, title) pairs and an iterable of raw rows, each turned
    into cells when it is read. A row of the wrong length is a bug in the caller:
    refused."""
    keys = [key for key, _title in columns]
    width = len(keys)
    yes, no = str(_l("Yes")), str(_l("No"))

    def cell(value):
        if type(value) is bool:
            return yes if value else no
        return cell_value(value, zone)

    def cells() -> Iterator[list]:
        for row in rows:
            if len(row) != width:
                raise ValueError(f"row of {len(row)} cells for {width} columns")
            # What most cells hold (text, whole numbers, nothing) is kept as it is.
            yield [value if type(value) in _AS_IS else cell(value) for value in row]

    return TableStream(keys=keys, header=[str(title) for _key, title in columns], rows=cells())


def build_table(columns: Sequence[tuple[str, object]], rows: Iterable[Sequence], *, zone: str = "UTC") -> Table:
    """A Table (all rows in memory: small tables, pages, PDFs) from (key, title) pairs
    and rows of raw values. A row of the wrong length is a bug in the caller: refused."""
    stream = stream_table(columns, rows, zone=zone)
    return Table(keys=stream.keys, header=stream.header, rows=list(stream.rows))


def csv_chunks(table: Table | TableStream) -> Iterator[bytes]:
    """The CSV file in pieces of a few hundred rows: UTF-8 with a byte-order mark,
    without which Excel reads Cyrillic as Latin-1."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([neutralise(title) for title in table.header])
    for n, row in enumerate(table.rows, start=1):
        # Text that cannot start a formula (most cells) is written as it is.
        writer.writerow([value if type(value) is str and (not value or value[0] not in _FORMULA_STARTS)
                         else neutralise(value) for value in row])
        if n % CSV_BATCH_ROWS == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def csv_bytes(table: Table | TableStream) -> bytes:
    return b"".join(csv_chunks(table))


def xlsx_file(table: Table | TableStream, sheet_title: str) -> tempfile.SpooledTemporaryFile:
    """The XLSX file, written row by row into a temporary file read from its start.

    openpyxl's write-only mode keeps the sheet in a temporary file of its own, not in
    memory, and writes the workbook around it (styles, parts, the zip). Its rows are
    written here (`_row_writer`): openpyxl builds a cell object per value, which for a
    summit's registrations (millions of cells) takes longer than a worker may."""
    # openpyxl is large and only XLSX downloads need it: loaded on the first one.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(sheet_title).translate(SHEET_TITLE_FORBIDDEN)[:31].strip() or "Sheet1")
    sheet._get_writer()
    sheet._writer.write_row = _row_writer(sheet, len(table.header))
    sheet._values_to_row = lambda values, _row_idx: values
    out = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)
    try:
        sheet.append(list(table.header))
        for row in table.rows:
            sheet.append(row)
        book.save(out)
    except BaseException:
        out.close()
        # The sheet's own temporary file, left behind otherwise: finished, then removed.
        with contextlib.suppress(Exception):
            sheet.close()
        sheet._writer.cleanup()
        raise
    out.seek(0)
    return out


def _row_writer(sheet, width: int):
    """A function writing one row of cell values into `sheet`'s XML as openpyxl writes
    the same values through its cells: numbers as numbers, dates and times as numbers
    in a date format, everything else as (inline) text, never a formula. The row's
    XML is written as text and parsed in one go (libxml2), several times faster than
    an element per cell."""
    from xml.sax.saxutils import escape

    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.compat import safe_string
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from openpyxl.xml.functions import fromstring

    def style(number_format: str) -> str:
        # A cell with the format registers it in the workbook's styles: its number.
        cell = WriteOnlyCell(sheet, value=0)
        cell.number_format = number_format
        return str(cell.style_id)

    date_style, datetime_style = style(DATE_FORMAT), style(DATETIME_FORMAT)
    letters = [get_column_letter(n) for n in range(1, width + 1)]
    illegal = ILLEGAL_CHARACTERS_RE

    def text(ref: str, value: str) -> str:
        if not value:
            return f'<c r="{ref}" t="inlineStr"/>'
        if illegal.search(value):  # control characters pasted into a form: XML cannot carry them
            value = illegal.sub("", value)
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'

    def write_row(xf, values, row_idx: int) -> None:
        index = str(row_idx)
        parts = [f'<row r="{index}">']
        for letter, value in zip(letters, values):
            kind = type(value)
            if kind is str:
                parts.append(text(letter + index, value))
            elif value is None:
                continue
            elif isinstance(value, date):  # a datetime too
                style_id = datetime_style if isinstance(value, datetime) else date_style
                parts.append(f'<c r="{letter}{index}" s="{style_id}" t="n"><v>{safe_string(to_excel(value))}</v></c>')
            elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                parts.append(f'<c r="{letter}{index}" t="n"><v>{safe_string(value)}</v></c>')
            else:
                parts.append(text(letter + index, str(value)))
        parts.append("</row>")
        xf.write(fromstring("".join(parts)))

    return write_row


def xlsx_bytes(table: Table | TableStream, sheet_title: str) -> bytes:
    with xlsx_file(table, sheet_title) as data:
        return data.read()


def download(table: Table | TableStream, fmt: str, *, name: str, sheet_title: str) -> Response:
    """`table` as an attachment `<name>.<fmt>` that no cache keeps (exports carry
    personal data). CSV is sent while it is written, so a `TableStream`'s rows are
    read during the response: the request's context (and its database session) stays
    open until the last row. XLSX is written first, then sent from its temporary file."""
    if fmt == "csv":
        response = Response(stream_with_context(csv_chunks(table)), mimetype="text/csv")
    elif fmt == "xlsx":
        data = xlsx_file(table, sheet_title)
        size = data.seek(0, io.SEEK_END)
        data.seek(0)
        response = send_file(data, mimetype=XLSX_MIMETYPE, max_age=0, conditional=False)
        response.content_length = size
    else:
        raise ValueError(f"unknown table format {fmt!r}")
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{fmt}", attachment=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
