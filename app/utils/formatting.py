"""Dates, times and language names written for the reader: in the event's time zone
and the reader's language. Used by templates (app/templating.py makes them filters)
and by the services that write documents (badges, letters, exports)."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from babel.dates import (format_date, format_datetime, format_interval, format_time, get_month_names,
                         match_skeleton, tokenize_pattern)
from flask_babel import get_locale

from app.i18n import formatting_locale
from app.utils.time import as_utc


def _locale() -> str:
    return str(get_locale() or "en")


# Named styles for dates and times, each a CLDR skeleton: the fields to show, in no
# order. Babel finds each language's own pattern for them, so Kazakh writes
# "21 сәуір, сейсенбі" where Russian writes "вторник, 21 апреля" and English
# "Tuesday 21 April". Templates name a style and never carry a pattern: a pattern
# such as "EEEE d MMMM" imposes one language's word order on the others.
STYLES = {
    # A moment in lists, tables and sentences: "29 Nov 2026, 07:20". The month is a
    # word, never a number: "11/29/26" is read as another day in half the world.
    "short": "yMMMdHm",
    "medium": "yMMMdHm",           # the same: the default
    "long": "yMMMMdHm",            # 29 November 2026, 07:20
    # Days of the summit, whose year goes without saying.
    "day": "MMMMEEEEd",            # heading: Tuesday 21 April
    "day_short": "MMMEd",          # tab, list: Tue 21 Apr
    "day_year": "yMMMMEEEEd",      # a day standing alone: Tuesday, 21 April 2027
    "day_time": "MMMMEEEEdHm",     # Tuesday 21 April, 09:00
    "day_short_time": "MMMEdHm",   # Tue 21 Apr, 09:00
    "weekday_time": "EHm",         # Tue 09:00
    "time": "Hm",                  # 09:00, on the 24-hour clock in every language
}
# The day styles stand alone (a heading, a tab, a table cell), so they start with a
# capital letter, as Russian writes «Вторник, 21 апреля» at the start of a line.
_STANDALONE = frozenset({"day", "day_short", "day_year", "day_time", "day_short_time", "weekday_time"})
_TIME_FIELDS = frozenset("aAbBhHjJkKCmsSvVxXzZO")
# Fields written as names (weekday, month), each with the skeleton letters that ask for it.
_NAME_FIELDS = {"E": "Eec", "e": "Eec", "c": "Eec", "M": "ML", "L": "ML"}


def _style(style: str, part: str = "") -> str:
    """The skeleton of a named style, all of it or only its "date" or "time" fields."""
    try:
        skeleton = STYLES[style]
    except KeyError:
        raise ValueError(f"unknown date style {style!r}; name one of {', '.join(STYLES)}") from None
    if part == "date":
        skeleton = "".join(c for c in skeleton if c not in _TIME_FIELDS)
    elif part == "time":
        skeleton = "".join(c for c in skeleton if c in _TIME_FIELDS)
    if not skeleton:
        raise ValueError(f"date style {style!r} has no {part} fields")
    return skeleton


def _widen(pattern: str, skeleton: str) -> str:
    """`pattern` with its weekday and month names as long as `skeleton` asks.

    A locale's nearest pattern for "MMMMEEEEd" is often the one for "MMMMEd", with an
    abbreviated weekday: CLDR says to lengthen its fields to the ones asked for,
    which Babel does not do. Numbers keep the pattern's own width."""
    asked = dict(value for kind, value in tokenize_pattern(skeleton) if kind == "field")
    out = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            # Literal text goes back in quotes: "at" would otherwise be read as fields.
            text = value.replace("'", "''")
            out.append(f"'{text}'" if re.search("[A-Za-z]", value) else text)
            continue
        char, width = value
        if char in _NAME_FIELDS and (char == "E" or width >= 3):  # a name; 1-2 letters of M, L, c, e are numbers
            want = max(asked.get(c, 0) for c in _NAME_FIELDS[char])
            if want == 4:
                width = 4
            elif width == 4 and (want == 3 or (want and char in "Eec")):  # "E" asks for the short name
                width = 3
        out.append(char * width)
    return "".join(out)


@lru_cache(maxsize=256)
def _pattern(skeleton: str, locale: str) -> str:
    """The `locale`'s pattern for a CLDR skeleton.

    A skeleton with both date and time fields that the locale has no pattern for is
    split, as CLDR says: each half gets its own pattern, joined by the locale's
    date-time pattern of the length the date asks for."""
    loc = Locale.parse(locale)
    available = loc.datetime_skeletons
    match = skeleton if skeleton in available else match_skeleton(skeleton, available)
    if match:
        return _widen(available[match].pattern, skeleton)
    date_part = "".join(c for c in skeleton if c not in _TIME_FIELDS)
    time_part = "".join(c for c in skeleton if c in _TIME_FIELDS)
    if not (date_part and time_part):
        raise ValueError(f"no pattern for {skeleton!r} in {locale}")
    length = ("full" if "MMMM" in date_part and "EEEE" in date_part else "long" if "MMMM" in date_part
              else "medium" if "MMM" in date_part else "short")
    joined = str(loc.datetime_formats[length])
    return joined.replace("{1}", _pattern(date_part, locale)).replace("{0}", _pattern(time_part, locale))


def _standalone(text: str, style: str) -> str:
    return text[:1].upper() + text[1:] if style in _STANDALONE else text


def _formatting_locale() -> str:
    return formatting_locale(_locale())


def event_datetime(value: datetime | None, event=None, style: str = "medium") -> str:
    """A UTC datetime shown in the event's time zone and the reader's language, in a
    named style of STYLES. No seconds and no UTC offset: they mean nothing to a
    delegate reading a programme."""
    if value is None:
        return ""
    zone = event.tz if event is not None else None
    locale = _formatting_locale()
    text = format_datetime(as_utc(value), _pattern(_style(style), locale), tzinfo=zone, locale=locale)
    return _standalone(text, style)


def event_time(value: datetime | None, event=None, style: str = "time") -> str:
    """The time of day of a UTC datetime in the event's time zone (the time fields of
    a named style)."""
    if value is None:
        return ""
    zone = event.tz if event is not None else None
    locale = _formatting_locale()
    return format_time(as_utc(value), _pattern(_style(style, "time"), locale), tzinfo=zone, locale=locale)


def local_date(value: date | None, style: str = "long") -> str:
    """A calendar date in the reader's language (the date fields of a named style)."""
    if value is None:
        return ""
    locale = _formatting_locale()
    return _standalone(format_date(value, _pattern(_style(style, "date"), locale), locale=locale), style)


def date_range(start: date, end: date) -> str:
    """Two calendar dates as one range in the reader's language: "21–23 April 2027",
    «21—23 апреля 2027 г.», «2027 ж. 21–23 сәуір»; a month or year is written once
    when both dates share it."""
    if start == end:
        return local_date(start)
    locale = _formatting_locale()
    text = format_interval(start, end, "yMMMd", locale=locale)
    # CLDR gives these ranges with abbreviated months only: write the months out.
    short, wide = get_month_names("abbreviated", "format", locale), get_month_names("wide", "format", locale)
    for month in {start.month, end.month}:
        text = re.sub(rf"(?<!\w){re.escape(short[month])}(?!\w)", wide[month], text)
    # Thin and narrow spaces, as the single dates around the app are written.
    return text.replace("\u2009", " ").replace("\u202f", " ")


def _cldr_language_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name(_locale()) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def language_name(code: str) -> str:
    """A language code (en, kk, ...) named in the reader's language, capitalised as a label
    standing on its own ("Русский"); unknown codes as they are."""
    name = _cldr_language_name(code)
    return name[:1].upper() + name[1:]


def language_names(codes) -> str:
    """Language codes (["en", "kk"]) as a list in the reader's language ("English, Kazakh").

    The list is written as a value standing on its own (a table cell, a detail): its
    first letter is capital and the other names keep the case of running text, since
    Russian and Kazakh write language names in lower case ("Русский, английский")."""
    names = ", ".join(_cldr_language_name(code) for code in codes or [])
    return names[:1].upper() + names[1:]


def utc_iso(value: datetime | None) -> str:
    return as_utc(value).isoformat().replace("+00:00", "Z") if value else ""


@lru_cache(maxsize=32)
def _number_symbols(locale: str) -> tuple[str, str] | None:
    """(group, decimal) separators of a locale that groups digits by three, else None."""
    parsed = Locale.parse(locale)
    if parsed.decimal_formats.get(None) is None or parsed.decimal_formats[None].grouping != (3, 3):
        return None
    symbols = parsed.number_symbols.get("latn", parsed.number_symbols)
    return symbols["group"], symbols["decimal"]


def number(value, digits: int = 0) -> str:
    """A number written the reader's way ("12,345.6", "12 345,6"), with `digits` decimals.
    Fast enough for tables of hundreds of rows: the locale's separators are read once."""
    if value is None:
        return ""
    locale = _formatting_locale()
    symbols = _number_symbols(locale)
    if symbols is None:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(round(value, digits), format=pattern, locale=locale)
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", symbols[1]).replace("\0", symbols[0])
