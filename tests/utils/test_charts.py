"""Server-drawn charts: accessible SVG with the same numbers as a table and a CSV."""
from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

from flask import render_template_string

from app.utils.charts import Bar, bar_chart, chart_download, line_chart, stacked_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart):
    return ElementTree.fromstring(str(chart.svg))


def test_a_bar_chart_is_an_image_named_by_its_title_and_description():
    chart = bar_chart("countries", "Countries <represented>", [("Kazakhstan", 3), ("Mongolia", 9)])
    svg = _parse(chart)
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%" and svg.get("viewBox").startswith("0 0 400 ")
    ids = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == ids[0]
    assert svg.find(f"{SVG}title").text == "Countries <represented>"   # escaped in the markup
    assert svg.find(f"{SVG}desc").get("id") == ids[1]
    assert "12" in svg.find(f"{SVG}desc").text


def test_bars_are_drawn_largest_first_and_widths_follow_values():
    chart = bar_chart("c", "T", [("small", 1), ("big", 4), ("middle", 2)])
    assert [row[0] for row in chart.rows] == ["big", "middle", "small"]
    widths = [float(rect.get("width")) for rect in _parse(chart).iter(f"{SVG}rect")]
    assert widths[0] == 4 * widths[2] and widths[1] == 2 * widths[2]
    kept = bar_chart("c", "T", [("small", 1), ("big", 4)], sort=False)
    assert [row[0] for row in kept.rows] == ["small", "big"]


def test_the_macro_shows_the_same_numbers_in_a_table_with_links_and_a_csv_link(app):
    chart = bar_chart("states", "By state", [Bar("Approved", 1234, "/list?state=approved"), Bar("Draft", 5)])
    with app.test_request_context():
        html = render_template_string('{% from "_charts.html" import chart %}{{ chart(c, csv_url="/x.csv") }}',
                                      c=chart)
    assert 'role="img"' in html
    assert re.search(r'<a href="/list\?state=approved">Approved</a></th>\s*<td class="text-end">1,234</td>', html)
    assert 'href="/x.csv"' in html


def test_an_empty_chart_says_so_instead_of_drawing(app):
    chart = bar_chart("none", "Nothing", [])
    with app.test_request_context():
        html = render_template_string('{% from "_charts.html" import chart %}{{ chart(c) }}', c=chart)
    assert "Nothing to show yet." in html and "<svg" not in html


def test_stacked_and_grouped_bars_have_a_legend_and_totals():
    chart = stacked_chart("cats", "By category", ["Delegate", "Press"],
                          [("Approved", [3, 1]), ("Waitlisted", [2, 0])])
    assert chart.columns[-1][0] == "total"
    assert chart.rows == [["Delegate", 3, 2, 5], ["Press", 1, 0, 1]]
    texts = [t.text for t in _parse(chart).iter(f"{SVG}text")]
    assert "Approved" in texts and "Waitlisted" in texts and "5" in texts
    grouped = stacked_chart("cats", "By category", ["Delegate"], [("A", [3]), ("B", [2])], grouped=True)
    assert grouped.rows == [["Delegate", 3, 2]]
    assert len(list(_parse(grouped).iter(f"{SVG}rect"))) == 4   # two swatches, two bars


def test_a_cumulative_line_adds_up_and_marks_the_deadline():
    points = [(date(2027, 3, 2), 5), (date(2027, 3, 1), 2), (date(2027, 3, 4), 1)]
    chart = line_chart("over-time", "Registrations", points, cumulative=True,
                       marker=(date(2027, 3, 10), "Deadline"))
    assert chart.rows == [[date(2027, 3, 1), 2, 2], [date(2027, 3, 2), 5, 7], [date(2027, 3, 4), 1, 8]]
    svg = _parse(chart)
    assert any("Deadline (2027-03-10)" == t.text for t in svg.iter(f"{SVG}text"))
    dashed = [line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1
    # The deadline is the last day drawn: its line sits at the right edge.
    assert float(dashed[0].get("x1")) == 400 - 12


def test_chart_numbers_download_as_csv(app):
    chart = bar_chart("states", "By state", [("Approved", 2), ("=cmd", 1)])
    with app.test_request_context():
        response = chart_download(chart)
        response.direct_passthrough = False
    assert response.mimetype == "text/csv"
    assert "states.csv" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8-sig")
    assert body.splitlines() == ["Item,Number", "Approved,2", "'=cmd,1"]
