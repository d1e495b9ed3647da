"""Dates and times in the reader's language: templates name a style, and each language
writes it in its own word order, on the 24-hour clock."""
from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest
from flask_babel import force_locale

from app.utils.formatting import STYLES, event_datetime, event_time, local_date
from app.utils.time import local_to_utc
from tests.factories import make_event

ROOT = Path(__file__).resolve().parents[2]
WEDNESDAY = date(2027, 4, 21)


@pytest.fixture
def astana(db):
    return make_event(timezone="Asia/Almaty")


def evening(event):
    """29 November 2026, 19:20 in Astana, as stored (UTC)."""
    return local_to_utc(date(2026, 11, 29), time(19, 20), event.timezone)


def in_language(app, lang: str, render):
    with app.test_request_context(), force_locale(lang):
        return render()


@pytest.mark.parametrize("lang, heading", [
    ("en", "Wednesday 21 April"),
    ("ru", "Среда, 21 апреля"),
    # Kazakh puts the day of the month first and the weekday last.
    ("kk", "21 сәуір, сәрсенбі"),
])
def test_day_heading_follows_the_word_order_of_each_language(app, lang, heading):
    assert in_language(app, lang, lambda: local_date(WEDNESDAY, "day")) == heading


@pytest.mark.parametrize("lang, heading", [
    ("en", "Wednesday, 21 April 2027"),
    ("ru", "Среда, 21 апреля 2027\u202fг."),
    ("kk", "2027\u202fж. 21 сәуір, сәрсенбі"),
])
def test_day_with_its_year_follows_the_word_order_of_each_language(app, lang, heading):
    assert in_language(app, lang, lambda: local_date(WEDNESDAY, "day_year")) == heading


@pytest.mark.parametrize("lang, tab", [("en", "Wed 21 Apr"), ("ru", "Ср, 21 апр."), ("kk", "21 сәу., ср")])
def test_short_day_follows_the_word_order_of_each_language(app, lang, tab):
    assert in_language(app, lang, lambda: local_date(WEDNESDAY, "day_short")) == tab


@pytest.mark.parametrize("lang, moment", [
    ("en", "29 Nov 2026, 19:20"),
    ("ru", "29 нояб. 2026\u202fг., 19:20"),
    ("kk", "2026\u202fж. 29 қар., 19:20"),
])
def test_short_moment_names_the_month_and_uses_the_24_hour_clock(app, astana, lang, moment):
    # Organiser tables use this style: never "11/29/26, 7:20 PM".
    assert in_language(app, lang, lambda: event_datetime(evening(astana), astana, "short")) == moment


@pytest.mark.parametrize("lang, moment", [
    ("en", "Sunday 29 November, 19:20"),
    ("ru", "Воскресенье, 29 ноября, 19:20"),
    ("kk", "29 қараша, жексенбі, 19:20"),
])
def test_day_and_time_follow_the_word_order_of_each_language(app, astana, lang, moment):
    assert in_language(app, lang, lambda: event_datetime(evening(astana), astana, "day_time")) == moment


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_time_of_day_is_on_the_24_hour_clock(app, astana, lang):
    assert in_language(app, lang, lambda: event_time(evening(astana), astana)) == "19:20"


def test_a_pattern_instead_of_a_style_is_refused(app):
    with pytest.raises(ValueError, match="unknown date style"):
        in_language(app, "en", lambda: local_date(WEDNESDAY, "EEEE d MMMM"))


def test_templates_name_date_styles_and_carry_no_patterns():
    call = re.compile(r"\|(local_date|event_datetime|event_time)\(([^)]*)\)")
    found = {}
    for path in (ROOT / "app").rglob("templates/**/*.*"):
        for _filter, args in call.findall(path.read_text(encoding="utf-8")):
            for style in re.findall(r"""["']([^"']*)["']""", args):
                found.setdefault(style, path.relative_to(ROOT))
    assert found, "no dates found in the templates"
    assert {style: where for style, where in found.items() if style not in STYLES} == {}


def test_lengthening_a_pattern_keeps_its_literal_text_literal():
    from datetime import datetime

    from babel.dates import format_datetime

    from app.utils.formatting import _widen

    # A nearest pattern with an abbreviated weekday and month, and a word that is not a field.
    pattern = _widen("EEE d MMM 'at' HH:mm", "MMMMEEEEdHm")
    assert format_datetime(datetime(2027, 4, 21, 9), pattern, locale="en_GB") == "Wednesday 21 April at 09:00"


@pytest.mark.parametrize("lang, same_month, across_months", [
    ("en", "21 – 23 April 2027", "28 April – 2 May 2027"),
    ("ru", "21—23 апреля 2027 г.", "28 апреля — 2 мая 2027 г."),
    ("kk", "2027 ж. 21–23 сәуір", "2027 ж. 28 сәуір – 2 мамыр"),
])
def test_a_date_range_writes_the_shared_month_and_year_once(app, lang, same_month, across_months):
    from app.utils.formatting import date_range

    assert in_language(app, lang, lambda: date_range(WEDNESDAY, date(2027, 4, 23))) == same_month
    assert in_language(app, lang, lambda: date_range(date(2027, 4, 28), date(2027, 5, 2))) == across_months
