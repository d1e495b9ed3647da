"""What a request may carry into the database: range-checked numbers, text without
control characters, and route arguments that refuse both."""
from __future__ import annotations

import pytest
from flask import request
from werkzeug.datastructures import FileStorage, MultiDict

from app.utils.inputs import MAX_INTEGER, CleanParameters, optional_id, record_id, strip_controls, whole_number


@pytest.mark.parametrize("value, expected", [
    ("1", 1), (" 42 ", 42), (7, 7), (str(MAX_INTEGER), MAX_INTEGER), (MAX_INTEGER, MAX_INTEGER),
])
def test_record_id_accepts_what_a_row_id_can_be(value, expected):
    assert record_id(value) == expected


@pytest.mark.parametrize("value", [
    "0", "-1", str(MAX_INTEGER + 1), str(2**63), str(10**30), "9" * 5000, MAX_INTEGER + 1, 10**30, -3,
    "", "  ", "1.5", "1e3", "0x10", "abc", "1\x002", None, True, 2.0, [1], "١٢",
])
def test_record_id_refuses_anything_else_with_a_value_error(value):
    with pytest.raises((ValueError, TypeError)):
        record_id(value)
    assert optional_id(value) is None


def test_whole_number_takes_its_own_range():
    assert whole_number("0") == 0
    assert whole_number("-5", minimum=-10) == -5
    with pytest.raises(ValueError):
        whole_number("11", maximum=10)


def test_strip_controls_keeps_tabs_and_line_breaks():
    assert strip_controls("a\x00b\x01c\x1f\x7fd\te\nf\r\n") == "abcd\te\nf\r\n"
    assert strip_controls(None) is None
    assert strip_controls(5) == 5


def test_clean_parameters_strip_names_and_values_and_keep_files():
    upload = FileStorage(filename="slides.pdf")
    cleaned = CleanParameters(MultiDict([("q", "Ser\x00ikova"), ("ta\x00g", "x"), ("q", "b\x01"), ("file", upload)]))
    assert cleaned.getlist("q") == ["Serikova", "b"]
    assert cleaned["tag"] == "x"
    assert cleaned["file"] is upload


def test_query_string_and_form_reach_views_without_control_characters(app):
    with app.test_request_context("/?q=a%00b%07c&page=2", method="POST", data={"name": "Ai\x00gerim\r\nN"}):
        assert (request.args["q"], request.args["page"]) == ("abc", "2")
        assert request.form["name"] == "Aigerim\r\nN"
        assert request.values["q"] == "abc"


@pytest.mark.parametrize("path", ["/e/astana-2027/speakers/2147483648", "/e/astana-2027/speakers/0",
                                  "/e/astana-2027/speakers/-1", "/e/astana-2027/speakers/" + "9" * 5000])
def test_routes_do_not_match_ids_beyond_the_database(app, path):
    from werkzeug.exceptions import NotFound

    adapter = app.url_map.bind("summit.test")
    with pytest.raises(NotFound):
        adapter.match(path)


def test_route_arguments_reach_views_without_control_characters(app):
    adapter = app.url_map.bind("summit.test")
    assert adapter.match("/e/astana\x00-2027\x1b/") == ("events.home", {"slug": "astana-2027"})
    assert adapter.match("/account/reset/\x00") == ("accounts.reset_password", {"token": ""})
    assert adapter.match("/bootstrap/static/css/a\x00pp.css")[1] == {"filename": "css/app.css"}


def test_routes_still_match_real_ids_and_slugs(app):
    adapter = app.url_map.bind("summit.test")
    assert adapter.match(f"/e/astana-2027/speakers/{MAX_INTEGER}") == (
        "speakers.profile", {"slug": "astana-2027", "user_id": MAX_INTEGER})
    assert adapter.match("/e/астана/")[1] == {"slug": "астана"}
    assert adapter.match("/static/css/app.css")[1] == {"filename": "css/app.css"}


def test_every_integer_form_field_is_bounded_within_the_database(app):
    """An IntegerField without an upper bound would let 2**31 reach an integer column.
    (The app's views, imported with it, import every form.)"""
    from flask_wtf import FlaskForm
    from wtforms import IntegerField
    from wtforms.fields.core import UnboundField
    from wtforms.validators import NumberRange

    checked, unbounded, pending = 0, [], [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for name, field in vars(cls).items():
            if isinstance(field, UnboundField) and issubclass(field.field_class, IntegerField):
                checked += 1
                bounds = [v for v in field.kwargs.get("validators", []) if isinstance(v, NumberRange)]
                if not any(v.max is not None and v.max <= MAX_INTEGER and v.min is not None
                           and v.min >= -MAX_INTEGER for v in bounds):
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert checked > 10
    assert unbounded == []


def test_every_numeric_choice_field_coerces_through_the_range_checked_parser(app):
    """A choice coerced with plain int() would hand 2**31 to the view when the choice is
    not checked against the list; every numeric choice goes through whole_number."""
    from flask_wtf import FlaskForm
    from wtforms import SelectField, SelectMultipleField
    from wtforms.fields.core import UnboundField

    from app.registration.forms import choice_id

    allowed = {str, record_id, choice_id}
    checked, plain, pending = 0, [], [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for name, field in vars(cls).items():
            if isinstance(field, UnboundField) and issubclass(field.field_class, (SelectField, SelectMultipleField)):
                checked += 1
                if field.kwargs.get("coerce", str) not in allowed:
                    plain.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert checked > 10
    assert plain == []
