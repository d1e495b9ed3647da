"""Template globals and filters: permissions, navigation, dates in the event's zone."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from app.utils.countries import country_name
from app.utils.time import as_utc, utcnow


def _locale() -> str:
    return str(get_locale() or "en")


def event_datetime(value: datetime | None, event=None, fmt: str = "medium") -> str:
    """A UTC datetime shown in the event's time zone and the reader's language."""
    if value is None:
        return ""
    zone = event.tz if event is not None else None
    if fmt in ("short", "medium", "long"):
        # Date in the chosen length, time as hours and minutes: seconds and the UTC
        # offset mean nothing to a delegate reading a programme.
        local = as_utc(value).astimezone(zone) if zone else as_utc(value)
        return f"{format_date(local, fmt, locale=_locale())}, {format_time(local, 'short', locale=_locale())}"
    return format_datetime(as_utc(value), fmt, tzinfo=zone, locale=_locale())


def event_time(value: datetime | None, event=None, fmt: str = "short") -> str:
    if value is None:
        return ""
    zone = event.tz if event is not None else None
    return format_time(as_utc(value), fmt, tzinfo=zone, locale=_locale())


def local_date(value: date | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    return format_date(value, fmt, locale=_locale())


def date_range(start: date, end: date) -> str:
    if start == end:
        return local_date(start)
    return f"{local_date(start)} – {local_date(end)}"


def _cldr_language_name(code: str) -> str:
    from babel import Locale, UnknownLocaleError

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


def _path_without_lang() -> str:
    """This page's path and query, without ?lang= (it would outrank a language chosen later)."""
    from urllib.parse import urlencode

    from flask import has_request_context

    if not has_request_context():  # mail rendered by a command or the worker
        return "/"
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + (f"?{urlencode(args)}" if args else "")


def init_app(app: Flask) -> None:
    from app.policy import can

    @app.context_processor
    def inject():
        from app.events.nav import event_nav
        from app.organiser.nav import nav_for

        event = g.get("event")
        return {
            "can": lambda action, target=None: can(current_user, action, target),
            "current_event": event,
            "organiser_nav": (lambda ev: nav_for(current_user, ev)),
            "event_nav": (lambda ev: event_nav(current_user, ev)),
            "languages": current_app.config["LANGUAGES"],
            "current_locale": _locale(),
            "request_path": _path_without_lang(),
        }

    app.jinja_env.filters.update(
        event_datetime=event_datetime,
        event_time=event_time,
        local_date=local_date,
        language_name=language_name,
        utc_iso=utc_iso,
        country_name=lambda code: country_name(code, _locale()),
        language_names=language_names,
    )
    app.jinja_env.globals.update(
        date_range=date_range,
        now_utc=utcnow,
        view_names=lambda: current_app.view_functions,
    )
