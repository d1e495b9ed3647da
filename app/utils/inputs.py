"""What a request may carry as far as the database: numbers an integer column can hold,
text without control characters.

PostgreSQL refuses a query that compares an integer column with 2**31 or more, and
any text holding a NUL byte; SQLite overflows at 2**63. Either would be a 500 for
something a script typed into a URL, so every way in is checked here, once:

- `<int:...>` in a route is `IdConverter`: a number no row can have is a 404.
- other route arguments, the query string and the form fields of every request
  reach the views without control characters (`TextConverter`, `Request`; see
  `CleanParameters` for why they are removed rather than refused).
- integers read from the query string, a form or JSON go through `whole_number`
  (`request.args.get("category", type=record_id)`, `coerce=record_id`).
"""
from __future__ import annotations

import re

from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

# PostgreSQL's `integer`: the type of every id and every count the app stores.
MAX_INTEGER = 2**31 - 1

# C0 controls and DEL, except tab, line feed and carriage return, which typed text may hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(value):
    """`value` without control characters (NUL among them); anything but text unchanged."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def whole_number(value, *, minimum: int = 0, maximum: int = MAX_INTEGER) -> int:
    """`value` as an int from `minimum` to `maximum`; ValueError for anything else
    (text, a fraction, a bool, a number no integer column can hold)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,12}", value):
            raise ValueError("not a whole number")
    if not isinstance(value, (int, str)):
        raise ValueError("not a whole number")
    number = int(value)
    if not minimum <= number <= maximum:
        raise ValueError("out of range")
    return number


def record_id(value) -> int:
    """`value` as the id of a row (1 to MAX_INTEGER); ValueError for anything else.

    Works as `type=` of `request.args.get` (a bad value gives the default) and as
    `coerce=` of a WTForms choice field (a bad value is a field error)."""
    return whole_number(value, minimum=1)


def optional_id(value) -> int | None:
    """`record_id`, or None for anything that is not one (a filter to ignore)."""
    try:
        return record_id(value)
    except (TypeError, ValueError):
        return None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number a row id can be, else the route does not match (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_INTEGER,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if len(value) > len(str(MAX_INTEGER)) + 1:  # no need to read thousands of digits
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """The default `<name>` argument (slugs, tokens, codes) without control characters:
    a link with one pasted into it reads as the link without it."""

    def to_python(self, value: str) -> str:
        return strip_controls(value)


class FilePathConverter(PathConverter):
    """`<path:...>` (files) without control characters."""

    def to_python(self, value: str) -> str:
        return strip_controls(value)


URL_CONVERTERS = {"default": TextConverter, "string": TextConverter, "int": IdConverter,
                  "path": FilePathConverter}


class CleanParameters(ImmutableMultiDict):
    """Query string or form fields with control characters removed from names and values.

    Removed rather than refused: they arrive from pasting (a name copied out of a
    PDF or a spreadsheet) far more often than from attacks, no field may hold them,
    and the person then gets the search or the form they meant instead of an error
    page. The forms' own filters (`app.utils.forms.strip_text`) do the same. Uploaded
    files are left as they are.
    """

    def __init__(self, mapping=None):
        pairs = MultiDict(mapping).items(multi=True) if mapping is not None else ()
        super().__init__([(strip_controls(key), strip_controls(value)) for key, value in pairs])


class Request(FlaskRequest):
    """The app's request: `args`, `form` and `values` hold no control characters."""

    parameter_storage_class = CleanParameters
