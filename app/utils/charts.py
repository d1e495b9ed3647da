"""Accessible charts drawn on the server as SVG, with the same numbers as a table.

Three kinds, each built from plain numbers by one function:

- `bar_chart(key, title, items)`: horizontal bars, largest first (`sort=False` keeps
  the given order); `items` are `Bar(label, value, href=None)` or (label, value) pairs.
- `stacked_chart(key, title, categories, series, grouped=False)`: one horizontal bar per
  category split into `series` [(name, [value per category]), ...] (stacked), or one
  thin bar per series side by side (`grouped=True`), with a legend.
- `line_chart(key, title, points, cumulative=False, marker=None)`: a value per date
  (`[(date, value), ...]`, oldest first), as running totals with `cumulative=True`;
  `marker=(date, label)` draws a dashed vertical line (e.g. a deadline).

Each returns a `Chart`: `chart.svg` (Markup: `role="img"`, `aria-labelledby` pointing
at its `<title>` and `<desc>`, a `viewBox` and `width="100%"` so it shrinks to a 360 px
screen), `chart.table()` (a `app.utils.tabular.Table` of the same numbers: for the page
and for `chart_download(chart, "csv")`). Render with the `chart` macro of
`_charts.html`: `{% from "_charts.html" import chart %}{{ chart(c, csv_url=...) }}`,
which puts the SVG in a figure with the table under it, each label linked to the list
behind it when its bar has an `href`, and a CSV link.

Colours have at least 3:1 contrast against white (graphics) and text is #212529; no
script, no CDN, no font to load.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from babel.numbers import format_decimal as babel_format_decimal
from flask import Response, request
from flask_babel import get_locale, lazy_gettext as _l
from markupsafe import Markup, escape

from app.utils.tabular import Table, build_table, download

# Each at least 4.5:1 against white, distinct also in greyscale order.
PALETTE = ("#1f5fa8", "#b34700", "#2e7d32", "#6a3d9a", "#ad1457", "#00695c", "#5d4037", "#37474f")
TEXT = "#212529"
GRID = "#8a9199"
WIDTH = 400          # viewBox width: at 360 px, a 13-unit font is still about 11 px
FONT = 13
ROW = 34             # height of one labelled bar (label line + bar)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str | None = None


@dataclass
class Chart:
    key: str                         # stable id: the element ids and the CSV file name
    kind: str                        # "bar", "stacked", "grouped" or "line"
    title: str
    desc: str
    columns: list[tuple[str, str]]   # (key, title) of the table
    rows: list[list]                 # the table's cells, first cell the label
    hrefs: list[str | None] = field(default_factory=list)  # one per row: the list behind it
    svg: Markup = Markup("")
    note: str = ""                   # shown under the heading: what every number depends on
    swatches: list[str] = field(default_factory=list)  # one colour per row: a legend
    # A picture too large to write into the page (a map): drawn on demand as a standalone
    # SVG document and served at an address of its own, shown with `desc` as its text.
    image: Callable[[], str] | None = None

    @property
    def empty(self) -> bool:
        return not self.rows

    def table(self) -> Table:
        return build_table(self.columns, self.rows)


def chart_download(chart: Chart, fmt: str = "csv"):
    """The chart's numbers as a CSV (or XLSX) attachment named after its key."""
    return download(chart.table(), fmt, name=chart.key, sheet_title=chart.title)


def svg_image(document: str):
    """A drawn picture (`Chart.image`) as an SVG response, revalidated by its ETag: a
    browser that has this very picture gets 304 and no bytes."""
    response = Response(document, mimetype="image/svg+xml")
    response.set_etag(hashlib.sha256(document.encode()).hexdigest()[:32])
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def number(value) -> str:
    """`value` written for the reader's language (1 234, 1,234...)."""
    if isinstance(value, float) and not value.is_integer():
        return _formatted(round(value, 1), str(get_locale() or "en"))
    return _formatted(int(value), str(get_locale() or "en"))


@lru_cache(maxsize=8192)
def _formatted(value: int | float, locale: str) -> str:
    # A dashboard writes a few thousand numbers, most of them small and repeated; Babel
    # takes some 20 microseconds for each.
    return babel_format_decimal(value, locale=locale)


def cell_display(value) -> str:
    """A table cell as the page shows it: numbers for the reader's language, dates as
    YYYY-MM-DD, anything else as text (the `chart_number` template filter)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _bars(items: Iterable) -> list[Bar]:
    return [item if isinstance(item, Bar) else Bar(*item) for item in items]


def _svg(chart: Chart, height: float, body: str) -> Markup:
    title_id, desc_id = f"chart-{chart.key}-title", f"chart-{chart.key}-desc"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kt-chart" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-size="{FONT}" fill="{TEXT}">'
        f'<title id="{title_id}">{escape(chart.title)}</title><desc id="{desc_id}">{escape(chart.desc)}</desc>'
        f'{body}</svg>')


def _text(x: float, y: float, text, *, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(str(text))}</text>'


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n not below `value` (an axis end)."""
    if value <= 0:
        return 1
    power = 1
    while power * 10 <= value:
        power *= 10
    while power > value * 10:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def bar_chart(key: str, title, items: Iterable, *, desc=None, value_title=None, label_title=None,
              sort: bool = True) -> Chart:
    """Horizontal bars, a label above each bar and its value at the bar's end."""
    bars = _bars(items)
    if sort:
        bars.sort(key=lambda bar: (-bar.value, str(bar.label)))
    total = sum(bar.value for bar in bars)
    chart = Chart(key=key, kind="bar", title=str(title),
                  desc=str(desc or _l("%(count)s items, %(total)s in all.", count=len(bars), total=number(total))),
                  columns=[("label", str(label_title or _l("Item"))), ("value", str(value_title or _l("Number")))],
                  rows=[[bar.label, bar.value] for bar in bars], hrefs=[bar.href for bar in bars])
    top = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - 60
    parts = []
    for i, bar in enumerate(bars):
        y = i * ROW
        width = room * bar.value / top
        parts.append(_text(0, y + FONT, bar.label))
        parts.append(f'<rect x="0" y="{y + FONT + 4:.1f}" width="{max(width, 1):.1f}" height="12" '
                     f'fill="{PALETTE[0]}"/>')
        parts.append(_text(width + 4, y + FONT + 15, number(bar.value)))
    chart.svg = _svg(chart, max(len(bars) * ROW, ROW), "".join(parts))
    return chart


def stacked_chart(key: str, title, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *,
                  desc=None, label_title=None, grouped: bool = False, hrefs: Sequence[str | None] = ()) -> Chart:
    """One bar per category split into the series (stacked), or the series' bars side by
    side (`grouped`); categories keep the given order."""
    series = [(str(name), list(values)) for name, values in series]
    totals = [sum(values[i] for _name, values in series) for i in range(len(categories))]
    columns = [("label", str(label_title or _l("Item")))]
    columns += [(f"s{i}", name) for i, (name, _values) in enumerate(series)]
    rows = [[label] + [values[i] for _name, values in series] for i, label in enumerate(categories)]
    if not grouped:
        columns.append(("total", str(_l("Total"))))
        for row, total in zip(rows, totals):
            row.append(total)
    chart = Chart(key=key, kind="grouped" if grouped else "stacked", title=str(title),
                  desc=str(desc or _l("%(count)s items, %(total)s in all.", count=len(categories),
                                      total=number(sum(totals)))),
                  columns=columns, rows=rows, hrefs=list(hrefs) or [None] * len(rows))
    parts, y = [], 0.0
    # The legend: a swatch and a name per series, wrapped into lines.
    x = 0.0
    for i, (name, _values) in enumerate(series):
        step = 22 + len(name) * FONT * 0.6
        if x and x + step > WIDTH:
            x, y = 0.0, y + FONT + 6
        parts.append(f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(_text(x + 16, y + FONT, name))
        x += step
    y += FONT + 14
    room = WIDTH - 60
    top = max(([v for _n, values in series for v in values] if grouped else totals), default=0) or 1
    bar_height = 10 if grouped else 12
    for i, label in enumerate(categories):
        parts.append(_text(0, y + FONT, label))
        y += FONT + 4
        offset = 0.0
        for j, (_name, values) in enumerate(series):
            width = room * values[i] / top
            colour = PALETTE[j % len(PALETTE)]
            if grouped:
                parts.append(f'<rect x="0" y="{y:.1f}" width="{max(width, 1):.1f}" height="{bar_height}" fill="{colour}"/>')
                parts.append(_text(width + 4, y + bar_height - 1, number(values[i]), extra=' font-size="11"'))
                y += bar_height + 2
            elif values[i]:
                # A white seam keeps neighbouring segments apart for every colour vision.
                parts.append(f'<rect x="{offset:.1f}" y="{y:.1f}" width="{width:.1f}" height="{bar_height}" '
                             f'fill="{colour}" stroke="#fff" stroke-width="1"/>')
                offset += width
        if not grouped:
            parts.append(_text(offset + 4, y + bar_height - 1, number(totals[i])))
            y += bar_height
        y += 8
    chart.svg = _svg(chart, max(y, ROW), "".join(parts))
    return chart


def line_chart(key: str, title, points: Sequence[tuple[date, float]], *, desc=None, value_title=None,
               label_title=None, cumulative: bool = False, marker: tuple[date, str] | None = None) -> Chart:
    """A line through one value per date (oldest first), running totals with
    `cumulative`; `marker` (date, label) draws a dashed vertical line at that date."""
    points = sorted(points, key=lambda point: point[0])
    values, running = [], 0
    for _day, value in points:
        running += value
        values.append(running if cumulative else value)
    columns = [("date", str(label_title or _l("Date"))), ("value", str(value_title or _l("Number")))]
    rows = [[day, value] for (day, _raw), value in zip(points, values)]
    if cumulative:
        columns.insert(1, ("per_day", str(_l("That day"))))
        rows = [[day, raw, value] for (day, raw), value in zip(points, values)]
    if desc is None:
        desc = (_l("From %(first)s to %(last)s, %(total)s in all.", first=points[0][0].isoformat(),
                   last=points[-1][0].isoformat(), total=number(running)) if points else _l("No data yet."))
    chart = Chart(key=key, kind="line", title=str(title), desc=str(desc), columns=columns, rows=rows,
                  hrefs=[None] * len(rows))
    left, right, top_pad, bottom = 44.0, WIDTH - 12.0, 10.0, 170.0
    days = [day for day, _value in points]
    if marker:
        days.append(marker[0])
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    span = max((last - first).days, 1)
    top = _nice_max(max(values, default=0))

    def px(day: date) -> float:
        return left + (right - left) * (day - first).days / span

    def py(value: float) -> float:
        return bottom - (bottom - top_pad) * value / top

    parts = []
    for tick in (0, top / 2, top):
        parts.append(f'<line x1="{left}" x2="{right}" y1="{py(tick):.1f}" y2="{py(tick):.1f}" '
                     f'stroke="{GRID}" stroke-width="0.5"/>')
        parts.append(_text(left - 4, py(tick) + 4, number(tick), anchor="end"))
    parts.append(_text(left, bottom + 18, first.isoformat()))
    parts.append(_text(right, bottom + 18, last.isoformat(), anchor="end"))
    if len(points) == 1:
        day, _raw = points[0]
        parts.append(f'<circle cx="{px(day):.1f}" cy="{py(values[0]):.1f}" r="3" fill="{PALETTE[0]}"/>')
    elif points:
        path = " ".join(f"{px(day):.1f},{py(value):.1f}" for (day, _raw), value in zip(points, values))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2.5"/>')
    height = bottom + 24
    if marker:
        x = px(marker[0])
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad}" y2="{bottom}" stroke="{PALETTE[1]}" '
                     f'stroke-width="2" stroke-dasharray="5 3"/>')
        parts.append(_text(min(max(x, left), right), bottom + 36, f"{marker[1]} ({marker[0].isoformat()})",
                           anchor="middle" if left + 80 < x < right - 80 else ("start" if x <= left + 80 else "end")))
        height += 16
    chart.svg = _svg(chart, height, "".join(parts))
    return chart
