"""Printable tables: a `Table` (app/utils/tabular.py) as a landscape A4 PDF whose
column titles repeat at the top of every page, written in DejaVu Sans so that
Cyrillic and Kazakh letters print (install fonts-dejavu-core)."""
from __future__ import annotations

import os

from flask import Response
from flask_babel import gettext as _

from app.utils.downloads import content_disposition
from app.utils.tabular import Table, cell_text

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")
GENERATOR = "Kurultai"


class FontMissing(RuntimeError):
    """No Unicode font to write Cyrillic and Kazakh letters with (install fonts-dejavu-core)."""


def font_paths() -> tuple[str, str]:
    for folder in FONT_DIRS:
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            return regular, bold
    raise FontMissing("DejaVuSans.ttf not found in " + ", ".join(FONT_DIRS))


def table_pdf(table: Table, *, title: str, subtitle: str = "", footer: str = "",
              widths: list[float] | None = None, font_size: float = 7.5, progress=None) -> bytes:
    """`table` on landscape A4 pages: a title, a subtitle, then the rows with the column
    titles repeated on each page and "title · Page n" at the foot of each page.
    `widths` are relative column widths (equal when not given). A background job passes
    its `progress` (app/jobs), told of each row written."""
    # fpdf is loaded only when a PDF is asked for: it is heavy and most requests never need it.
    from fpdf import FPDF, FontFace

    regular, bold = font_paths()
    page_label = _("Page")

    class TablePDF(FPDF):
        def footer(self):
            self.set_y(-10)
            self.set_font("DejaVu", "", 7)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, f"{footer or title} · {page_label} {self.page_no()}", align="C")

    pdf = TablePDF(orientation="landscape", format="A4")
    pdf.set_title(title)
    pdf.set_creator(GENERATOR)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", font_size)
    headings = FontFace(emphasis="BOLD", fill_color=(225, 231, 236))
    with pdf.table(col_widths=tuple(widths) if widths else None, headings_style=headings, repeat_headings=1,
                   line_height=font_size * 0.55, text_align="LEFT", first_row_as_headings=True) as grid:
        grid.row(list(table.header))
        for values in table.rows:
            grid.row([cell_text(value) for value in values])
            if progress is not None:
                progress.advance()
    return bytes(pdf.output())


def pdf_download(data: bytes, filename: str):
    """A PDF attachment that no cache keeps (reports carry personal data)."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename, attachment=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
